"""The ticket list at scale: a capped count, deep pages fetched by key, the same rows as plain paging."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.pagination import LargeListPaginator
from testkit.factories import ContactFactory
from testkit.workflow import register
from tickets.models import Ticket
from tickets.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def received(minutes: int) -> dt.datetime:
    return dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)


def test_pages_hold_the_same_rows_in_the_same_order_as_slicing_the_list(users, contact):
    for minute in range(23):
        register(users, contact, received_at=received(minute % 7))  # ties on received_at, broken by id
    tickets = Ticket.objects.order_by("-received_at", "-id")
    expected = list(tickets.values_list("number", flat=True))
    paginator = LargeListPaginator(tickets.select_related("contact"), 5)
    numbers = [ticket.number for page in paginator.page_range for ticket in paginator.page(page).object_list]
    assert numbers == expected
    assert paginator.num_pages == 5 and not paginator.capped


def test_the_count_stops_at_the_cap_and_the_list_says_more_than(users, contact, settings):
    settings.PULT_LIST_COUNT_CAP = 100
    for minute in range(3):
        register(users, contact, received_at=received(minute))
    paginator = LargeListPaginator(Ticket.objects.order_by("-received_at", "-id"), 1, cap=2)
    assert paginator.count == 3 and paginator.capped
    assert [t.number for t in paginator.page(3).object_list] == [Ticket.objects.order_by("received_at").first().number]

    settings.PULT_LIST_COUNT_CAP = 2
    page = client_for(users["manager"]).get(reverse("tickets:list")).content.decode()
    assert "Több mint 2 bejelentés · a többi eléréséhez szűkítse a szűrést, vagy változtasson a sorrenden" in page
    settings.PULT_LIST_COUNT_CAP = 3
    assert ">3 feladat</p>" in client_for(users["manager"]).get(reverse("tickets:list")).content.decode()


def test_a_deep_page_runs_as_many_queries_as_the_first(users, contact):
    for minute in range(PAGE_SIZE * 2 + 3):
        register(users, ContactFactory() if minute % 2 else contact, received_at=received(minute))
    client = client_for(users["manager"])

    def queries(page: int) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("tickets:list"), {"page": page})
        assert response.status_code == 200
        return len(captured), response.content.decode()

    first, first_page = queries(1)
    last, last_page = queries(3)
    assert first == last
    oldest = Ticket.objects.order_by("received_at").first()
    assert oldest.number in last_page and oldest.number not in first_page


def test_the_customer_and_contact_filters_list_only_the_chosen_row(users, contact):
    for _ in range(12):
        ContactFactory()
    client = client_for(users["agent"])
    page = client.get(reverse("tickets:list"), {"contact": contact.pk}).content.decode()
    select = page.split('name="contact"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 2 and f'value="{contact.pk}" selected' in select
    assert contact.name in select


def test_the_filter_search_finds_contacts_by_name_or_customer(users, contact):
    other = ContactFactory(name="Zsigmond Ödön")
    client = client_for(users["agent"])
    options = client.get(reverse("tickets:lookup", kwargs={"field": "contact"}), {"q": "zsigmond"}).content.decode()
    assert f'<option value="{other.pk}">Zsigmond Ödön ({other.customer.name})</option>' in options
    assert contact.name not in options
    by_customer = client.get(reverse("tickets:lookup", kwargs={"field": "customer"}), {"q": contact.customer.name})
    assert f'value="{contact.customer.pk}"' in by_customer.content.decode()
    empty = client.get(reverse("tickets:lookup", kwargs={"field": "contact"}), {"q": "nincs ilyen név"})
    assert "Nincs találat" in empty.content.decode()


def test_an_executor_gets_no_contact_search(users):
    client = client_for(users["executor"])
    assert "data-lookup" not in client.get(reverse("tickets:list")).content.decode()
    assert client.get(reverse("tickets:lookup", kwargs={"field": "contact"}), {"q": "a"}).status_code == 403


def test_a_list_row_shows_every_column_with_its_badges(users, contact, module):
    """The rows are built in Python (ticket_tags.ticket_rows): each cell as the list has always shown it."""
    import re

    from django.utils import translation

    from testkit.workflow import advance
    from tickets.choices import State

    plain = register(users, contact, subject="Számlázó <nyomtatás> & mentés", channel="email")
    busy = advance(register(users, contact, module=module), State.IN_PROGRESS, users)
    Ticket.objects.filter(pk=busy.pk).update(open_questions=1, reopen_count=2)
    html = client_for(users["agent"]).get(reverse("tickets:list")).content.decode()
    rows = {
        number: row for row in re.findall(r"<tr>.*?</tr>", html, re.S) for number in re.findall(r">(\d{4}/\d+)<", row)
    }
    with translation.override("hu"):
        first, second = rows[plain.number], rows[busy.number]
        assert f'<a href="/tickets/{plain.year}/{plain.sequence}/">{plain.number}</a>' in first
        assert "Számlázó &lt;nyomtatás&gt; &amp; mentés" in first and "badge" not in first
        assert f'<span class="state state-new">{State.NEW.label}</span>' in first
        assert f"<td>{contact.customer.name}<br><small>{contact.name}</small></td>" in first
        assert "<td>—</td>" in first  # no module, no assignee
        assert "<td>E-mail</td>" in first
        assert '<span class="due due-' in first  # a new ticket's verification deadline
        assert '<span class="badge warn" title="Nyitott kérdés az ügyfélszolgálati munkatárshoz">?</span>' in second
        assert f'<span class="badge">{translation.gettext("reopened")}</span>' in second
        assert f"<td>{module.name}</td>" in second and f"<td>{users['executor'].display_name}</td>" in second


def test_the_list_says_so_when_no_ticket_matches(users):
    html = client_for(users["agent"]).get(reverse("tickets:list"), {"q": "nincsilyenszó"}).content.decode()
    assert '<td colspan="9" class="empty">Nincs feladat.</td>' in html


def test_a_capped_count_is_made_once_for_the_same_rows_and_anew_for_other_rows(users, contact):
    from common.pagination import capped_count

    for minute in range(3):
        register(users, contact, subject=f"Számla {minute}", received_at=received(minute))
    tickets = Ticket.objects.all()
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(tickets, 10) == 3
        assert capped_count(tickets.only("subject").order_by("-id"), 10) == 3  # the same rows: remembered
        assert capped_count(tickets, 2) == 3  # another cap counts anew: 3 = more than 2
        assert capped_count(tickets.filter(subject="Számla 1"), 10) == 1  # a narrower filter counts anew
    assert len(queries) == 3


def test_a_search_counts_its_matches_once_for_ranking_and_the_pager(users, contact):
    for minute in range(3):
        register(users, contact, subject="Árfolyam-különbözet a számlán", received_at=received(minute))
    client = client_for(users["agent"])
    client.get(reverse("tickets:list"), {"q": "számla"})
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("tickets:list"), {"q": "számla"}).content.decode()
    assert ">3 feladat</p>" in page
    assert sum(query["sql"].startswith("SELECT COUNT(*)") for query in queries.captured_queries) == 1
