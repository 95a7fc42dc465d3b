"""A job's lease: one holder at a time, and never left behind by a process that died."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from django.utils import timezone

from worker.leases import LeaseHeld, _start_time, acquire, holder_alive, lease, release, this_process
from worker.models import Lease

pytestmark = pytest.mark.django_db


def a_finished_process() -> str:
    """The holder name of a process of this host that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    started = _start_time(child.pid)
    child.wait()
    return f"{this_process().split(':')[0]}:{child.pid}:{started}"


def held_by(holder: str, *, expires_in: dt.timedelta = dt.timedelta(minutes=30)) -> Lease:
    now = timezone.now()
    return Lease.objects.create(
        name="sla-sweep", holder=holder, token="old", acquired_at=now, expires_at=now + expires_in
    )


def test_a_second_run_of_the_same_job_is_refused_while_the_first_runs():
    with lease("sla-sweep"):
        with pytest.raises(LeaseHeld):
            acquire("sla-sweep")
        with lease("fetch-mailbox-1"):  # another job is free
            assert set(Lease.objects.values_list("name", flat=True)) == {"sla-sweep", "fetch-mailbox-1"}
    with lease("sla-sweep"):  # released at the end of the block, so it can be taken again
        assert Lease.objects.get().holder == this_process()
    assert not Lease.objects.exists()


def test_a_lease_is_released_when_the_job_raises():
    with pytest.raises(RuntimeError), lease("retention"):
        raise RuntimeError("the job failed")
    assert not Lease.objects.exists()


def test_the_lease_of_a_killed_process_is_taken_over_at_once():
    held_by(a_finished_process())
    token = acquire("sla-sweep")
    assert Lease.objects.get(name="sla-sweep").holder == this_process()
    release("sla-sweep", token)


def test_a_reused_process_id_does_not_keep_a_dead_holder_alive():
    host, pid, _started = this_process().split(":")
    assert holder_alive(f"{host}:{pid}:{_started}")
    assert not holder_alive(f"{host}:{pid}:1")  # this process id, but a process started at another time


def test_a_holder_on_another_machine_is_waited_out_until_its_time_runs_out():
    held_by("other-host:123:456")
    with pytest.raises(LeaseHeld):
        acquire("sla-sweep")
    Lease.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    acquire("sla-sweep")
    assert Lease.objects.get().holder == this_process()


def test_releasing_an_old_token_does_not_free_the_new_holders_lease():
    held_by(a_finished_process())
    acquire("sla-sweep")
    release("sla-sweep", "old")
    assert Lease.objects.filter(name="sla-sweep").exists()
