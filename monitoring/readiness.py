"""Whether this web process can serve: the checks behind /health/ready.

Each check answers "ok" or names what failed by the kind of error only (never its message, which may hold a
host name, a user or a password): the answer is for load balancers and operators, and it is public.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)
OK = "ok"
_migrations_seen_applied = False  # once applied they stay applied for this process (new code means a restart)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _migrations() -> None:
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise MigrationsPending
    _migrations_seen_applied = True


def _cache() -> None:
    from django.core.cache import cache

    cache.set("pult:monitoring:ready", "1", timeout=10)
    if cache.get("pult:monitoring:ready") != "1":
        raise CacheLost


def _queue() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()


class MigrationsPending(Exception):
    """The database lacks migrations this code needs (run `manage.py migrate`)."""


class CacheLost(Exception):
    """The cache accepted a value and did not give it back."""


def _checks() -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {"database": _database, "migrations": _migrations}
    if settings.REDIS_URL:  # without Redis the cache is this process's memory: nothing to reach
        checks["cache"] = _cache
    checks["queue"] = _queue  # Huey's storage: Redis, or its SQLite file
    return checks


def readiness() -> dict[str, str]:
    """Each configured check's result: "ok" or "failed: <kind of error>". Runs every check, in order;
    the migrations are not checked while the database cannot be reached."""
    results: dict[str, str] = {}
    for name, check in _checks().items():
        if name == "migrations" and results.get("database") != OK:
            results[name] = "not checked"
            continue
        try:
            check()
        except Exception as exc:
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = f"failed: {type(exc).__name__}"
        else:
            results[name] = OK
    return results
