"""Registering a batch over the API: every request or none, consecutive numbers, the same ticket as one by one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.tests.helpers import api_client
from search.selectors import search_tickets
from testkit.factories import ContactFactory, ModuleFactory
from tickets import workflow
from tickets.choices import Action, Stage, State
from tickets.models import StageClock, Ticket, TicketEvent
from webhooks.models import WebhookDelivery
from webhooks.tests.factories import WebhookFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/tickets/batch"


def _item(contact: Any, subject: str, **extra: Any) -> dict[str, Any]:
    return {"contact_id": contact.pk, "subject": subject, "description": f"{subject}: részletek.", "channel": "email"}


def test_a_batch_is_registered_in_order_with_consecutive_numbers_like_tickets_registered_one_by_one(
    users: Any, contact: Any
) -> None:
    single = workflow.register_ticket(
        actor=users["agent"], contact=contact, subject="Egyedül", description="Egy.", channel="phone"
    )
    module = ModuleFactory()
    items = [
        _item(contact, "Nyomtatási hiba"),
        _item(contact, "Bérszámfejtés elakadt") | {"module_id": module.pk, "priority": "urgent"},
        _item(contact, "Leltár eltérés"),
    ]
    response = api_client(users["agent"]).post(URL, {"tickets": items})
    assert response.status_code == 201, response.content
    answered = response.json()["items"]
    assert [a["sequence"] for a in answered] == [single.sequence + 1, single.sequence + 2, single.sequence + 3]
    assert [a["state"] for a in answered] == [State.NEW] * 3
    tickets = {t.number: t for t in Ticket.objects.exclude(pk=single.pk)}
    assert [tickets[a["number"]].subject for a in answered] == [i["subject"] for i in items]
    urgent = tickets[answered[1]["number"]]
    assert (urgent.module, urgent.priority, urgent.customer) == (module, "urgent", contact.customer)
    for ticket in tickets.values():
        assert [(e.action, e.to_state, e.actor) for e in ticket.events.all()] == [
            (Action.REGISTER, State.NEW, users["agent"])
        ]
        clock = StageClock.objects.get(ticket=ticket)
        assert clock.stage == Stage.VERIFY and clock.running_since == ticket.received_at
        assert ticket.due_at == clock.due_at and ticket.sla_stage == Stage.VERIFY
    # The same deadline as a ticket registered on its own, same priority: the batch skips nothing.
    first = tickets[answered[0]["number"]]
    assert first.due_at is not None and single.due_at is not None
    batch_target, single_target = first.due_at - first.received_at, single.due_at - single.received_at
    assert batch_target.total_seconds() == pytest.approx(single_target.total_seconds(), abs=60)
    assert [t.number for t in search_tickets(Ticket.objects.all(), "bérszámfejtés")] == [urgent.number]


def test_a_wrong_request_in_a_batch_registers_none_and_names_it(users: Any, contact: Any) -> None:
    client = api_client(users["agent"])
    gone = ContactFactory(customer=contact.customer, is_active=False)
    cases = [
        ([_item(contact, "Jó"), _item(gone, "Rossz kapcsolattartó")], "Request 2"),
        ([_item(contact, "Jó"), _item(contact, "Jó"), _item(contact, "   ")], "Request 3"),
        ([_item(contact, "Jó"), _item(contact, "Jó") | {"module_id": 999_999}], "Request 2"),
    ]
    for items, named in cases:
        response = client.post(URL + "?lang=en", {"tickets": items})
        assert response.status_code == 422, response.content
        assert response.json()["detail"].startswith(named)
    assert not Ticket.objects.exists() and not TicketEvent.objects.exists()
    # Nothing was taken from the numbers either: the next ticket is the year's first.
    assert (
        workflow.register_ticket(
            actor=users["agent"], contact=contact, subject="Első", description="Első.", channel="email"
        ).sequence
        == 1
    )


def test_the_error_names_the_request_in_hungarian_too(users: Any, contact: Any) -> None:
    response = api_client(users["agent"]).post(URL, {"tickets": [_item(contact, "Jó"), _item(contact, "")]})
    assert response.status_code == 422
    assert response.json()["detail"] == "2. bejelentés: A tárgy megadása kötelező."


def test_an_empty_batch_and_one_over_the_limit_are_refused(users: Any, contact: Any) -> None:
    client = api_client(users["agent"])
    assert client.post(URL, {"tickets": []}).status_code == 422
    too_many = [_item(contact, f"Kérés {n}") for n in range(workflow.BATCH_LIMIT + 1)]
    assert client.post(URL, {"tickets": too_many}).status_code == 422
    assert not Ticket.objects.exists()


def test_only_roles_that_register_may_send_a_batch(users: Any, contact: Any) -> None:
    body = {"tickets": [_item(contact, "Hiba")]}
    assert api_client(users["executor"]).post(URL, body).status_code == 403
    assert api_client(users["dispatcher"]).post(URL, body).status_code == 403
    assert api_client(users["manager"]).post(URL, body).status_code == 201


def test_every_ticket_of_a_batch_is_announced_to_webhooks(
    users: Any, contact: Any, django_capture_on_commit_callbacks: Any
) -> None:
    WebhookFactory(url="http://127.0.0.1:9/hooks", events=["register"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(users["agent"]).post(URL, {"tickets": [_item(contact, f"K{n}") for n in range(3)]})
    assert response.status_code == 201
    numbers = [a["number"] for a in response.json()["items"]]
    assert sorted(WebhookDelivery.objects.values_list("ticket_number", flat=True)) == sorted(numbers)


def test_a_larger_batch_runs_the_same_statements(users: Any, contact: Any) -> None:
    client = api_client(users["agent"])
    assert client.post(URL, {"tickets": [_item(contact, "Első")]}).status_code == 201  # the year's number row
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(URL, {"tickets": [_item(contact, f"Kérés {n}") for n in range(size)]})
        assert response.status_code == 201
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
