"""The answer deadline of a complaint: calendar days from receipt, warned before and escalated after.

Like the service levels of tickets, the instant the sweep must look at a complaint next is stored on it
(`next_check_at`, indexed), so the periodic sweep finds its work with one range query; each warning and
each escalation is sent once (`warned_at`, `breached_at`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from common.sweeps import sweep_due
from complaints.eligibility import deciders, who_may_act

if TYPE_CHECKING:
    from complaints.models import Complaint


def due_for(received_at: dt.datetime) -> dt.datetime:
    """The end of the last day of the answer period, Budapest time (the day of receipt is day zero)."""
    days = settings.PULT_COMPLAINT_ANSWER_DAYS
    last_day = timezone.localtime(received_at).date() + dt.timedelta(days=days)
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=tz)


def start(complaint: Complaint) -> None:
    complaint.due_at = due_for(complaint.received_at)
    complaint.warn_at = complaint.due_at - dt.timedelta(days=settings.PULT_COMPLAINT_WARN_DAYS)
    complaint.warned_at = complaint.breached_at = None
    complaint.next_check_at = complaint.warn_at


def stop(complaint: Complaint) -> None:
    """Answered or closed: nothing more to check. The due date stays for the statistics."""
    complaint.next_check_at = None


def _next_check(complaint: Complaint) -> dt.datetime | None:
    if complaint.warned_at is None:
        return complaint.warn_at
    if complaint.breached_at is None:
        return complaint.due_at
    return None


def sweep(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """Warn and escalate every complaint whose next check has come. Returns how many were handled."""
    from complaints.choices import PENDING_STATES
    from complaints.models import Complaint

    now = now or timezone.now()
    due = Complaint.objects.filter(next_check_at__lte=now, state__in=PENDING_STATES)
    return sweep_due(due, _check_one, now, batch)


def _check_one(pk: int, now: dt.datetime) -> None:
    from complaints.choices import PENDING_STATES
    from complaints.models import Complaint

    with transaction.atomic():
        complaint = Complaint.objects.select_for_update(of=("self",)).select_related("officer").get(pk=pk)
        if complaint.state not in PENDING_STATES or complaint.next_check_at is None or complaint.next_check_at > now:
            return
        if complaint.due_at is not None and complaint.due_at <= now and complaint.breached_at is None:
            complaint.warned_at = complaint.warned_at or now
            complaint.breached_at = now
            escalate(complaint)
        elif complaint.warned_at is None:
            complaint.warned_at = now
            warn(complaint)
        complaint.next_check_at = _next_check(complaint)
        # Not a step: the version stays, so nobody's open form goes stale because of a reminder.
        Complaint.objects.filter(pk=pk).update(
            warned_at=complaint.warned_at, breached_at=complaint.breached_at, next_check_at=complaint.next_check_at
        )


def _values(complaint: Complaint) -> dict[str, str]:
    return {
        "number": complaint.number,
        "due": formats.date_format(timezone.localtime(complaint.due_at), "SHORT_DATETIME_FORMAT")
        if complaint.due_at
        else "",
        "url": settings.PULT_BASE_URL + reverse("complaints:detail", args=[complaint.year, complaint.sequence]),
    }


def warn(complaint: Complaint) -> None:
    """The warning time has come: tell whoever may take the next step (once). The subject names no person."""
    from complaints.choices import Action
    from complaints.mailing import staff_alert_queue
    from complaints.services import _event

    with translation.override(settings.LANGUAGE_CODE):
        values = _values(complaint)
        subject = _("Complaint %(number)s: the answer is due %(due)s") % values
        body = _("The written answer to complaint %(number)s is due %(due)s.\n\n%(url)s\n") % values
        told = staff_alert_queue(complaint, who_may_act(complaint), subject, body)
        _event(complaint, None, Action.DEADLINE_WARNING, note=values["due"], told=told)


def escalate(complaint: Complaint) -> None:
    """The deadline passed without an answer: tell the executives and the officer (once)."""
    from complaints.choices import Action
    from complaints.mailing import staff_alert_queue
    from complaints.services import _event

    with translation.override(settings.LANGUAGE_CODE):
        values = _values(complaint)
        subject = _("Complaint %(number)s: the answer deadline (%(due)s) has passed") % values
        body = (
            _(
                "The written answer to complaint %(number)s was due %(due)s and has not been sent.\n"
                "This message goes to the executives and the complaint officer.\n\n%(url)s\n"
            )
            % values
        )
        people = deciders(complaint)
        people += [person for person in who_may_act(complaint) if person not in people]
        told = staff_alert_queue(complaint, people, subject, body)
        _event(complaint, None, Action.DEADLINE_BREACH, note=values["due"], told=told)
