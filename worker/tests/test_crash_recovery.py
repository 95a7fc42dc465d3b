"""The worker killed mid-job (SIGKILL: no clean-up runs) and restarted as scripts/run does: every job runs again,
every message is stored once, every due warning is sent once."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from mail.choices import ImapSecurity
from mail.fetching import STORED_KEYWORD
from mail.models import InboundMessage, Mailbox
from testkit.imap import ImapServer
from testkit.processes import manage_environment, manage_py, start_manage_py
from testkit.workflow import register
from tickets.choices import Action
from tickets.models import StageClock, Ticket, TicketEvent
from worker.models import Lease

PASSWORD_ENV = "PULT_IMAP_PASSWORD_CRASH"


def wait_for(condition: Callable[[], bool], *, seconds: float, worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline or worker.poll() is not None:
            worker.kill()
            output = worker.communicate(timeout=30)[0].decode()
            pytest.fail(f"the worker did not get there in {seconds} s; its log:\n{output[-4000:]}")
        time.sleep(0.02)


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return start_manage_py("run_huey", "--workers", "2", env=env)  # as scripts/run starts it


def enqueue(code: str, env: dict[str, str]) -> None:
    queued = manage_py("shell", "-c", code, env=env)
    assert queued.returncode == 0, queued.stderr.decode()


def kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)


def stop(worker: subprocess.Popen[bytes]) -> str:
    worker.terminate()
    return worker.communicate(timeout=60)[0].decode()


@pytest.fixture
def worker_env(tmp_path: Any, smtp_server: Any) -> dict[str, str]:
    return manage_environment(
        tmp_path,
        HUEY_FILE=str(tmp_path / "queue.sqlite3"),
        HUEY_IMMEDIATE="0",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
        **{PASSWORD_ENV: ImapServer.PASSWORD},
    )


def message(number: int) -> bytes:
    return (
        f"From: Kovács Éva <eva{number % 5}@ugyfel.example>\r\nTo: desk@pult.test\r\n"
        f"Subject: Hiba {number}\r\nMessage-ID: <crash-{number}@ugyfel.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\nA {number}. hiba leírása."
    ).encode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_fetch_fetches_the_mailbox_again_after_a_restart(imap_server, worker_env, users):
    total = 150
    imap_server.append(*(message(number) for number in range(total)))
    mailbox = Mailbox.objects.create(
        name="Ügyfélszolgálat",
        address="desk@pult.test",
        imap_host="127.0.0.1",
        imap_port=imap_server.port,
        imap_security=ImapSecurity.NONE,
        imap_username=imap_server.USER,
        imap_password_env=PASSWORD_ENV,
    )
    fetch = f"from mail.tasks import fetch_mailbox_task; fetch_mailbox_task({mailbox.pk})"
    worker = start_worker(worker_env)
    enqueue(fetch, worker_env)
    wait_for(lambda: InboundMessage.objects.count() >= 10, seconds=120, worker=worker)
    kill(worker)
    interrupted_at = InboundMessage.objects.count()
    assert interrupted_at < total, "the kill did not land mid-fetch"
    assert Lease.objects.filter(name=f"fetch-mailbox-{mailbox.pk}").exists()  # left behind by the killed worker

    worker = start_worker(worker_env)
    try:
        enqueue(fetch, worker_env)
        wait_for(lambda: InboundMessage.objects.count() == total, seconds=180, worker=worker)
        wait_for(lambda: not Lease.objects.exists(), seconds=60, worker=worker)
    finally:
        log = stop(worker)
    assert "unable to acquire lock" not in log
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == sorted(f"Hiba {n}" for n in range(total))
    assert all(STORED_KEYWORD in flags for flags in imap_server.flags())
    assert Mailbox.objects.get(pk=mailbox.pk).last_fetch_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_sends_every_due_warning_once_after_a_restart(users, contact, worker_env):
    total = 400
    for number in range(total):
        register(users, contact, subject=f"Lassú lekérdezés {number}")
    now = timezone.now()
    StageClock.objects.update(
        warn_at=now - dt.timedelta(minutes=1),
        next_check_at=now - dt.timedelta(minutes=1),
        due_at=now + dt.timedelta(days=2),
    )
    due = StageClock.objects.filter(warn_at__isnull=False, ended_at__isnull=True).count()
    assert due == total

    def warned() -> int:
        return TicketEvent.objects.filter(action=Action.SLA_WARNING).count()

    sweep = "from tickets.tasks import sla_sweep_task; sla_sweep_task()"
    worker = start_worker(worker_env)
    enqueue(sweep, worker_env)
    wait_for(lambda: warned() >= 5, seconds=120, worker=worker)
    kill(worker)
    assert warned() < total, "the kill did not land mid-sweep"
    assert Lease.objects.filter(name="sla-sweep").exists()

    worker = start_worker(worker_env)
    try:
        enqueue(sweep, worker_env)
        wait_for(lambda: warned() == total and not Lease.objects.exists(), seconds=180, worker=worker)
    finally:
        log = stop(worker)
    assert "unable to acquire lock" not in log
    per_ticket = TicketEvent.objects.filter(action=Action.SLA_WARNING).values("ticket").annotate(n=Count("pk"))
    assert {row["n"] for row in per_ticket} == {1} and len(per_ticket) == total
    assert not StageClock.objects.filter(warned_at__isnull=True, ended_at__isnull=True).exists()
