"""The data-protection officer's access log: search by person, staff member, period and number; CSV export
(logged itself); closed to every other role; a constant number of queries whatever the length."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from portal.tests.factories import portal_account
from privacy.choices import AccessAction, AccessKind
from privacy.models import AccessLogEntry
from privacy.services import record_access
from privacy.tests.helpers import client_for
from testkit.complaints import phone_complaint
from testkit.factories import ContactFactory, user_with_role
from testkit.workflow import register

pytestmark = pytest.mark.django_db

URL = "/privacy/access-log/"


@pytest.fixture
def officer(users: Any) -> Client:
    return client_for(users["data_protection_officer"])


@pytest.fixture
def story(users: Any) -> dict[str, Any]:
    """Anna's ticket seen by the agent, Béla's contact page by the manager, a complaint by the officer."""
    anna = ContactFactory(name="Kiss Anna", email="anna@alfa.example", phone="+36 30 111 2233")
    bela = ContactFactory(name="Nagy Béla", email="bela@beta.example", phone="06 1 444 5566")
    ticket = register(users, anna)
    complaint = phone_complaint(users, complainant_name="Tóth Cecília", complainant_email="cili@gamma.example")
    record_access(users["agent"], action=AccessAction.VIEW, obj=ticket, contact=anna)
    record_access(users["manager"], action=AccessAction.API_VIEW, obj=bela)
    record_access(
        users["complaint_officer"],
        action=AccessAction.VIEW,
        obj=complaint,
        contact=None,
        subject=complaint.complainant_name,
    )
    return {"anna": anna, "bela": bela, "ticket": ticket, "complaint": complaint}


def shown(response: Any) -> list[tuple[str, int | None]]:
    assert response.status_code == 200
    return [(entry.kind, entry.object_id) for entry in response.context["page"].object_list]


@pytest.mark.parametrize("text", ["anna@alfa.example", "ANNA@alfa.example", "Kiss Anna", "06 30 111 2233", "301112233"])
def test_the_officer_finds_a_contacts_entries_by_email_name_or_phone(officer, story, text) -> None:
    assert shown(officer.get(URL, {"person": text})) == [(AccessKind.TICKET, story["ticket"].pk)]


def test_a_complainant_who_is_no_contact_is_found_by_email_and_name(officer, story) -> None:
    expected = [(AccessKind.COMPLAINT, story["complaint"].pk)]
    assert shown(officer.get(URL, {"person": "cili@gamma.example"})) == expected
    assert shown(officer.get(URL, {"person": "Tóth Cecília"})) == expected


def test_the_officer_finds_what_a_staff_member_looked_at(officer, story, users) -> None:
    response = officer.get(URL, {"user": users["manager"].pk})
    assert shown(response) == [(AccessKind.CONTACT, story["bela"].pk)]
    html = response.content.decode()
    assert "Nagy Béla" in html and "Kiss Anna" not in html
    assert f'href="/privacy/access-log/csv/?user={users["manager"].pk}"' in html  # the export of this search


def test_the_officer_finds_entries_by_ticket_or_complaint_number(officer, story) -> None:
    assert shown(officer.get(URL, {"reference": story["ticket"].number})) == [(AccessKind.TICKET, story["ticket"].pk)]
    complaint = story["complaint"]
    assert shown(officer.get(URL, {"reference": complaint.number})) == [(AccessKind.COMPLAINT, complaint.pk)]


def test_the_officer_narrows_to_a_period(officer, users, contact) -> None:
    ticket = register(users, contact)
    for _ in range(2):
        record_access(users["agent"], action=AccessAction.VIEW, obj=ticket, contact=contact)
    # An entry from 40 days ago: the log cannot be edited, so it is written with its time from the start.
    AccessLogEntry(
        at=timezone.now() - dt.timedelta(days=40),
        user=users["agent"],
        action=AccessAction.VIEW,
        kind=AccessKind.TICKET,
        object_id=ticket.pk,
        reference="régi",
    ).save()
    today = timezone.localdate()
    recent = officer.get(URL, {"start": (today - dt.timedelta(days=7)).isoformat(), "end": today.isoformat()})
    assert [entry.reference for entry in recent.context["page"].object_list] == [ticket.number, ticket.number]
    earlier = officer.get(URL, {"end": (today - dt.timedelta(days=30)).isoformat()})
    assert [entry.reference for entry in earlier.context["page"].object_list] == ["régi"]


def test_a_period_backwards_or_a_missing_user_is_a_clear_error_not_a_crash(officer, story) -> None:
    backwards = officer.get(URL, {"start": "2026-05-02", "end": "2026-05-01"})
    assert backwards.status_code == 400 and backwards.context["form"].non_field_errors()
    assert officer.get(URL, {"user": "999999"}).status_code == 400
    assert officer.get(URL, {"start": "tegnap"}).status_code == 400
    assert officer.get(f"{URL}csv/", {"user": "abc"}).status_code == 400


@pytest.mark.parametrize("role", [role for role in Role if role != Role.DATA_PROTECTION_OFFICER])
def test_every_other_role_is_refused(role) -> None:
    client = client_for(user_with_role(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}csv/").status_code == 403


def test_portal_accounts_and_visitors_are_kept_out(contact) -> None:
    assert client_for(portal_account(contact)).get(URL).status_code == 302  # to the portal
    assert Client().get(URL)["Location"].startswith("/login/")


def test_the_csv_export_is_formula_safe_and_is_itself_logged(officer, users, contact) -> None:
    ticket = register(users, contact)
    record_access(users["agent"], action=AccessAction.VIEW, obj=ticket, contact=contact, subject="=HYPERLINK(1)")
    response = officer.get(f"{URL}csv/", {"user": users["agent"].pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2
    assert "'=HYPERLINK(1)" in rows[1]
    assert users["agent"].username in rows[1]
    export = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert (export.user, export.kind) == (users["data_protection_officer"], AccessKind.ACCESS_LOG)
    assert str(users["agent"].pk) in export.reference


def _grow(users: Any, count: int) -> None:
    staff = [users["agent"], users["manager"], users["complaint_officer"]]
    for number in range(count):
        contact = ContactFactory()
        record_access(staff[number % 3], action=AccessAction.API_VIEW, obj=contact)


def test_the_log_page_runs_the_same_queries_for_few_or_many_entries(officer, users, django_assert_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow(users, 3)
    officer.get(URL)  # the session and permissions warmed up alike for both counts
    with CaptureQueriesContext(connection) as few:
        assert len(officer.get(URL, {"person": "Kovács"}).context["page"].object_list) == 3
    _grow(users, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(officer.get(URL, {"person": "Kovács"}).context["page"].object_list) == 33


def test_the_data_protection_officer_reaches_the_log_from_the_start_page_and_the_menu(users: Any) -> None:
    page = client_for(users["data_protection_officer"]).get("/").content.decode()
    assert 'id="privacy"' in page and page.count('href="/privacy/access-log/"') == 2
    assert 'href="/privacy/requests/"' in page
    agent_page = client_for(users["agent"]).get("/").content.decode()
    assert 'href="/privacy/access-log/"' not in agent_page and 'href="/privacy/requests/"' not in agent_page
