"""The daily retention run: each rule removes what has outlived its period (see retention.rules)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from retention import rules
from worker.leases import lease


@db_periodic_task(crontab(hour="3", minute="15"))
def retention_task() -> None:
    """Every night: closed tickets, raw e-mails, attachments and access-log entries past their period."""
    with lease("retention"):
        rules.apply_rules()
