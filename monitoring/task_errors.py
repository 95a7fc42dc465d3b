"""Counting the background tasks that raised, for /metrics.

The worker runs in its own processes (on several machines in a cluster), so the count is kept where the web
processes can read it: in the cache, which is Redis (shared by every machine) when REDIS_URL is set. Without
Redis the cache is per process and the worker's count is invisible to the web: /metrics then leaves it out.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)
KEY_PREFIX = "pult:monitoring:task-errors:"
# Kept for a year: a counter that vanished would look like a reset to Prometheus, which copes with that anyway.
KEY_TIMEOUT = 365 * 24 * 3600


def counted() -> bool:
    """Whether the counts are shared between the worker and the web processes (Redis)."""
    return bool(settings.REDIS_URL)


def task_error_record(*, task_name: str) -> None:
    """One more failure of `task_name`; never raises (monitoring must not break the worker)."""
    if not counted():
        return
    key = f"{KEY_PREFIX}{task_name}"
    try:
        cache.add(key, 0, timeout=KEY_TIMEOUT)
        cache.incr(key)
    except Exception:  # the cache being down is reported by /health/ready, not by the worker
        logger.warning("could not count a failed task in the cache", exc_info=True)


def task_error_counts() -> dict[str, int]:
    """Failures per task name of every registered task (0 for those that never failed)."""
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")  # the worker imports every app's tasks; a web process only those it used
    names = sorted(HUEY._registry._registry)
    found = cache.get_many([f"{KEY_PREFIX}{name}" for name in names])
    return {name: int(found.get(f"{KEY_PREFIX}{name}", 0)) for name in names}


def _on_error(signal: str, task: Any, exc: BaseException | None = None) -> None:
    from huey.contrib.djhuey import HUEY

    task_error_record(task_name=HUEY._registry.task_to_string(type(task)))


def connect() -> None:
    from huey.contrib.djhuey import HUEY
    from huey.signals import SIGNAL_ERROR

    if _on_error not in HUEY._signal.receivers.get(SIGNAL_ERROR, []):
        HUEY.signal(SIGNAL_ERROR)(_on_error)
