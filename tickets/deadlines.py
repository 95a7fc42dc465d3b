"""Service-level clocks: started, paused, resumed and ended by the workflow, checked by the periodic sweep.

A ticket has at most one running StageClock, for the stage its state belongs to (verification,
routing, resolution, notification). Its deadline is computed in working time when the stage starts
and stored on the clock and on the ticket (indexed), so "what is late" is a range query. The clock
pauses while the ticket waits on the user. Functions here run inside the workflow's transaction on
a locked ticket; only `sweep` and `recompute_open` open transactions of their own.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from tickets.choices import STAGE_OF_STATE, Stage, State
from tickets.models import StageClock, Ticket
from worktime.calendar import WorkCalendar, add_working_time, working_time_between
from worktime.services import Snapshot, snapshot

log = logging.getLogger(__name__)
ZERO = dt.timedelta(0)


def _running_clock(ticket: Ticket) -> StageClock | None:
    return StageClock.objects.filter(ticket=ticket, ended_at__isnull=True).order_by("-id").first()


def _schedule(clock: StageClock, cal: WorkCalendar) -> None:
    """Set the clock's deadline, warning time and next check from its running segment."""
    if clock.running_since is None:
        clock.due_at = clock.warn_at = clock.next_check_at = None
        return
    left = max(clock.target - clock.counted, ZERO)
    clock.due_at = add_working_time(cal, clock.running_since, left)
    warn_left = max(clock.target * clock.warn_percent / 100 - clock.counted, ZERO)
    clock.warn_at = add_working_time(cal, clock.running_since, warn_left)
    if clock.warned_at is None:
        clock.next_check_at = clock.warn_at
    elif clock.breached_at is None:
        clock.next_check_at = clock.due_at
    else:
        clock.next_check_at = None


def _mirror(ticket: Ticket, clock: StageClock | None) -> None:
    """Copy the running clock's deadline to the ticket (what lists sort and filter by)."""
    ticket.sla_stage = clock.stage if clock else ""
    ticket.due_at = clock.due_at if clock else None
    ticket.warn_at = clock.warn_at if clock else None


def planned_stage(ticket: Ticket, stage: Stage | str, at: dt.datetime, snap: Snapshot | None = None) -> StageClock:
    """The stage's clock, scheduled and mirrored on the ticket, not saved: a new ticket is written once, with
    its deadline, and its clock after it."""
    snap = snap or snapshot()
    target = snap.target(stage, ticket.priority, ticket.customer_id, ticket.module_id)
    clock = StageClock(
        ticket=ticket,
        stage=stage,
        priority=ticket.priority,
        target_minutes=target.minutes,
        warn_percent=target.warn_percent,
        started_at=at,
    )
    if ticket.waiting_since is not None:
        clock.paused_since = at
    else:
        clock.running_since = at
    _schedule(clock, snap.calendar)
    _mirror(ticket, clock)
    return clock


def start_stage(ticket: Ticket, stage: Stage | str, at: dt.datetime, snap: Snapshot | None = None) -> StageClock:
    clock = planned_stage(ticket, stage, at, snap)
    clock.save()
    return clock


def _counted_until(clock: StageClock, at: dt.datetime, cal: WorkCalendar) -> dt.timedelta:
    if clock.running_since is None:
        return clock.counted
    return clock.counted + max(working_time_between(cal, clock.running_since, at), ZERO)


def end_stage(ticket: Ticket, at: dt.datetime, snap: Snapshot | None = None) -> dict[str, Any] | None:
    """Stop the running clock; what it measured goes on the step's event."""
    clock = _running_clock(ticket)
    if clock is None:
        return None
    snap = snap or snapshot()
    clock.used = _counted_until(clock, at, snap.calendar)
    clock.met = clock.used <= clock.target
    clock.counted, clock.ended_at, clock.running_since, clock.paused_since = clock.used, at, None, None
    clock.due_at = clock.warn_at = clock.next_check_at = None
    clock.save()
    _mirror(ticket, None)
    return {
        "stage": clock.stage,
        "working_minutes": round(clock.used / dt.timedelta(minutes=1)),
        "target_minutes": clock.target_minutes,
        "met": clock.met,
    }


def on_state_change(ticket: Ticket, from_state: str, to_state: str, at: dt.datetime) -> dict[str, Any] | None:
    """Called by the workflow after a step: end the clock of the stage left and start the next one's."""
    if to_state in (State.CLOSED, State.REJECTED):
        ticket.waiting_since = None  # a closed ticket waits for nobody; a reopened one starts afresh
    old, new = STAGE_OF_STATE.get(from_state), STAGE_OF_STATE.get(to_state)
    if old == new:
        return None
    snap = snapshot()
    ended = end_stage(ticket, at, snap) if old else None
    if new:
        start_stage(ticket, new, at, snap)
    return {"ended": ended} if ended else None


