"""Background work of accounts: expired throttle counters purged."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts import throttling


@db_periodic_task(crontab(minute="41"))
def throttle_counter_purge_task() -> None:
    """Hourly: the counters of failed logins, reset mails and API tokens whose window and lock have passed."""
    throttling.purge_expired()
