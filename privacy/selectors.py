"""Reads of the access log for the data-protection officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from common.collation import hungarian
from common.dates import end_of_day, start_of_day
from common.lookup import aliases, lookup, matches
from complaints.models import Complaint
from complaints.selectors import find_complaints
from customers import selectors as customer_selectors
from customers.models import Contact
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
    contact_ids = customer_selectors.find_contacts(Contact.objects.all(), text).values("pk")
    complaint_ids = find_complaints(Complaint.objects.all(), text).values("pk")
    return (
        Q(contact_id__in=contact_ids)
        | Q(kind=AccessKind.COMPLAINT, object_id__in=complaint_ids)
        | matches(text, ("subject",))
    )


def access_log(*, filters: AccessLogFilter) -> QuerySet[AccessLogEntry]:
    """The entries matching every given filter, newest first, with their users (a fixed number of queries)."""
    entries = AccessLogEntry.objects.select_related("user")
    person = filters.person.strip()
    if person:
        entries = entries.alias(**aliases(("subject",))).filter(_person_condition(person))
    if filters.user is not None:
        entries = entries.filter(user=filters.user)
    if filters.start is not None:
        entries = entries.filter(at__gte=start_of_day(filters.start))
    if filters.end is not None:
        entries = entries.filter(at__lt=end_of_day(filters.end))
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


REQUEST_FIELDS = ("number", "requester_name", "requester_email", "contact__name", "contact__email")


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
        requests = lookup(requests, person, REQUEST_FIELDS, phone_fields=("contact__phone_digits",))
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
    contacts = customer_selectors.find_contacts(Contact.objects.select_related("customer"), text)
    return list(contacts.order_by(hungarian("name"), "id")[:limit])


def get_request(*, year: int, sequence: int) -> SubjectRequest:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        SubjectRequest.objects.select_related("contact__customer", "handler", "registered_by"),
        year=year,
        sequence=sequence,
    )
