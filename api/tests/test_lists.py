"""Lists: cursor pagination walks every item once with the same filters; each list runs a constant number
of queries whatever the row count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.tests.helpers import api_client
from library.choices import Visibility
from library.models import Category
from library.services import publish_document
from testkit.factories import ContactFactory, CustomerFactory, ModuleFactory
from testkit.workflow import register
from tickets import workflow
from tickets.choices import Channel

pytestmark = pytest.mark.django_db


def _walk(caller: Any, url: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        answer = caller.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.content
        items += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ended")


def test_the_cursor_walks_every_ticket_once_with_the_same_filters(users: Any, contact: Any) -> None:
    now = timezone.now()
    same_moment = now - dt.timedelta(hours=3)
    for index in range(7):
        # Several tickets share the receipt time: the id breaks the tie, so none is lost or repeated.
        register(users, contact, channel=Channel.EMAIL, received_at=same_moment if index < 4 else now)
    register(users, contact, channel=Channel.PHONE)
    caller = api_client(users["agent"])
    for sort in ("-received", "received", "-number", "number"):
        walked = _walk(caller, "/api/v1/tickets", {"channel": "email", "limit": 2, "sort": sort})
        numbers = [item["number"] for item in walked]
        assert len(numbers) == 7 and len(set(numbers)) == 7
        expected = sorted(numbers, reverse=sort.startswith("-"))
        if "number" in sort:
            assert numbers == expected
    by_receipt = _walk(caller, "/api/v1/tickets", {"limit": 3})
    assert [item["received_at"] for item in by_receipt] == sorted(
        (item["received_at"] for item in by_receipt), reverse=True
    )
    assert len(by_receipt) == 8


def test_list_filters_are_the_pages_filters(users: Any, contact: Any, module: Any) -> None:
    other = ContactFactory()
    register(users, contact, module=module, subject="Számlázó lefagy")
    register(users, other)
    caller = api_client(users["agent"])

    def numbers(**params: Any) -> int:
        return len(caller.get("/api/v1/tickets", params).json()["items"])

    assert numbers(customer=contact.customer_id) == 1
    assert numbers(contact=other.pk) == 1
    assert numbers(module=module.pk) == 1
    assert numbers(q="lefagy") == 1
    assert numbers(state=["new", "closed"]) == 2
    assert numbers(state="closed") == 0
    assert numbers(deadline="waiting") == 0
    today = timezone.localdate().isoformat()
    assert numbers(received_from=today, received_to=today) == 2
    assert (
        caller.get("/api/v1/tickets", {"received_from": "2026-05-02", "received_to": "2026-05-01"}).status_code == 422
    )


def test_customers_and_contacts_paginate_by_name(users: Any) -> None:
    customer = CustomerFactory()
    for index in range(5):
        ContactFactory(customer=customer, name=f"Név {index % 2}")
    caller = api_client(users["agent"])
    walked = _walk(caller, "/api/v1/contacts", {"customer": customer.pk, "limit": 2})
    assert len({item["id"] for item in walked}) == 5
    assert [item["name"] for item in walked] == sorted(item["name"] for item in walked)
    assert len(_walk(caller, "/api/v1/customers", {"limit": 1})) == 1


def _count(caller: Any, url: str) -> int:
    caller.get(url)  # the token's first use of the minute records it; count the steady state
    with CaptureQueriesContext(connection) as queries:
        assert caller.get(url).status_code == 200
    return len(queries)


def _grow(users: Any, contact: Any, ticket: Any, document_category: Any) -> None:
    for _ in range(3):
        register(users, contact)
        CustomerFactory()
        ContactFactory(customer=contact.customer)
        ModuleFactory()
        workflow.attach_files(ticket=ticket, actor=users["agent"], files=[SimpleUploadedFile("x.txt", b"x")])
        workflow.consult_user(ticket=ticket, actor=users["agent"], summary="Hívás.")
        workflow.register_feedback(ticket=ticket, actor=users["agent"], content="Jó.", reopen=False)
        publish_document(
            actor=users["manager"],
            title="Dokumentum",
            summary="",
            category=document_category,
            module=None,
            visibility=Visibility.STAFF,
            markdown="szöveg",
        )


def test_every_list_runs_a_constant_number_of_queries(
    users: Any, contact: Any, module: Any, django_assert_num_queries: Any
) -> None:
    ticket = register(users, contact)
    category = Category.objects.create(name="Kézikönyvek", slug="kk")
    _grow(users, contact, ticket, category)
    caller = api_client(users["manager"])
    ticket_url = f"/api/v1/tickets/{ticket.year}/{ticket.sequence}"
    urls = [
        "/api/v1/tickets",
        "/api/v1/customers",
        "/api/v1/contacts",
        "/api/v1/modules",
        "/api/v1/documents",
        ticket_url,
        f"{ticket_url}/attachments",
        f"{ticket_url}/work-logs",
        f"{ticket_url}/feedback",
    ]
    baseline = {url: _count(caller, url) for url in urls}
    _grow(users, contact, ticket, category)
    for url in urls:
        with django_assert_num_queries(baseline[url]):
            assert caller.get(url).status_code == 200
