"""The background worker as a real process: a queued delivery is sent by `manage.py run_huey`."""

from __future__ import annotations

import time

import pytest

from testkit.processes import manage_environment, manage_py, start_manage_py
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery
from webhooks.tests.factories import WebhookFactory


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_delivers_a_queued_test_event(receiver, tmp_path):
    hook = WebhookFactory(url=receiver.url)
    env = manage_environment(
        tmp_path,
        HUEY_FILE=str(tmp_path / "queue.sqlite3"),
        HUEY_IMMEDIATE="0",
        PULT_WEBHOOK_ALLOWED_NETWORKS="127.0.0.0/8",  # the receiver listens on loopback
    )
    queued = manage_py(
        "shell",
        "-c",
        "from webhooks.models import Webhook; from webhooks.services import webhook_ping; "
        f"webhook_ping(webhook=Webhook.objects.get(pk={hook.pk}))",
        env=env,
    )
    assert queued.returncode == 0, queued.stderr.decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and receiver.requests == []  # only queued

    worker = start_manage_py("run_huey", "--workers", "1", env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.status != DeliveryStatus.PENDING:
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    assert delivery.status == DeliveryStatus.SUCCEEDED, output
    [request] = receiver.requests
    assert request.signed_by(hook.secret) and request.json["id"] == str(delivery.uuid)
