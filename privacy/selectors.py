"""Reads of the access log for the data-protection officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint
from customers.models import Contact, phone_digits
from privacy.choices import AccessKind
from privacy.models import AccessLogEntry


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
