"""The deadline of a data-subject request: one calendar month from receipt, extendable once by two more.

GDPR Art. 12(3): the answer is due "within one month of receipt", which may be extended "by two further
months". A month is a calendar month: received on 31 January, due on the last day of February. The deadline
is the end of that day, Budapest time. As with complaints, the instant the sweep must look at a request next
is stored on it (`next_check_at`, indexed): a warning to the handler a week before, and a reminder on the
day itself, each once.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from common.sweeps import sweep_due

if TYPE_CHECKING:
    from privacy.models import SubjectRequest

ANSWER_MONTHS = 1
EXTENSION_MONTHS = 2
WARN_BEFORE = dt.timedelta(days=7)
# The deadline-day reminder comes in the morning of the last day, not at midnight.
REMINDER_TIME = dt.time(8, 0)


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def due_for(received_at: dt.datetime, *, extended: bool = False) -> dt.datetime:
    """The end of the day one calendar month (three when extended) after receipt, Budapest time.

    relativedelta keeps the day of the month where it exists and takes the month's last day otherwise
    (31 January → 28 or 29 February).
    """
    months = ANSWER_MONTHS + (EXTENSION_MONTHS if extended else 0)
    last_day = timezone.localtime(received_at).date() + relativedelta(months=months)
    return _end_of_day(last_day)


def reminder_at(due_at: dt.datetime) -> dt.datetime:
    day = timezone.localtime(due_at).date()
    return dt.datetime.combine(day, REMINDER_TIME, tzinfo=timezone.get_current_timezone())


def start(request: SubjectRequest) -> None:
    """(Re)start the clock: new deadline, warnings not yet sent."""
    request.due_at = due_for(request.received_at, extended=request.extended_at is not None)
    request.warned_at = request.reminded_at = None
    request.next_check_at = _next_check(request)


def stop(request: SubjectRequest) -> None:
    request.next_check_at = None


def _next_check(request: SubjectRequest) -> dt.datetime | None:
    if request.warned_at is None:
        return request.due_at - WARN_BEFORE
    if request.reminded_at is None:
        return reminder_at(request.due_at)
    return None


def sweep(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """Warn about every open request whose next check has come. Returns how many were handled."""
    from privacy.choices import OPEN_REQUEST_STATES
    from privacy.models import SubjectRequest

    now = now or timezone.now()
    due = SubjectRequest.objects.filter(next_check_at__lte=now, state__in=OPEN_REQUEST_STATES)
    return sweep_due(due, _check_one, now, batch)


def _check_one(pk: int, now: dt.datetime) -> None:
    from privacy.choices import OPEN_REQUEST_STATES, RequestAction
    from privacy.models import SubjectRequest
    from privacy.services import _event

    with transaction.atomic():
        request = SubjectRequest.objects.select_for_update(of=("self",)).select_related("handler").get(pk=pk)
        if request.state not in OPEN_REQUEST_STATES or request.next_check_at is None or request.next_check_at > now:
            return
        if request.reminded_at is None and reminder_at(request.due_at) <= now:
            # The day has come (or passed): the reminder covers the warning too, and neither is sent twice.
            request.warned_at = request.warned_at or now
            request.reminded_at = now
            action = RequestAction.DEADLINE_DAY
        else:
            request.warned_at = now
            action = RequestAction.DEADLINE_WARNING
        request.next_check_at = _next_check(request)
        SubjectRequest.objects.filter(pk=pk).update(
            warned_at=request.warned_at, reminded_at=request.reminded_at, next_check_at=request.next_check_at
        )
        told = _alert(request, reminder=action == RequestAction.DEADLINE_DAY)
        _event(request, None, action, note=_due_text(request), told=told)


def handlers_for(request: SubjectRequest) -> list[Any]:
    """Its handler, or every data-protection officer while nobody has taken it."""
    if request.handler is not None and request.handler.is_active:
        return [request.handler]
    return list(
        get_user_model()
        .objects.with_perm("privacy.handle_subject_request", is_active=True, include_superusers=False)
        .order_by("pk")
    )


def _due_text(request: SubjectRequest) -> str:
    return formats.date_format(timezone.localtime(request.due_at), "SHORT_DATETIME_FORMAT")


def _alert(request: SubjectRequest, *, reminder: bool) -> list[str]:
    """Queue the e-mail to each handler after commit. The subject names no person."""
    from privacy.tasks import send_deadline_alert_task

    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "number": request.number,
            "due": _due_text(request),
            "url": settings.PULT_BASE_URL + reverse("privacy:request_detail", args=[request.year, request.sequence]),
        }
        if reminder:
            subject = _("Data-subject request %(number)s is due today (%(due)s)") % values
            body = _("The answer to data-subject request %(number)s is due today, %(due)s.\n\n%(url)s\n") % values
        else:
            subject = _("Data-subject request %(number)s: the answer is due %(due)s") % values
            body = _("The answer to data-subject request %(number)s is due in a week, %(due)s.\n\n%(url)s\n") % values
    told = []
    for person in handlers_for(request):
        if person.email:
            address = person.email
            transaction.on_commit(functools.partial(send_deadline_alert_task, address, subject, body))
            told.append(person.display_name)
    return told
