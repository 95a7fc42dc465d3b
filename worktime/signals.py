"""A change of hours, exceptions or targets moves the deadlines of every open ticket (by the worker)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from worktime.models import CalendarException, OpeningHours, ServiceLevel


@receiver(post_save, sender=OpeningHours)
@receiver(post_delete, sender=OpeningHours)
@receiver(post_save, sender=CalendarException)
@receiver(post_delete, sender=CalendarException)
@receiver(post_save, sender=ServiceLevel)
@receiver(post_delete, sender=ServiceLevel)
def calendar_changed(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loading fixtures
        return
    from tickets.tasks import recompute_deadlines_task
    from worktime.services import bump_revision

    bump_revision()
    transaction.on_commit(recompute_deadlines_task)