def pause(ticket: Ticket, at: dt.datetime) -> None:
    """The ticket waits on the user: the clock stops counting."""
    ticket.waiting_since = at
    clock = _running_clock(ticket)
    if clock is None or clock.running_since is None:
        return
    cal = snapshot().calendar
    clock.counted = _counted_until(clock, at, cal)
    clock.running_since, clock.paused_since = None, at
    clock.pauses += 1
    _schedule(clock, cal)
    clock.save()
    _mirror(ticket, clock)


def resume(ticket: Ticket, at: dt.datetime) -> dt.timedelta:
    """The user answered: the clock counts again from now. Returns how long the ticket waited (wall-clock)."""
    waited = at - ticket.waiting_since if ticket.waiting_since else ZERO
    ticket.waiting_since = None
    clock = _running_clock(ticket)
    if clock is not None and clock.running_since is None:
        clock.running_since, clock.paused_since = at, None
        _schedule(clock, snapshot().calendar)
        clock.save()
        _mirror(ticket, clock)
    return waited


def retarget(ticket: Ticket) -> None:
    """The ticket's priority, customer or module changed: the running clock takes the new target."""
    clock = _running_clock(ticket)
    if clock is None:
        return
    snap = snapshot()
    target = snap.target(clock.stage, ticket.priority, ticket.customer_id, ticket.module_id)
    clock.priority, clock.target_minutes, clock.warn_percent = ticket.priority, target.minutes, target.warn_percent
    _schedule(clock, snap.calendar)
    clock.save()
    _mirror(ticket, clock)


# --- recomputation after a change of the calendar or the targets ----------------------------------

RECOMPUTE_BATCH = 500


def recompute_open(batch: int = RECOMPUTE_BATCH) -> int:
    """Recompute every running clock with the calendar and targets now in force. Returns how many changed."""
    snap = snapshot()
    changed = 0
    last_id = 0
    while True:
        ids = list(
            StageClock.objects.filter(ended_at__isnull=True, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return changed
        last_id = ids[-1]
        with transaction.atomic():
            clocks = StageClock.objects.select_for_update().select_related("ticket").filter(pk__in=ids)
            for clock in clocks:
                before = (clock.due_at, clock.warn_at, clock.target_minutes)
                ticket = clock.ticket
                target = snap.target(clock.stage, ticket.priority, ticket.customer_id, ticket.module_id)
                clock.target_minutes, clock.warn_percent = target.minutes, target.warn_percent
                _schedule(clock, snap.calendar)
                if (clock.due_at, clock.warn_at, clock.target_minutes) == before:
                    continue
                clock.save(update_fields=["target_minutes", "warn_percent", "due_at", "warn_at", "next_check_at"])
                Ticket.objects.filter(pk=ticket.pk).update(due_at=clock.due_at, warn_at=clock.warn_at)
                changed += 1


def start_missing(batch: int = RECOMPUTE_BATCH) -> int:
    """Open tickets without a clock (registered before service levels existed) get one, from their last change."""
    from django.db.models import Exists, OuterRef

    from tickets.choices import OPEN_STATES

    snap = snapshot()
    started = 0
    running = StageClock.objects.filter(ticket=OuterRef("pk"), ended_at__isnull=True)
    while True:
        ids = list(
            Ticket.objects.filter(state__in=OPEN_STATES)
            .exclude(Exists(running))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return started
        with transaction.atomic():
            for ticket in Ticket.objects.select_for_update().filter(pk__in=ids):
                last_change = ticket.events.filter(to_state=ticket.state).order_by("-at").values_list("at", flat=True)
                since = last_change.first() or ticket.received_at
                start_stage(ticket, STAGE_OF_STATE[ticket.state], since, snap)
                ticket.save(update_fields=["sla_stage", "due_at", "warn_at"])
                started += 1


# --- the periodic sweep ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    breached: list[int] = field(default_factory=list)


def due_for_check(now: dt.datetime, limit: int = 1000) -> list[int]:
    """The clocks whose warning or deadline has come: one indexed range query."""
    return list(
        StageClock.objects.filter(next_check_at__lte=now).order_by("next_check_at").values_list("pk", flat=True)[:limit]
    )


def sweep(now: dt.datetime | None = None) -> SweepResult:
    """Warn at the warning time and escalate at the deadline, each exactly once per clock."""
    from tickets import alerts

    now = now or timezone.now()
    result = SweepResult()
    while ids := due_for_check(now):
        for clock_id in ids:
            with transaction.atomic():
                clock = StageClock.objects.select_for_update().select_related("ticket").filter(pk=clock_id).first()
                if clock is None or clock.next_check_at is None or clock.next_check_at > now:
                    continue  # another sweep, or a workflow step, got there first
                if clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= now:
                    clock.warned_at = now
                    if clock.due_at is None or clock.due_at > now:
                        alerts.warn(clock)
                        result.warned.append(clock.ticket_id)
                if clock.breached_at is None and clock.due_at is not None and clock.due_at <= now:
                    clock.breached_at = now
                    alerts.escalate(clock)
                    result.breached.append(clock.ticket_id)
                clock.next_check_at = (
                    clock.due_at if clock.breached_at is None and clock.due_at and clock.due_at > now else None
                )
                clock.save(update_fields=["warned_at", "breached_at", "next_check_at"])
    return result
