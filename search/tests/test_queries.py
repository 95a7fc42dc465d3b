"""Whatever is typed into the search box, the page answers (never a server error), through the API too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.tests.helpers import api_client
from search.selectors import search_tickets
from search.text import highlight, parse_query, snippet
from testkit.workflow import advance, register
from tickets.choices import State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"',
    '"szamla',
    "szamla*",
    "*",
    "NEAR(szamla nyomtato)",
    "szamla AND OR NOT",
    "title_terms: szamla",
    "{title_terms} : x",
    ":*",
    "'",
    "' & ! | <-> :A",
    "szamla:*A",
    "((((",
    ")",
    "^szamla",
    "\\",
    "\x00",
    "-szamla",
    "2026/",
    "/000001",
    "e-mail@@..//--",
    "ő" * 10_000,
    "szó " * 5_000,
]

query_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(['"', "*", "NEAR", "AND", "OR", "NOT", ":", "(", ")", "'", "&", "|", "!", "számla", "-", "^"]),
        max_size=20,
    ).map(" ".join),
)


@pytest.fixture
def some_tickets(users: Any, contact: Any) -> None:
    register(users, contact, subject="Számla nyomtatás", description="A nyomtató nem húz be papírt.")
    register(users, contact, subject="Jelszó", description='Idézőjel " és csillag * a szövegben.')


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_answer_the_list_page_and_the_api(users, some_tickets, text):
    client = Client()
    client.force_login(users["agent"])
    assert client.get("/tickets/", {"q": text}).status_code == 200
    answer = api_client(users["agent"]).get("/api/v1/tickets", {"q": text[:200]})
    # The API refuses what its schema does not take (NUL characters) with its one error shape, never a 500.
    assert answer.status_code == (422 if "\x00" in text else 200), answer.content


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=query_text)
def test_any_typed_text_is_a_valid_query_on_both_databases(some_tickets, text):
    query = parse_query(text)
    list(search_tickets(Ticket.objects.all(), text)[:5])
    assert len(query.words) <= 8
    assert "<script" not in highlight(f"<script>{text}</script>", query)
    assert "<script" not in snippet(f"számla <script>{text}</script>", query)


def test_the_highlight_escapes_the_text_and_adds_only_marks():
    query = parse_query("alert")
    assert highlight("<svg onload=alert(3)>", query) == "&lt;svg onload=<mark>alert</mark>(3)&gt;"
    assert snippet('x <img src=x onerror="alert(1)">', query) == (
        "x &lt;img src=x onerror=&quot;<mark>alert</mark>(1)&quot;&gt;"
    )


def test_the_snippet_is_a_short_passage_around_the_first_match():
    text = "Előzmény. " * 100 + "A januári számlák nem nyomtathatók. " + "Utána. " * 100
    passage = snippet(text, parse_query("szamla"))
    assert "<mark>számlák</mark>" in passage and len(passage) < 300
    assert passage.startswith("… ") and passage.endswith(" …")


def test_the_api_list_searches_with_q_and_keeps_its_own_order(users, contact):
    first = register(users, contact, subject="Ütközőpont a raktárban")
    register(users, contact, subject="Más")
    second = advance(register(users, contact, subject="Raktár", description="ütközőpontok"), State.NEW, users)
    caller = api_client(users["agent"])
    answer = caller.get("/api/v1/tickets", {"q": "utkozopont", "sort": "number"})
    assert answer.status_code == 200
    assert [item["number"] for item in answer.json()["items"]] == [first.number, second.number]
    executor_answer = api_client(users["executor"]).get("/api/v1/tickets", {"q": "utkozopont"})
    assert executor_answer.json()["items"] == []
