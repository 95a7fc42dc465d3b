"""Ticket events reach a real HTTP receiver on 127.0.0.1: signed, filtered, retried with back-off, given up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import Action, State
from tickets.models import TicketEvent
from webhooks import services
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookDelivery
from webhooks.signing import verify
from webhooks.tests.factories import WebhookFactory

pytestmark = pytest.mark.django_db


def make_due(delivery: WebhookDelivery) -> None:
    """Let the back-off time pass."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_registered_ticket_reaches_the_receiver_with_a_valid_signature(
    users, contact, receiver, settings, django_capture_on_commit_callbacks
):
    settings.PULT_BASE_URL = "https://pult.example"
    hook = WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = register(users, contact)

    [request] = receiver.requests
    assert request.path == "/hooks/pult"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.signed_by(hook.secret)
    assert not request.signed_by("another-secret")
    delivery = WebhookDelivery.objects.get()
    assert request.headers["X-Pult-Event"] == "register"
    assert request.headers["X-Pult-Delivery"] == str(delivery.uuid)
    assert request.headers["X-Pult-Signature"].startswith("sha256=")
    body = request.json
    assert body["id"] == str(delivery.uuid) and body["event"] == "register"
    assert body["ticket"]["number"] == ticket.number
    assert body["ticket"]["state"] == State.NEW
    assert body["ticket"]["subject"] == "Nem nyomtat a számlázó"
    assert body["ticket"]["customer"] == contact.customer.name
    assert body["ticket"]["url"] == "https://pult.example" + reverse(
        "tickets:detail", args=[ticket.year, ticket.sequence]
    )
    assert body["to_state"] == State.NEW
    assert dt.datetime.fromisoformat(body["occurred_at"]) == ticket.events.get().at
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert delivery.response_body == "thanks" and delivery.delivered_at and delivery.next_attempt_at is None
    assert delivery.ticket_number == ticket.number and delivery.ticket_event_id == ticket.events.get().pk


def test_every_workflow_step_is_delivered_to_a_hook_that_wants_all_events(
    users, contact, receiver, django_capture_on_commit_callbacks
):
    hook = WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        advance(register(users, contact), State.ASSIGNED, users)
    assert [r.headers["X-Pult-Event"] for r in receiver.requests] == [
        Action.REGISTER,
        Action.VERIFY,
        Action.ROUTE_TO_EXECUTOR,
    ]
    assert all(r.signed_by(hook.secret) for r in receiver.requests)
    assert [(r.json["from_state"], r.json["to_state"]) for r in receiver.requests][1:] == [
        (State.NEW, State.VERIFIED),
        (State.VERIFIED, State.ASSIGNED),
    ]


def test_a_hook_filtered_to_other_events_gets_nothing(users, contact, receiver, django_capture_on_commit_callbacks):
    wanted = WebhookFactory(url=receiver.url + "?who=wanted", events=[Action.REGISTER])
    WebhookFactory(url=receiver.url + "?who=other", events=[Action.CLOSE, Action.REJECT])
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    assert [r.path for r in receiver.requests] == ["/hooks/pult?who=wanted"]
    assert list(WebhookDelivery.objects.values_list("webhook", flat=True)) == [wanted.pk]


def test_an_inactive_hook_gets_nothing(users, contact, receiver, django_capture_on_commit_callbacks):
    WebhookFactory(url=receiver.url, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_rolled_back_workflow_step_sends_nothing(users, contact, receiver, django_capture_on_commit_callbacks):
    WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        ticket = register(users, contact)
        workflow.verify_ticket(ticket=ticket, actor=users["agent"])
        raise RuntimeError("something later in the same transaction failed")
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_notes_and_work_log_texts_are_not_in_the_payload(users, contact, receiver, django_capture_on_commit_callbacks):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)  # not committed: nothing sent yet
    WebhookFactory(url=receiver.url, events=[Action.COMPLETE])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.complete_work(ticket=ticket, actor=users["executor"], note="Belső: a jelszó Titok-2026")
    [request] = receiver.requests
    assert request.json["event"] == Action.COMPLETE
    assert (request.json["from_state"], request.json["to_state"]) == (State.IN_PROGRESS, State.COMPLETED)
    text = request.body.decode()
    assert "Titok-2026" not in text and "A nyomtatás gomb nem működik" not in text
    assert contact.email not in text and contact.phone not in text


