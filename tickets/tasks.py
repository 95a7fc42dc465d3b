"""Background work of the registry: the service-level sweep and the recomputation of deadlines."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tickets import deadlines
from worker.leases import lease


@db_periodic_task(crontab(minute="*"))
def sla_sweep_task() -> None:
    """Every minute: warnings at the warning time, escalations at the deadline (each once)."""
    with lease("sla-sweep"):
        deadlines.sweep()


@db_task(retries=5, retry_delay=30)
def recompute_deadlines_task() -> None:
    """After the calendar or the targets changed: every open ticket's deadline, with the new rules."""
    with lease("recompute-deadlines"):
        deadlines.recompute_open()
