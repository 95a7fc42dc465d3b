"""Administrators register hooks, see the secret and the delivery history, send again and ping, in the admin."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from testkit.workflow import register
from tickets.choices import Action
from webhooks.choices import DeliveryStatus
from webhooks.models import Webhook, WebhookDelivery
from webhooks.tests.factories import WebhookFactory

pytestmark = pytest.mark.django_db

HISTORY = reverse("admin:webhooks_webhookdelivery_changelist")
HOOKS = reverse("admin:webhooks_webhook_changelist")


@pytest.fixture
def admin_client(users) -> Client:
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    return client


def test_an_administrator_registers_a_hook_and_sees_its_secret(admin_client, users):
    response = admin_client.post(
        reverse("admin:webhooks_webhook_add"),
        {
            "name": "ERP integráció",
            "url": "https://erp.example.hu/pult",
            "events": [Action.REGISTER, Action.CLOSE],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hook = Webhook.objects.get()
    assert hook.events == [Action.REGISTER, Action.CLOSE] and hook.created_by == users["administrator"]
    page = admin_client.get(reverse("admin:webhooks_webhook_change", args=[hook.pk])).content.decode()
    assert hook.secret in page and "X-Pult-Signature" in page


def test_a_hook_with_a_non_http_url_or_unknown_event_is_refused_and_nothing_is_saved(admin_client):
    response = admin_client.post(
        reverse("admin:webhooks_webhook_add"),
        {"name": "Rossz", "url": "ftp://erp.example.hu/pult", "events": ["explode"], "is_active": "on"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"url", "events"}
    assert not Webhook.objects.exists()


def test_the_history_shows_each_delivery_with_status_code_and_error(
    admin_client, users, contact, receiver, django_capture_on_commit_callbacks
):
    hook = WebhookFactory(url=receiver.url, name="ERP")
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        ticket = register(users, contact)
    delivery = WebhookDelivery.objects.get()

    page = admin_client.get(HISTORY, {"webhook__id__exact": hook.pk}).content.decode()
    assert ticket.number in page and "HTTP 500 Internal Server Error" in page and ">500<" in page
    assert str(DeliveryStatus.FAILED.label) in page

    hook_page = admin_client.get(reverse("admin:webhooks_webhook_change", args=[hook.pk])).content.decode()
    assert f"?webhook__id__exact={hook.pk}" in hook_page

    detail = admin_client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "nope 500" in text and str(delivery.uuid) in text and ticket.number in text


def test_the_delivery_page_lists_every_attempt(
    admin_client, users, contact, receiver, django_capture_on_commit_callbacks
):
    from webhooks import services

    WebhookFactory(url=receiver.url)
    receiver.answers = [502, 200]
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    services.delivery_attempt(delivery.pk)
    page = admin_client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "HTTP 502 Bad Gateway" in page and page.count('class="field-number"') == 2


def test_send_again_redelivers_a_failed_delivery(
    admin_client, users, contact, receiver, django_capture_on_commit_callbacks
):
    WebhookFactory(url=receiver.url)
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    failed = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(HISTORY, {"action": "send_again", ACTION_CHECKBOX_NAME: [failed.pk]})
    assert response.status_code == 302
    assert len(receiver.requests) == 2
    newest = WebhookDelivery.objects.exclude(pk=failed.pk).get()
    assert newest.status == DeliveryStatus.SUCCEEDED and newest.payload["ticket"] == failed.payload["ticket"]


def test_send_again_skips_a_delivery_that_succeeded(
    admin_client, users, contact, receiver, django_capture_on_commit_callbacks
):
    WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    done = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(HISTORY, {"action": "send_again", ACTION_CHECKBOX_NAME: [done.pk]}, follow=True)
    assert "csak a sikerteleneket küldjük újra" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 1


def test_the_ping_action_sends_a_signed_test_event(admin_client, receiver, django_capture_on_commit_callbacks):
    hook = WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(HOOKS, {"action": "send_ping", ACTION_CHECKBOX_NAME: [hook.pk]})
    assert response.status_code == 302
    [request] = receiver.requests
    assert request.headers["X-Pult-Event"] == "ping" and request.signed_by(hook.secret)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_the_rotate_action_gives_a_new_secret(admin_client):
    hook = WebhookFactory()
    old = hook.secret
    admin_client.post(HOOKS, {"action": "rotate_secret", ACTION_CHECKBOX_NAME: [hook.pk]})
    hook.refresh_from_db()
    assert hook.secret != old
    page = admin_client.get(reverse("admin:webhooks_webhook_change", args=[hook.pk])).content.decode()
    assert hook.secret in page and old not in page


def test_an_administrator_deletes_a_hook_with_its_history(admin_client, receiver, django_capture_on_commit_callbacks):
    from webhooks import services

    hook = WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_ping(webhook=hook)
    response = admin_client.post(reverse("admin:webhooks_webhook_delete", args=[hook.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Webhook.objects.exists() and not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("role", ["agent", "executor", "dispatcher"])
def test_roles_without_admin_work_are_sent_to_the_admin_login(role, users):
    client = Client()
    client.force_login(users[role])
    response = client.get(HISTORY)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_staff_member_without_webhook_rights_is_refused(users):
    manager = users["manager"]
    manager.is_staff = True
    manager.save()
    client = Client()
    client.force_login(manager)
    assert client.get(HISTORY).status_code == 403
    assert client.get(HOOKS).status_code == 403


def _add_deliveries(hook: Webhook, count: int) -> None:
    for n in range(count):
        WebhookDelivery.objects.create(
            webhook=hook,
            event=Action.REGISTER,
            ticket_number=f"2026/{n:06d}",
            payload={"event": "register"},
            status=DeliveryStatus.FAILED,
            attempts=1,
            response_status=500,
            error="HTTP 500 Internal Server Error",
        )


@pytest.mark.parametrize("url", [HISTORY, HOOKS])
def test_the_lists_run_the_same_number_of_queries_whatever_their_length(url, admin_client, django_assert_num_queries):
    hooks = [WebhookFactory(), WebhookFactory()]
    _add_deliveries(hooks[0], 2)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    hooks.extend(WebhookFactory() for _ in range(4))
    for hook in hooks:
        _add_deliveries(hook, 5)
    with django_assert_num_queries(len(few.captured_queries)):
        assert admin_client.get(url).status_code == 200
