"""Reads of the complaint register, always scoped to what the user may see.

An employee a complaint concerns never gets it from here before the decision (and afterwards only if
the officer allowed it), whatever their role: every page, search, export and API list goes through
`visible_to`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import day_span
from common.lookup import lookup
from complaints.choices import PENDING_STATES, ComplaintState, Outcome
from complaints.models import Complaint, ComplaintEvent
from tickets.choices import Channel


def hidden_from(user: Any) -> Q:
    """The complaints that concern `user` and that they may not (yet) see."""
    concerning = Complaint.concerned.through.objects.filter(user_id=user.pk).values("complaint_id")
    return Q(pk__in=concerning) & (Q(decided_at__isnull=True) | Q(concerned_may_see=False))


def visible_to(user: Any) -> QuerySet[Complaint]:
    """The register for officers and executives; the complaints they recorded for the desk's agents."""
    complaints = Complaint.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return complaints.none()
    if not user.has_perm("complaints.view_complaints"):
        if not user.has_perm("complaints.register_complaint"):
            return complaints.none()
        complaints = complaints.filter(registered_by=user)
    return complaints.exclude(hidden_from(user))


def follows_register(user: Any) -> bool:
    """Officers and executives follow the whole procedure; an agent only sees what they recorded."""
    return bool(user.has_perm("complaints.view_complaints"))


def get_for(user: Any, *, year: int, sequence: int) -> Complaint:
    complaint = (
        visible_to(user)
        .select_related("customer", "contact", "module", "ticket", "officer", "registered_by")
        .filter(year=year, sequence=sequence)
        .first()
    )
    if complaint is None:
        raise Http404("No such complaint.")
    return complaint


@dataclass
class ComplaintFilter:
    states: list[str]
    channels: list[str]
    text: str = ""
    overdue: bool = False
    mine: bool = False


# What a complaint is found by: its number, subject, the complainant (name, e-mail, address, phone).
COMPLAINT_FIELDS = ("number", "subject", "complainant_name", "complainant_email", "complainant_address")
COMPLAINT_PHONES = ("complainant_phone",)


def find_complaints(complaints: QuerySet[Complaint], text: str) -> QuerySet[Complaint]:
    return lookup(complaints, text, COMPLAINT_FIELDS, phone_fields=COMPLAINT_PHONES)


def register_list(*, user: Any, filters: ComplaintFilter, now: dt.datetime | None = None) -> QuerySet[Complaint]:
    complaints = visible_to(user)
    if filters.states:
        complaints = complaints.filter(state__in=filters.states)
    if filters.channels:
        complaints = complaints.filter(channel__in=filters.channels)
    if filters.overdue:
        complaints = complaints.filter(state__in=PENDING_STATES, due_at__lte=now or timezone.now())
    if filters.mine:
        complaints = complaints.filter(officer=user)
    text = filters.text.strip()
    if text:
        complaints = find_complaints(complaints, text)
    return complaints.select_related("officer", "module").order_by("-received_at", "-id")


def timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return ComplaintEvent.objects.filter(complaint=complaint).select_related("actor").order_by("at", "id")


def linked_to_ticket(user: Any, ticket: Any) -> QuerySet[Complaint]:
    """The complaints raised from a ticket that `user` may see (none for an employee they concern)."""
    return visible_to(user).filter(ticket=ticket).order_by("received_at", "id")


def deadline_counts(user: Any, now: dt.datetime) -> dict[str, int]:
    """For the start page: open complaints, answers due within the warning period, and overdue answers."""
    pending = visible_to(user).filter(state__in=PENDING_STATES)
    return pending.aggregate(
        open=Count("id"),
        soon=Count("id", filter=Q(warn_at__lte=now, due_at__gt=now)),
        overdue=Count("id", filter=Q(due_at__lte=now)),
    )


def statistics(*, user: Any, start: dt.date, end: dt.date, now: dt.datetime | None = None) -> dict[str, Any]:
    """Management review of a period (by date of receipt): counts only, so nobody is named. It counts the
    complaints `user` may see (`visible_to`, the same rule as the register's list)."""
    now = now or timezone.now()
    since, until = day_span(start, end)
    period = visible_to(user).filter(received_at__gte=since, received_at__lt=until)

    def grouped(field: str, label: Any) -> list[dict[str, Any]]:
        rows = period.values(field).annotate(n=Count("id")).order_by("-n", field)
        return [{"label": label(row[field]), "n": row["n"]} for row in rows]

    answered = period.filter(answered_at__isnull=False)
    time_to_answer = answered.aggregate(
        average=Avg(ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField()))
    )["average"]
    return {
        "total": period.count(),
        "by_channel": grouped("channel", lambda value: Channel(value).label),
        "by_module": grouped("module__name", lambda value: value or _("No module")),
        "by_outcome": grouped("outcome", lambda value: Outcome(value).label if value else _("Not decided")),
        "by_state": grouped("state", lambda value: ComplaintState(value).label),
        "answered": answered.count(),
        "average_days_to_answer": time_to_answer.total_seconds() / 86400 if time_to_answer else None,
        "answered_late": answered.filter(answered_at__gt=F("due_at")).count(),
        "overdue_now": period.filter(state__in=PENDING_STATES, due_at__lte=now).count(),
        "set_aside": period.filter(state=ComplaintState.SET_ASIDE).count(),
    }
