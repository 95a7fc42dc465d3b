"""Reads of the access log for the data-protection officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint
from customers.models import Contact, phone_digits
from privacy.choices import OPEN_REQUEST_STATES, AccessKind
from privacy.models import AccessLogEntry, SubjectRequest


@dataclass(frozen=True)
class AccessLogFilter:
    person: str = ""
    user: Any = None
    start: dt.date | None = None
    end: dt.date | None = None
    reference: str = ""


def _person_condition(text: str) -> Q:
    """Entries about the person named by `text`: their name, e-mail or phone number.

    Contacts are matched by name, e-mail and phone (the digits, so +36 30 … finds 06 30 …); complaints by
    the complainant's own data, which need not belong to any contact; and the name kept on each entry.
    """
    contacts = Q(name__icontains=text) | Q(email__icontains=text)
    complainants = Q(complainant_name__icontains=text) | Q(complainant_email__icontains=text)
    digits = phone_digits(text)
    if len(digits) >= 6 and "@" not in text:
        contacts |= Q(phone_digits__contains=digits)
        complainants |= Q(complainant_phone__contains=text.strip())
    contact_ids = Contact.objects.filter(contacts).values("pk")
    complaint_ids = Complaint.objects.filter(complainants).values("pk")
    return (
        Q(contact_id__in=contact_ids)
        | Q(kind=AccessKind.COMPLAINT, object_id__in=complaint_ids)
        | Q(subject__icontains=text)
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def access_log(*, filters: AccessLogFilter) -> QuerySet[AccessLogEntry]:
    """The entries matching every given filter, newest first, with their users (a fixed number of queries)."""
    entries = AccessLogEntry.objects.select_related("user")
    person = filters.person.strip()
    if person:
        entries = entries.filter(_person_condition(person))
    if filters.user is not None:
        entries = entries.filter(user=filters.user)
    if filters.start is not None:
        entries = entries.filter(at__gte=_midnight(filters.start))
    if filters.end is not None:
        entries = entries.filter(at__lt=_midnight(filters.end + dt.timedelta(days=1)))
    reference = filters.reference.strip()
    if reference:
        entries = entries.filter(reference__icontains=reference)
    return entries.order_by("-at", "-id")


# --- data-subject requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilter:
    state: str = "open"  # "open", "all", or one RequestState
    kind: str = ""
    person: str = ""
    overdue: bool = False


def subject_requests(*, filters: RequestFilter, now: dt.datetime | None = None) -> QuerySet[SubjectRequest]:
    """Requests for the officer's list, most urgent first, with what the list shows (a fixed number of queries)."""
    requests = SubjectRequest.objects.select_related("contact", "handler")
    if filters.state == "open":
        requests = requests.filter(state__in=OPEN_REQUEST_STATES)
    elif filters.state and filters.state != "all":
        requests = requests.filter(state=filters.state)
    if filters.kind:
        requests = requests.filter(kind=filters.kind)
    person = filters.person.strip()
    if person:
        condition = (
            Q(requester_name__icontains=person)
            | Q(requester_email__icontains=person)
            | Q(contact__name__icontains=person)
            | Q(contact__email__icontains=person)
            | Q(number__icontains=person)
        )
        digits = phone_digits(person)
        if len(digits) >= 6 and "@" not in person:
            condition |= Q(contact__phone_digits__contains=digits)
        requests = requests.filter(condition)
    if filters.overdue:
        requests = requests.filter(state__in=OPEN_REQUEST_STATES, due_at__lt=now or timezone.now())
    return requests.order_by("due_at", "id") if filters.state == "open" else requests.order_by("-received_at", "-id")


def open_requests(*, limit: int = 10) -> list[SubjectRequest]:
    """The open requests with the nearest deadlines, for the officer's start page."""
    return list(
        SubjectRequest.objects.filter(state__in=OPEN_REQUEST_STATES)
        .select_related("contact", "handler")
        .order_by("due_at", "id")[:limit]
    )


def find_contacts(text: str, *, limit: int = 20) -> list[Contact]:
    """Contacts by name, e-mail or phone, for choosing the person a request is about."""
    text = text.strip()
    if len(text) < 2:
        return []
    condition = Q(name__icontains=text) | Q(email__icontains=text)
    digits = phone_digits(text)
    if len(digits) >= 6 and "@" not in text:
        condition |= Q(phone_digits__contains=digits)
    return list(Contact.objects.filter(condition).select_related("customer").order_by("name", "id")[:limit])


def get_request(*, year: int, sequence: int) -> SubjectRequest:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        SubjectRequest.objects.select_related("contact__customer", "handler", "registered_by"),
        year=year,
        sequence=sequence,
    )
