"""What people see of time: deadlines on lists and the ticket page, the live overview, the login page's hours,
and an administrator moving every open deadline by changing the calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import State
from worktime.calendar import BUDAPEST, add_working_minutes
from worktime.humanize import describe_due
from worktime.models import CalendarException
from worktime.services import current_calendar

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BUDAPEST)


def test_an_overdue_ticket_says_how_late_it_is_in_working_days(users, contact):
    # Due Monday 23 November 2026 10:30; every page after that shows it overdue.
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    expected = describe_due(current_calendar(), timezone.now(), ticket.due_at).text
    assert expected.endswith("munkanapja lejárt")
    client = client_for(users["agent"])
    listing = client.get(reverse("tickets:list")).content.decode()
    assert expected in listing and 'class="due due-overdue"' in listing
    page = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert expected in page
    assert "Ellenőrzés: 2026. 11. 23. 10:30" in page


def test_time_left_reads_in_plain_hungarian():
    from django.utils import translation

    from worktime.calendar import SEED_WEEKLY, WorkCalendar

    cal = WorkCalendar(SEED_WEEKLY)
    now = at(2026, 11, 24, 9, 0)  # Tuesday
    with translation.override("hu"):
        assert describe_due(cal, now, at(2026, 11, 24, 11, 0)).text == "még 2 munkaóra"
        assert describe_due(cal, now, at(2026, 11, 24, 9, 45)).text == "még 45 munkaperc"
        assert describe_due(cal, now, at(2026, 11, 26, 9, 0)).text == "még 2 munkanap"
        assert describe_due(cal, now, at(2026, 11, 23, 9, 0)).text == "1 munkanapja lejárt"
        assert describe_due(cal, now, at(2026, 11, 24, 8, 0)).text == "1 munkaórája lejárt"
        # Friday 13:00 → Monday 9:00 is 1 hour and 1.5 hours of working time, not three days.
        assert describe_due(cal, at(2026, 11, 23, 9, 0), at(2026, 11, 20, 13, 0)).text == "2 munkaórája lejárt"
        assert describe_due(cal, now, None, waiting_since=now).text == "ügyfélre vár"
    with translation.override("en"):
        assert describe_due(cal, now, at(2026, 11, 24, 11, 0)).text == "2 working hours left"
        assert describe_due(cal, now, at(2026, 11, 23, 9, 0)).text == "overdue by 1 working day"


def test_the_list_filters_overdue_and_waiting_tickets(users, contact):
    late = register(users, contact, received_at=at(2026, 11, 20, 13, 0), subject="Késésben lévő")
    fresh = register(users, contact, subject="Friss bejelentés")
    waiting = workflow.ask_user(
        ticket=register(users, contact, subject="Ügyfélre váró"), actor=users["agent"], question="Melyik modul?"
    )
    client = client_for(users["agent"])
    overdue_page = client.get(reverse("tickets:list"), {"deadline": "overdue"}).content.decode()
    assert late.number in overdue_page and fresh.number not in overdue_page and waiting.number not in overdue_page
    waiting_page = client.get(reverse("tickets:list"), {"deadline": "waiting"}).content.decode()
    assert waiting.number in waiting_page and late.number not in waiting_page
    assert "ügyfélre vár" in waiting_page
    by_due = client.get(reverse("tickets:list"), {"sort": "due"}).content.decode()
    assert by_due.index(late.number) < by_due.index(fresh.number)


def test_the_live_overview_counts_and_links_to_the_filtered_list(users, contact):
    register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    workflow.ask_user(ticket=register(users, contact), actor=users["agent"], question="Melyik gépen?")
    advance(register(users, contact), State.IN_PROGRESS, users)
    for role in ("agent", "manager"):
        response = client_for(users[role]).get(reverse("dashboard:overview"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        page = response.content.decode()
        assert 'hx-trigger="every 60s"' in page
        assert f'href="{reverse("tickets:list")}?deadline=overdue&amp;sort=due"><span class="n">1<' in page
        assert f'href="{reverse("tickets:list")}?deadline=waiting"><span class="n">1<' in page
        assert f'?assignee={users["executor"].pk}&amp;state=in_progress">1<' in page
    assert client_for(users["executor"]).get(reverse("dashboard:overview")).status_code == 403
    assert client_for(users["dispatcher"]).get(reverse("dashboard:overview")).status_code == 403


def test_the_overview_and_the_list_run_a_constant_number_of_queries(users, contact):
    client = client_for(users["manager"])

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    few = (count(reverse("dashboard:overview")), count(reverse("tickets:list")), count(reverse("dashboard:home")))
    for _ in range(8):
        other = ContactFactory()
        workflow.ask_user(ticket=register(users, other), actor=users["agent"], question="?")
        advance(register(users, other, received_at=at(2026, 11, 19, 9, 0)), State.IN_PROGRESS, users)
    many = (count(reverse("dashboard:overview")), count(reverse("tickets:list")), count(reverse("dashboard:home")))
    assert few == many


def test_the_login_page_shows_the_hours_and_the_coming_closures(db):
    closed_day = timezone.localdate() + dt.timedelta(days=3)
    CalendarException.objects.create(date=closed_day, reason="Leltár")
    page = Client().get(reverse("login")).content.decode()
    assert "hétfő" in page and "7:30–16:30" in page
    assert "péntek" in page and "8:00–14:00" in page
    assert "vasárnap</th><td>zárva" in page
    assert f"{closed_day:%Y. %m. %d.}" in page and "Leltár" in page


def test_an_administrator_adds_a_closure_and_every_open_deadline_moves(
    users, contact, django_capture_on_commit_callbacks
):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))  # due Monday 23 November 10:30
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/worktime/calendarexception/add/",
            {"date": "2026-11-23", "opens": "", "closes": "", "reason": "Költözés"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.due_at == add_working_minutes(current_calendar(), at(2026, 11, 20, 13, 0), 240)
    assert timezone.localtime(ticket.due_at) == at(2026, 11, 24, 10, 30)
    # Half a day given (opens without closes) is refused with the reason, and nothing moves.
    refused = client.post(
        "/admin/worktime/calendarexception/add/",
        {"date": "2026-11-24", "opens": "09:00", "closes": "", "reason": "Félnap"},
    )
    assert refused.status_code == 200 and "zárás idejét is" in refused.content.decode()
