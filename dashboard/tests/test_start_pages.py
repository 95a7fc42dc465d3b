"""Each role's start page shows what waits for that person."""

from __future__ import annotations

import pytest
from django.test import Client

from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import RouteDecision, State

pytestmark = pytest.mark.django_db


def page_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/").content.decode()


def section(page: str, css_class: str) -> str:
    start = page.index(css_class)
    return page[start : page.index("</section>", start)]


def test_agent_queues_follow_the_tickets_through_the_steps(users, contact):
    new = register(users, contact, subject="Új bejelentés")
    to_route = advance(register(users, contact, subject="Irányítandó"), State.VERIFIED, users)
    to_test = advance(register(users, contact, subject="Tesztelendő"), State.COMPLETED, users)
    to_notify = advance(register(users, contact, subject="Értesítendő"), State.SOLVED, users)
    asking = advance(register(users, contact, subject="Kérdéses"), State.IN_PROGRESS, users)
    workflow.ask_agent(ticket=asking, actor=users["executor"], question="Melyik verzió?")
    page = page_for(users["agent"])
    assert new.number in section(page, "queue-to_verify")
    assert to_route.number in section(page, "queue-to_route")
    assert to_test.number in section(page, "queue-to_test")
    assert to_notify.number in section(page, "queue-to_notify")
    assert asking.number in section(page, "queue-questions")
    assert asking.number not in section(page, "queue-to_verify")


def test_a_ticket_the_agent_took_personally_is_in_their_tasks(users, contact):
    ticket = advance(register(users, contact, subject="Saját"), State.VERIFIED, users)
    workflow.route_ticket(ticket=ticket, actor=users["agent"], decision=RouteDecision.PERSONALLY)
    assert ticket.number in section(page_for(users["agent"]), "queue-mine")
    assert "queue-mine" not in page_for(users["dispatcher"])


def test_a_long_task_list_shows_the_oldest_and_links_to_the_rest(users, contact, monkeypatch):
    from dashboard import views

    monkeypatch.setattr(views, "LONG_QUEUE_LENGTH", 2)
    tickets = [advance(register(users, contact, subject=f"Feladat {n}"), State.ASSIGNED, users) for n in range(3)]
    mine = section(page_for(users["executor"]), "queue-mine")
    assert tickets[0].number in mine and tickets[1].number in mine and tickets[2].number not in mine
    assert '<span class="badge">3</span>' in mine
    link = f"/tickets/?assignee={users['executor'].pk}&amp;state=assigned&amp;state=in_progress&amp;state=completed"
    assert f'<a href="{link}&amp;sort=received">Az összes feladatom (3)</a>' in mine
    client = Client()
    client.force_login(users["executor"])
    listed = client.get(link.replace("&amp;", "&") + "&sort=received").content.decode()
    assert all(ticket.number in listed for ticket in tickets)


def test_dispatcher_sees_what_waits_for_dispatch_and_executor_sees_only_their_own(users, contact):
    waiting = advance(register(users, contact, subject="Elosztandó"), State.DISPATCHING, users)
    mine = advance(register(users, contact, subject="Enyém"), State.ASSIGNED, users)
    assert waiting.number in section(page_for(users["dispatcher"]), "queue-dispatch")
    executor_page = page_for(users["executor"])
    assert mine.number in section(executor_page, "queue-mine") and waiting.number not in executor_page
    assert mine.number not in page_for(users["other_executor"])


def test_manager_overview_counts_states_and_executor_load(users, contact):
    advance(register(users, contact), State.ASSIGNED, users)
    advance(register(users, contact), State.IN_PROGRESS, users)
    page = page_for(users["manager"])
    overview = section(page, "Áttekintés")
    assert '?state=assigned"><span class="n">1</span>' in overview
    assert '?state=in_progress"><span class="n">1</span>' in overview
    assert users["executor"].display_name in overview


def test_an_unreached_call_puts_the_ticket_on_the_call_back_list_until_the_user_is_told(users, contact):
    ticket = advance(register(users, contact, subject="Visszahívandó"), State.SOLVED, users)
    workflow.record_notification(
        ticket=ticket,
        actor=users["agent"],
        channel="phone",
        recipient=contact.phone,
        message="Foglalt.",
        outcome="not_reached",
    )
    assert ticket.number in section(page_for(users["agent"]), "queue-callbacks")
    workflow.record_notification(
        ticket=ticket,
        actor=users["agent"],
        channel="phone",
        recipient=contact.phone,
        message="Közöltem.",
    )
    assert ticket.number not in section(page_for(users["agent"]), "queue-callbacks")


def test_the_overview_is_counted_once_for_everyone_who_sees_every_ticket_and_says_as_of_when(users, contact, settings):
    """With PULT_OVERVIEW_CACHE_SECONDS set, the counts over every open ticket are shared for that long:
    another agent's start page shows them from the cache, with the time they were counted."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import formats, timezone

    from dashboard.selectors import OVERVIEW_CACHE_KEY

    def deadline_counts_run(queries: CaptureQueriesContext) -> bool:
        return any('COUNT("tickets_ticket"."due_at") FILTER' in query["sql"] for query in queries.captured_queries)

    settings.PULT_OVERVIEW_CACHE_SECONDS = 30
    advance(register(users, contact), State.ASSIGNED, users)
    with CaptureQueriesContext(connection) as first:
        counted = section(page_for(users["manager"]), "Áttekintés")
    assert '?state=assigned"><span class="n">1</span>' in counted and deadline_counts_run(first)
    as_of = formats.time_format(timezone.localtime(cache.get(OVERVIEW_CACHE_KEY)["refreshed_at"]), "H:i")
    assert as_of in counted

    advance(register(users, contact), State.ASSIGNED, users)
    with CaptureQueriesContext(connection) as second:
        shared = section(page_for(users["agent"]), "Áttekintés")
    assert '?state=assigned"><span class="n">1</span>' in shared and as_of in shared  # as counted, and says when
    assert not deadline_counts_run(second)

    cache.delete(OVERVIEW_CACHE_KEY)  # what the timeout does
    assert '?state=assigned"><span class="n">2</span>' in section(page_for(users["agent"]), "Áttekintés")


def test_the_shared_overview_is_never_counted_for_or_shown_to_someone_who_sees_only_some_tickets(
    users, contact, settings
):
    from django.core.cache import cache
    from django.utils import timezone

    from dashboard.selectors import OVERVIEW_CACHE_KEY, overview

    settings.PULT_OVERVIEW_CACHE_SECONDS = 30
    mine = advance(register(users, contact, subject="Az enyém"), State.ASSIGNED, users)
    register(users, contact, subject="Másé")
    counted = overview(users["executor"], timezone.now())
    assert [ticket.number for ticket in counted["oldest"]] == [mine.number]
    assert cache.get(OVERVIEW_CACHE_KEY) is None
    overview(users["agent"], timezone.now())
    assert len(overview(users["executor"], timezone.now())["oldest"]) == 1  # not the agent's shared figures


def test_a_long_queue_says_how_long_up_to_the_cap_and_then_that_it_is_longer(users, contact, monkeypatch):
    from dashboard import views

    monkeypatch.setattr(views, "QUEUE_COUNT_CAP", 2)
    for _index in range(2):
        register(users, contact)
    assert '<span class="badge">2</span>' in section(page_for(users["agent"]), "queue-to_verify")
    register(users, contact)
    assert '<span class="badge">2+</span>' in section(page_for(users["agent"]), "queue-to_verify")
