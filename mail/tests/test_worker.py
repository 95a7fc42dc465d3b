"""The background worker as a real process: a queued e-mail is sent by `manage.py run_huey`."""

from __future__ import annotations

import time
import uuid

import pytest

from mail.choices import OutboundKind, OutboundStatus
from mail.models import OutboundMessage
from testkit.processes import manage_environment, manage_py, start_manage_py
from testkit.workflow import advance, register
from tickets.choices import State


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
@pytest.mark.django_db(transaction=True)
def test_the_worker_process_sends_a_queued_email_and_records_the_notification(
    queue, users, contact, smtp_server, tmp_path
):
    ticket = advance(register(users, contact), State.SOLVED, users)
    outbound = OutboundMessage.objects.create(
        ticket=ticket,
        kind=OutboundKind.NOTIFICATION,
        to=contact.email,
        subject=f"[{ticket.number}] Kész",
        body="A hibát javítottuk.",
        message_id=f"worker-test-{ticket.pk}@pult.localhost",
        requested_by=users["agent"],
    )
    storage = (
        {"HUEY_FILE": str(tmp_path / "queue.sqlite3")}
        if queue == "sqlite"
        else {"REDIS_URL": "redis://127.0.0.1:6379/15", "HUEY_NAME": f"pult-test-{uuid.uuid4().hex}"}
    )
    env = manage_environment(
        tmp_path,
        **storage,
        HUEY_IMMEDIATE="0",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_server.port),
    )
    queued = manage_py(
        "shell", "-c", f"from mail.tasks import send_outbound_task; send_outbound_task({outbound.pk})", env=env
    )
    assert queued.returncode == 0, queued.stderr.decode()
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.QUEUED  # only queued: nothing runs it in that process
    if queue == "redis":  # the task really waits in Redis, where workers on other machines would see it
        import re

        import redis

        key = "huey.redis." + re.sub(r"[^a-z0-9]", "", storage["HUEY_NAME"])
        assert redis.Redis.from_url(storage["REDIS_URL"]).llen(key) == 1

    worker = start_manage_py("run_huey", "--workers", "1", env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            outbound.refresh_from_db()
            if outbound.status != OutboundStatus.QUEUED:
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    assert outbound.status == OutboundStatus.SENT, output
    assert [message["Subject"] for message in smtp_server.messages] == [f"[{ticket.number}] Kész"]
    ticket.refresh_from_db()
    assert ticket.state == State.NOTIFIED
