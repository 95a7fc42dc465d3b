"""Leases: the one way background jobs keep from running twice at once.

Huey's own task locks are rows that only an orderly exit removes: a worker killed in the middle of a job
(SIGKILL, a power cut, the out-of-memory killer) left its lock behind for good, and the job never ran again.
A lease instead names its holder (host, process id and the process's start time) and has a time-out. Another
process takes a lease over when its time has run out or when its holder is a process of this host that no
longer lives, so a restarted worker picks the job up at once; a holder on another machine is waited out.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey.exceptions import TaskLockedException

from worker.models import Lease

logger = logging.getLogger("pult.worker")

DEFAULT_TTL = dt.timedelta(minutes=30)


class LeaseHeld(TaskLockedException):
    """Another live process runs this job now. Huey logs it and retries the task if it has retries."""


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), which tells a reused process id apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _host() -> str:
    return socket.gethostname()[:100]


def this_process() -> str:
    pid = os.getpid()
    return f"{_host()}:{pid}:{_start_time(pid) or '-'}"


def holder_alive(holder: str) -> bool:
    """Whether the process named by `holder` still runs. A holder on another host is taken to live."""
    host, _sep, rest = holder.partition(":")
    pid_text, _sep, started = rest.partition(":")
    if host != _host() or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if started != "-":
        return _start_time(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire(name: str, *, ttl: dt.timedelta = DEFAULT_TTL) -> str:
    """Take the lease `name` for this process and return its token; LeaseHeld when a live holder has it."""
    now = timezone.now()
    token = secrets.token_hex(16)
    me = this_process()
    with transaction.atomic():
        current = Lease.objects.select_for_update().filter(name=name).first()
        if current is None:
            try:
                with transaction.atomic():
                    Lease.objects.create(name=name, holder=me, token=token, acquired_at=now, expires_at=now + ttl)
            except IntegrityError as exc:
                raise LeaseHeld(f"{name} is held by another process") from exc
            return token
        if current.expires_at > now and holder_alive(current.holder):
            raise LeaseHeld(f"{name} is held by {current.holder} until {current.expires_at:%Y-%m-%d %H:%M:%S}")
        taken = Lease.objects.filter(name=name, token=current.token).update(
            holder=me, token=token, acquired_at=now, expires_at=now + ttl
        )
        if not taken:
            raise LeaseHeld(f"{name} was taken over by another process")
    logger.warning(
        "lease %s taken over from %s (%s)",
        name,
        current.holder,
        "expired" if current.expires_at <= now else "its process is gone",
    )
    return token


def release(name: str, token: str) -> None:
    Lease.objects.filter(name=name, token=token).delete()


@contextmanager
def lease(name: str, *, ttl: dt.timedelta = DEFAULT_TTL) -> Iterator[None]:
    """Run the block as the only holder of `name`; raises LeaseHeld (before the block) when it is taken."""
    token = acquire(name, ttl=ttl)
    try:
        yield
    finally:
        release(name, token)
