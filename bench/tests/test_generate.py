"""The benchmark's generator writes a database the app itself accepts: numbers, events, states, pages."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

import pytest
from django.db.models import Count, Max

from bench import texts
from bench.generate import EVENTS_200, PASSWORD, load, rebuild_search_index
from tickets import selectors, workflow
from tickets.choices import OPEN_STATES, Channel
from tickets.models import StageClock, Ticket, TicketEvent, TicketNumberSequence
from tickets.selectors import TicketFilter

TICKETS = 200


@pytest.fixture
def generated(db: Any) -> dict[str, Any]:
    meta = load(tickets=TICKETS, seed=7, batch_size=50, progress=lambda _line: None)
    rebuild_search_index(lambda _line: None)  # the list's text search reads the search app's index
    return meta


def test_generated_numbers_are_gap_free_per_year_and_the_next_registration_continues_them(
    generated: dict[str, Any],
) -> None:
    from accounts.models import User
    from customers.models import Contact

    for row in Ticket.objects.values("year").annotate(count=Count("id"), last=Max("sequence")):
        assert row["count"] == row["last"], row
        assert TicketNumberSequence.objects.get(year=row["year"]).last_number == row["last"]
    assert Ticket.objects.count() == TICKETS
    agent = User.objects.get(username="bench_agent")
    latest_year = TicketNumberSequence.objects.aggregate(year=Max("year"))["year"]
    ticket = workflow.register_ticket(
        actor=agent,
        contact=Contact.objects.first(),
        subject="Új bejelentés",
        description="Szöveg",
        channel=Channel.PHONE,
    )
    if ticket.year == latest_year:
        assert ticket.sequence == TicketNumberSequence.objects.get(year=latest_year).last_number
        assert ticket.sequence == Ticket.objects.filter(year=latest_year).count()


def test_every_ticket_has_its_events_in_order_and_its_state_is_where_they_lead(generated: dict[str, Any]) -> None:
    counts = Counter(TicketEvent.objects.values_list("ticket_id", flat=True))
    for ticket in Ticket.objects.all():
        events = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id"))
        assert events[0].action == "register" and events[0].to_state == "new"
        assert events[-1].to_state == ticket.state
        assert all(a.to_state == b.from_state for a, b in pairwise(events))
        assert ticket.version == counts[ticket.pk]
        assert 3 <= counts[ticket.pk] <= 20 or counts[ticket.pk] == EVENTS_200 or ticket.state == "new"
        if ticket.state in OPEN_STATES and ticket.state != "notified":
            clock = StageClock.objects.get(ticket=ticket, ended_at__isnull=True)
            assert (clock.stage, clock.due_at) == (ticket.sla_stage, ticket.due_at)
    assert sum(1 for count in counts.values() if count == EVENTS_200) == 1


def test_the_list_sees_every_ticket_and_finds_the_search_words(generated: dict[str, Any]) -> None:
    from accounts.models import User

    agent = User.objects.get(username="bench_agent")
    assert selectors.ticket_list(user=agent, filters=TicketFilter(states=[], channels=[])).count() == TICKETS
    rare = selectors.ticket_list(user=agent, filters=TicketFilter(states=[], channels=[], text=texts.RARE_WORD)).count()
    assert rare == generated["rare_count"] == texts.RARE_COUNT
    common = selectors.ticket_list(
        user=agent, filters=TicketFilter(states=[], channels=[], text=texts.COMMON_WORD)
    ).count()
    assert common == generated["common_count"]


def test_the_agent_logs_in_with_the_known_password_and_sees_the_200_event_ticket_page(
    generated: dict[str, Any], client: Any
) -> None:
    assert client.login(username="bench_agent", password=PASSWORD)
    year, sequence = generated["ticket_200"]
    response = client.get(f"/tickets/{year}/{sequence}/")
    assert response.status_code == 200
    assert len(response.context["events"]) == EVENTS_200
    assert f"{year}/{sequence:06d}" in response.content.decode()
