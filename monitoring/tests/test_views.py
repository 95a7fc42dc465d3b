"""The health, readiness and metrics endpoints as a load balancer, an orchestrator and Prometheus see them."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from mail.choices import OutboundKind, OutboundStatus
from mail.models import Mailbox, OutboundMessage
from testkit.processes import manage_py
from testkit.workflow import register

NOTHING_LISTENS = "redis://127.0.0.1:8199/5"  # in this helper's port range, never bound by the tests


@pytest.mark.django_db
def test_liveness_answers_without_login_and_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_health_and_metrics_are_not_redirected_to_https_in_production_mode(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert client.get("/login/").status_code == 301  # everything else still goes to HTTPS


@pytest.mark.django_db
def test_readiness_reports_every_configured_check_ok(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "queue": "ok"}}


@pytest.mark.django_db
def test_readiness_answers_503_naming_the_cache_when_redis_cannot_be_reached(client, settings):
    settings.REDIS_URL = NOTHING_LISTENS
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOTHING_LISTENS}
    }
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == "failed: ConnectionError"
    assert body["checks"]["database"] == "ok"
    assert "8199" not in response.content.decode()  # the kind of error only: no address, no credentials


def test_a_process_started_before_migrate_is_not_ready_and_says_so(tmp_path):
    env = _process_env(tmp_path, SQLITE_PATH=str(tmp_path / "empty.sqlite3"))
    probe = "from django.test import Client; r = Client().get('/health/ready', HTTP_HOST='127.0.0.1'); "
    probe += "print(r.status_code, r.content.decode())"
    result = manage_py("shell", "-c", probe, env=env)
    assert result.returncode == 0, result.stderr.decode()
    status, body = result.stdout.decode().strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body)["checks"] == {"database": "ok", "migrations": "failed: MigrationsPending", "queue": "ok"}


@pytest.mark.django_db
def test_metrics_count_requests_by_view_and_status_and_report_pult_gauges(client, users, contact):
    ticket = register(users, contact)
    OutboundMessage.objects.create(
        ticket=ticket,
        kind=OutboundKind.MESSAGE,
        to=contact.email,
        subject="Nem ment el",
        body="x",
        message_id=f"metrics-{uuid.uuid4().hex}@pult.localhost",
        requested_by=users["agent"],
        status=OutboundStatus.GIVEN_UP,
    )
    Mailbox.objects.create(
        name="Ügyfélszolgálat",
        address="desk@example.com",
        imap_host="127.0.0.1",
        last_fetch_at=timezone.now() - dt.timedelta(minutes=10),
    )
    Mailbox.objects.create(
        name="Never fetched",
        address="never@example.com",
        imap_host="127.0.0.1",
        created_at=timezone.now() - dt.timedelta(hours=2),
    )
    client.get("/health/live")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    by_status = "django_http_responses_total_by_status_view_method_total"
    assert f'{by_status}{{method="GET",status="200",view="monitoring:live"}}' in text
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="monitoring:live"}' in text
    assert 'pult_queue_tasks{state="pending"} 0.0' in text
    assert 'pult_failed_deliveries{kind="email",status="given_up"} 1.0' in text
    assert 'pult_failed_deliveries{kind="email",status="failed"} 0.0' in text
    assert 'pult_failed_deliveries{kind="webhook",status="gave_up"} 0.0' in text
    lag = [line for line in text.splitlines() if line.startswith("pult_mail_fetch_lag_seconds{")]
    lag_by_name = {line.split('name="')[1].split('"')[0]: float(line.rsplit(" ", 1)[1]) for line in lag}
    assert set(lag_by_name) == {"Ügyfélszolgálat", "Never fetched"}  # the alert can fire for a mailbox never read
    assert 600 <= lag_by_name["Ügyfélszolgálat"] < 3600
    assert 7200 <= lag_by_name["Never fetched"] < 7200 + 3600
    assert 'pult_metrics_source_up{source="database"} 1.0' in text
    assert contact.email not in text and ticket.subject not in text


@pytest.mark.django_db
def test_metrics_keep_the_request_counts_when_the_queue_cannot_be_read(client):
    from huey import RedisHuey

    broken = RedisHuey("unreachable", url=NOTHING_LISTENS)
    saved, HUEY.storage = HUEY.storage, broken.storage
    try:
        text = client.get("/metrics").content.decode()
    finally:
        HUEY.storage = saved
    assert 'pult_metrics_source_up{source="queue"} 0.0' in text
    assert "pult_queue_tasks" not in text
    assert "django_http_requests_total_by_method_total" in text


@pytest.mark.django_db
def test_metrics_refuse_other_machines_and_requests_a_proxy_forwarded(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    forwarded = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")  # nginx on this machine, untrusted
    assert forwarded.status_code == 403
    settings.PULT_TRUSTED_PROXIES = 1
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


@pytest.mark.django_db
def test_metrics_with_a_token_answer_exactly_that_bearer_token_from_anywhere(client, settings):
    settings.PULT_METRICS_TOKEN = "scrape-" + uuid.uuid4().hex
    refused = client.get("/metrics")  # even from this machine
    assert refused.status_code == 403
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    allowed = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION=f"Bearer {settings.PULT_METRICS_TOKEN}")
    assert allowed.status_code == 200
    assert b"pult_queue_tasks" in allowed.content


@HUEY.task()
def always_fails() -> None:
    raise RuntimeError("the test task fails on purpose")


@pytest.mark.django_db
def test_failed_task_runs_are_counted_in_redis_and_shown_by_task(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/5"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    always_fails()  # the test settings run tasks immediately, with the same signals as the worker
    always_fails()

    text = client.get("/metrics").content.decode()

    assert 'pult_task_errors_total{task="monitoring.tests.test_views.always_fails"} 2.0' in text
    assert 'pult_task_errors_total{task="mail.tasks.send_outbound_task"} 0.0' in text
    assert 'pult_metrics_source_up{source="cache"} 1.0' in text


def _process_env(tmp_path, **extra: str) -> dict[str, str]:
    import os

    inherited = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL")}
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "test-subprocess",
        "PULT_VAR_DIR": str(tmp_path),
        "HUEY_FILE": str(tmp_path / "queue.sqlite3"),
        **extra,
    }
