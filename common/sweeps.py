"""The periodic deadline sweeps' shared loop: take what is due by an indexed `next_check_at`, in batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


def sweep_due(due: QuerySet[Any], check_one: Callable[[int, dt.datetime], None], now: dt.datetime, batch: int) -> int:
    """Run `check_one(pk, now)` for every row of `due` (rows whose next check has come), oldest check first,
    `batch` ids at a time. `check_one` locks its row and moves or clears its `next_check_at`, so a row is not
    taken again. Returns how many were handled."""
    handled = 0
    while True:
        ids = list(due.order_by("next_check_at", "id").values_list("pk", flat=True)[:batch])
        if not ids:
            return handled
        for pk in ids:
            check_one(pk, now)
            handled += 1