def test_a_failed_delivery_is_retried_after_a_back_off_and_then_succeeds(
    users, contact, receiver, django_capture_on_commit_callbacks
):
    hook = WebhookFactory(url=receiver.url)
    receiver.answers = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        ticket = register(users, contact)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.FAILED, 1, 500)
    assert delivery.error == "HTTP 500 Internal Server Error" and delivery.response_body == "nope 500"
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert wait == pytest.approx(30, abs=1)

    assert services.deliveries_requeue_due() == 0  # not due yet: the back-off holds it
    assert len(receiver.requests) == 1

    make_due(delivery)
    assert services.deliveries_requeue_due() == 1  # the worker's sweep (Huey runs it at once in tests)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.SUCCEEDED, 2, 200)
    assert delivery.error == "" and delivery.next_attempt_at is None
    first, second = receiver.requests
    assert first.headers["X-Pult-Delivery"] == second.headers["X-Pult-Delivery"] == str(delivery.uuid)
    assert first.body == second.body and second.json["ticket"]["number"] == ticket.number
    assert first.signed_by(hook.secret) and second.signed_by(hook.secret)
    history = list(delivery.attempt_log.values_list("number", "response_status", "error"))
    assert history == [(1, 500, "HTTP 500 Internal Server Error"), (2, 200, "")]


def test_the_back_off_grows_and_is_capped():
    assert [services.retry_delay(n) for n in range(1, 8)] == [30, 120, 480, 1920, 3600, 3600, 3600]


def test_an_unreachable_receiver_is_given_up_after_the_configured_attempts(
    users, contact, closed_port_url, settings, django_capture_on_commit_callbacks
):
    settings.PULT_WEBHOOK_ATTEMPTS = 3
    WebhookFactory(url=closed_port_url)
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "refused" in delivery.error.lower() and delivery.response_status is None

    make_due(delivery)
    services.delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    assert (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds() == pytest.approx(120, abs=1)

    make_due(delivery)
    services.delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.GAVE_UP, 3)
    assert delivery.next_attempt_at is None and delivery.delivered_at is None
    assert services.delivery_attempt(delivery.pk) is None  # nothing more is tried
    assert services.deliveries_requeue_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert delivery.attempt_log.count() == 3


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    users, contact, receiver, django_capture_on_commit_callbacks
):
    WebhookFactory(url=receiver.url)
    receiver.answers = [302]
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    assert [r.path for r in receiver.requests] == ["/hooks/pult"]  # /elsewhere was never asked
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == (DeliveryStatus.FAILED, 302)


def test_a_receiver_slower_than_the_time_limit_fails_the_attempt(
    users, contact, receiver, settings, django_capture_on_commit_callbacks
):
    settings.PULT_WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 2
    WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "timed out" in delivery.error.lower()


def test_an_attempt_run_twice_sends_once(users, contact, receiver, django_capture_on_commit_callbacks):
    WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    delivery = WebhookDelivery.objects.get()
    assert services.delivery_attempt(delivery.pk) is None
    assert services.deliveries_requeue_due() == 0
    assert len(receiver.requests) == 1


def test_the_sweep_sends_a_delivery_whose_task_was_lost(users, contact, receiver):
    WebhookFactory(url=receiver.url)
    register(users, contact)  # commits nothing in this test, so the signal never fires: queue by hand
    services.deliveries_queue_for_event(event=TicketEvent.objects.get())  # queued on commit: never run here
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and receiver.requests == []
    assert services.deliveries_requeue_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 1


def test_a_delivery_to_a_hook_switched_off_meanwhile_is_not_sent(users, contact, receiver):
    hook = WebhookFactory(url=receiver.url)
    register(users, contact)
    services.deliveries_queue_for_event(event=TicketEvent.objects.get())
    hook.is_active = False
    hook.save()
    services.deliveries_requeue_due()
    delivery = WebhookDelivery.objects.get()
    with translation.override(settings.LANGUAGE_CODE):
        switched_off = str(_("The webhook is switched off."))
    assert delivery.status == DeliveryStatus.GAVE_UP and delivery.error == switched_off
    assert receiver.requests == []


