"""The calendar and the targets in force, built from the database and cached per process by revision."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from tickets.choices import Priority, Stage
from worktime.calendar import SEED_WEEKLY, WorkCalendar, weekly_from
from worktime.models import CalendarException, CalendarRevision, OpeningHours, ServiceLevel

DEFAULT_TARGETS: dict[str, dict[str, int]] = {
    # Working minutes: verification, routing, resolution, notification after solving.
    Priority.URGENT: {"verify": 30, "route": 60, "resolve": 8 * 60, "notify": 60},
    Priority.HIGH: {"verify": 60, "route": 2 * 60, "resolve": 2 * 8 * 60, "notify": 2 * 60},
    Priority.NORMAL: {"verify": 4 * 60, "route": 8 * 60, "resolve": 5 * 8 * 60, "notify": 8 * 60},
    Priority.LOW: {"verify": 8 * 60, "route": 2 * 8 * 60, "resolve": 10 * 8 * 60, "notify": 2 * 8 * 60},
}
DEFAULT_WARN_PERCENT = 80


@dataclass(frozen=True)
class Target:
    minutes: int
    warn_percent: int

    @property
    def warn_minutes(self) -> float:
        return self.minutes * self.warn_percent / 100


@dataclass
class Snapshot:
    revision: int
    calendar: WorkCalendar
    levels: dict[tuple[str, int | None, int | None], ServiceLevel]

    def target(self, stage: Stage | str, priority: str, customer_id: int | None, module_id: int | None) -> Target:
        """The most specific service level for the ticket's priority, customer and module; else the defaults."""
        for key in (
            (priority, customer_id, module_id),
            (priority, customer_id, None),
            (priority, None, module_id),
            (priority, None, None),
        ):
            level = self.levels.get(key)
            if level is not None:
                return Target(level.minutes_for(str(stage)), level.warn_percent)
        return Target(DEFAULT_TARGETS[priority][str(stage)], DEFAULT_WARN_PERCENT)


_cache = threading.local()


def current_revision() -> int:
    return CalendarRevision.objects.values_list("revision", flat=True).filter(pk=1).first() or 0


def snapshot() -> Snapshot:
    """The calendar and targets in force: one small query when nothing changed since this process last built them."""
    revision = current_revision()
    cached: Snapshot | None = getattr(_cache, "snapshot", None)
    if cached is not None and cached.revision == revision:
        return cached
    hours = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    weekly = weekly_from(hours) if hours else SEED_WEEKLY
    exceptions = {
        row.date: (((row.opens, row.closes),) if row.opens and row.closes else (), row.reason)
        for row in CalendarException.objects.all()
    }
    levels = {(level.priority, level.customer_id, level.module_id): level for level in ServiceLevel.objects.all()}
    built = Snapshot(revision, WorkCalendar(weekly, exceptions), levels)  # type: ignore[arg-type]
    _cache.snapshot = built
    return built


def current_calendar() -> WorkCalendar:
    return snapshot().calendar


def bump_revision() -> None:
    """Record that hours, exceptions or targets changed (every process rebuilds its calendar)."""
    with transaction.atomic():
        updated = CalendarRevision.objects.filter(pk=1).update(revision=F("revision") + 1)
        if not updated:
            CalendarRevision.objects.create(pk=1, revision=1)