def test_a_ping_is_signed_and_sent_whatever_the_hook_filters(receiver, db, django_capture_on_commit_callbacks):
    hook = WebhookFactory(url=receiver.url, events=[Action.CLOSE])
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_ping(webhook=hook)
    [request] = receiver.requests
    assert request.signed_by(hook.secret)
    assert request.headers["X-Pult-Event"] == "ping" and request.json["ticket"] is None


def test_after_rotating_the_secret_only_the_new_one_verifies(receiver, db, django_capture_on_commit_callbacks):
    hook = WebhookFactory(url=receiver.url)
    old = hook.secret
    services.webhook_rotate_secret(webhook=hook)
    hook.refresh_from_db()
    assert hook.secret != old and len(hook.secret) >= 43
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_ping(webhook=hook)
    [request] = receiver.requests
    assert request.signed_by(hook.secret) and not request.signed_by(old)


def test_a_failed_delivery_sent_again_is_a_new_delivery_with_the_same_event(
    users, contact, receiver, django_capture_on_commit_callbacks
):
    hook = WebhookFactory(url=receiver.url)
    receiver.answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        register(users, contact)
    failed = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.delivery_resend(delivery=failed)
    again.refresh_from_db()
    failed.refresh_from_db()
    assert again.status == DeliveryStatus.SUCCEEDED and failed.status == DeliveryStatus.FAILED
    first, second = receiver.requests
    assert second.json["id"] == str(again.uuid) != first.json["id"]
    assert {k: v for k, v in second.json.items() if k != "id"} == {k: v for k, v in first.json.items() if k != "id"}
    assert second.signed_by(hook.secret)


def test_the_receiver_verifies_with_the_signing_module_as_documented(receiver, db, django_capture_on_commit_callbacks):
    hook = WebhookFactory(url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_ping(webhook=hook)
    [request] = receiver.requests
    timestamp, signature = request.headers["X-Pult-Timestamp"], request.headers["X-Pult-Signature"]
    assert verify(hook.secret, timestamp, request.body, signature)
    assert not verify(hook.secret, timestamp, request.body.replace(b"ping", b"pong"), signature)
    assert not verify(hook.secret, int(timestamp) + 1, request.body, signature)


def test_deadline_warnings_are_delivered_too(users, contact, receiver, django_capture_on_commit_callbacks):
    ticket = register(users, contact)
    WebhookFactory(url=receiver.url, events=[Action.SLA_WARNING, Action.SLA_BREACH])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.note_event(ticket, Action.SLA_WARNING, note="Belső figyelmeztetés")
    [request] = receiver.requests
    assert request.json["event"] == Action.SLA_WARNING and request.json["ticket"]["number"] == ticket.number
    assert "Belső figyelmeztetés" not in request.body.decode()


def test_a_receiver_answer_is_kept_to_its_first_2_kb_whatever_it_holds(receiver, db):
    hook = WebhookFactory(url=receiver.url)
    delivery = services.webhook_ping(webhook=hook)  # not committed: sent by hand below
    receiver.answer_body = b"\x00\xff" + "é".encode() * 5000
    services.delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert len(delivery.response_body) <= 2048 and "\x00" not in delivery.response_body
    assert delivery.response_body.endswith("é")


def test_finding_due_deliveries_is_one_query_on_next_attempt_whatever_their_number(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from webhooks import selectors

    hook = WebhookFactory()
    past = timezone.now() - dt.timedelta(minutes=5)

    def add(count: int) -> None:
        for _number in range(count):
            WebhookDelivery.objects.create(webhook=hook, event="ping", payload={}, next_attempt_at=past)
        WebhookDelivery.objects.create(webhook=hook, event="ping", payload={}, next_attempt_at=None)

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert len(selectors.due_delivery_ids(timezone.now())) == 2
    add(7)
    with CaptureQueriesContext(connection) as many:
        assert len(selectors.due_delivery_ids(timezone.now())) == 9
    assert len(few) == len(many) == 1
    assert "next_attempt_at" in many[0]["sql"]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/hook", "no address at all"])
def test_a_url_that_slipped_past_validation_fails_the_attempt_cleanly(db, url):
    hook = WebhookFactory()
    type(hook).objects.filter(pk=hook.pk).update(url=url)  # as if edited around the form
    delivery = services.webhook_ping(webhook=hook)
    services.delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and url in delivery.error
