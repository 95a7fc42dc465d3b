"""The manager's period report: what came in per channel, what was solved within target, how long each step took,
how often work went back to the executor or a closed ticket was reopened. On the page and in the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import Channel, Priority, State
from tickets.templatetags.ticket_tags import minutes_as_hours
from worktime.calendar import BUDAPEST

pytestmark = pytest.mark.django_db

MARCH = "/report/?start=2026-03-01&end=2026-03-31"
MARCH_CSV = "/report/csv/?start=2026-03-01&end=2026-03-31"


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BUDAPEST)


class Clock:
    """The time the workflow sees, so that steps happen on chosen days (working time is counted between them)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = at(2026, 3, 2, 9, 0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, *parts: int) -> None:
        self.now = at(*parts)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row(page: str, css_class: str) -> list[str]:
    """The cells of the table row with `css_class`."""
    match = re.search(rf'<tr class="{css_class}">(.*?)</tr>', page, re.S)
    assert match, css_class
    return re.findall(r"<t[dh]>(.*?)</t[dh]>", match.group(1), re.S)


def count(page: str, css_class: str) -> str:
    match = re.search(rf'class="count {css_class}"><span class="n">(.*?)</span>', page)
    assert match, css_class
    return match.group(1)


def csv_values(content: bytes) -> dict[tuple[str, str], str]:
    assert content.startswith("\ufeff".encode())  # the BOM, for Excel
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Szakasz", "Tétel", "Érték", "Szakasz kódja", "Tétel kódja"]  # Hungarian by default
    return {(section, key): value for _label, _item, value, section, key in rows[1:]}


@pytest.fixture
def march(users, contact, clock):
    """A month of work: five requests in March, one in February and one just after March, through the workflow."""
    agent = users["agent"]

    # February: received, solved and reopened before the period; none of it counts.
    clock.set(2026, 2, 27, 10, 0)
    february = advance(register(users, contact, channel=Channel.POST, received_at=clock.now), State.CLOSED, users)
    workflow.register_feedback(ticket=february, actor=agent, content="Megint rossz.", reopen=True)

    # Monday 2 March, 9:00.
    clock.set(2026, 3, 2, 9, 0)
    late = register(users, contact, channel=Channel.EMAIL, priority=Priority.URGENT, received_at=clock.now)
    late = advance(late, State.ASSIGNED, users)
    fast = register(users, contact, channel=Channel.EMAIL, priority=Priority.URGENT, received_at=clock.now)
    advance(fast, State.CLOSED, users)
    # A failed test sends the work back to the executor; the ticket is reopened twice on the user's feedback.
    phone = advance(register(users, contact, channel=Channel.PHONE, received_at=clock.now), State.COMPLETED, users)
    workflow.return_to_executor(ticket=phone, actor=agent, reason="Még mindig nem nyomtat.")
    phone = advance(phone, State.CLOSED, users)
    workflow.register_feedback(ticket=phone, actor=agent, content="Újra hibás.", reopen=True)
    phone = advance(phone, State.CLOSED, users)
    workflow.register_feedback(ticket=phone, actor=agent, content="Megint hibás.", reopen=True)
    web = register(users, contact, channel=Channel.WEB, priority=Priority.HIGH, received_at=clock.now)
    web = advance(web, State.CLOSED, users)
    workflow.register_feedback(ticket=web, actor=agent, content="Nem jó.", reopen=True)

    # Wednesday 4 March, 9:00: the urgent e-mail is solved after 18 working hours (target: 8).
    clock.set(2026, 3, 4, 9, 0)
    advance(late, State.CLOSED, users)

    # 1 April: a fax received at 23:30 on 31 March counts for March; one received at 0:30 on 1 April does not.
    # The fax's verification ends in April, so its clock does not count for March.
    clock.set(2026, 4, 1, 10, 0)
    fax = register(users, contact, channel=Channel.FAX, received_at=at(2026, 3, 31, 23, 30))
    advance(fax, State.VERIFIED, users)
    register(users, contact, channel=Channel.IN_PERSON, received_at=at(2026, 4, 1, 0, 30))


def test_the_manager_sees_the_month_in_figures(users, march):
    page = client_for(users["manager"]).get(MARCH).content.decode()
    with translation.override("hu"):
        labels = {channel: str(channel.label) for channel in Channel}
        resolve_average = minutes_as_hours(216)

    # Received per channel, every channel listed; the 31 March 23:30 fax is in, the 1 April 0:30 visit is not.
    assert row(page, "channel-email") == [labels[Channel.EMAIL], "2"]
    assert row(page, "channel-phone") == [labels[Channel.PHONE], "1"]
    assert row(page, "channel-web") == [labels[Channel.WEB], "1"]
    assert row(page, "channel-fax") == [labels[Channel.FAX], "1"]
    assert row(page, "channel-post") == [labels[Channel.POST], "0"]
    assert row(page, "channel-in_person") == [labels[Channel.IN_PERSON], "0"]
    assert count(page, "count-received") == "5"

    # Solved within target: one of the two urgent e-mails was late; the phone ticket was solved twice, both in time.
    assert row(page, "priority-urgent")[1:] == ["2", "1", "50 %"]
    assert row(page, "priority-normal")[1:] == ["2", "2", "100 %"]
    assert row(page, "priority-high")[1:] == ["1", "1", "100 %"]
    assert row(page, "priority-low")[1:] == ["0", "0", "—"]
    assert count(page, "count-within-target") == "80 %"

    # Five resolutions: 18 working hours (Mon 9:00–16:30, Tue 7:30–16:30, Wed 7:30–9:00) and four at once.
    assert row(page, "stage-resolve")[1:] == ["5", resolve_average]
    # Verifications ended in March: the four March tickets, and the phone ticket once more after it was reopened.
    assert row(page, "stage-verify")[1] == "5"

    assert count(page, "count-returns") == "1"
    assert count(page, "count-reopens") == "3"
    assert count(page, "count-reopened-tickets") == "2"

    # The charts are inline SVG, one per figure, with no scripts or outside files.
    assert page.count("<svg ") == 3
    assert "<script" not in page.split("<main>")[1]
    assert 'href="/report/csv/?start=2026-03-01&amp;end=2026-03-31"' in page


def test_the_csv_has_the_same_figures_for_excel(users, march):
    response = client_for(users["executive"]).get(MARCH_CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pult-report-2026-03-01-2026-03-31.csv"'
    values = csv_values(response.content)
    assert values[("period", "start")] == "2026-03-01" and values[("period", "end")] == "2026-03-31"
    assert values[("received_per_channel", "email")] == "2"
    assert values[("received_per_channel", "fax")] == "1"
    assert values[("received_per_channel", "in_person")] == "0"
    assert values[("received_per_channel", "total")] == "5"
    assert values[("resolved", "urgent")] == "2"
    assert values[("resolved_within_target", "urgent")] == "1"
    assert values[("resolved_within_target_percent", "urgent")] == "50,0"
    assert values[("resolved_within_target_percent", "low")] == ""
    assert values[("resolved_within_target_percent", "total")] == "80,0"
    assert values[("average_working_minutes", "resolve")] == "216"
    assert values[("stage_clocks_ended", "resolve")] == "5"
    assert values[("returns_to_executor", "total")] == "1"
    assert values[("reopen_events", "total")] == "3"
    assert values[("reopened_tickets", "total")] == "2"


def test_the_csv_speaks_the_readers_language_with_fixed_codes_beside(users, march):
    client = client_for(users["manager"])
    content = client.get(MARCH_CSV).content
    assert content[:3] == b"\xef\xbb\xbf"  # UTF-8 with a BOM, for Excel and the Hungarian letters
    assert "Beérkezett bejelentések;E-mail;2;received_per_channel;email\r\n" in content.decode("utf-8-sig")
    assert "Megoldott;Összesen;" in content.decode("utf-8-sig")
    client.cookies["django_language"] = "en"
    english = client.get(MARCH_CSV).content.decode("utf-8-sig")
    assert english.startswith("Section;Item;Value;Section code;Item code\r\n")
    assert "Requests received;E-mail;2;received_per_channel;email\r\n" in english


def test_february_alone_has_its_own_figures(users, march):
    values = csv_values(client_for(users["manager"]).get("/report/csv/?start=2026-02-01&end=2026-02-28").content)
    assert values[("received_per_channel", "post")] == "1"
    assert values[("received_per_channel", "total")] == "1"
    assert values[("reopen_events", "total")] == "1"
    assert values[("resolved", "total")] == "1"


def test_only_managers_and_executives_see_the_report(users):
    for role in ("agent", "executor", "dispatcher"):
        client = client_for(users[role])
        assert client.get("/report/").status_code == 403, role
        assert client.get("/report/csv/").status_code == 403, role
    for role in ("manager", "executive"):
        assert client_for(users[role]).get("/report/").status_code == 200, role
    assert Client().get("/report/").status_code == 302  # to the login page


def test_the_start_page_links_to_the_report_for_those_who_may_see_it(users):
    assert 'href="/report/"' in client_for(users["manager"]).get("/").content.decode()
    assert 'href="/report/"' in client_for(users["executive"]).get("/").content.decode()
    assert 'href="/report/"' not in client_for(users["agent"]).get("/").content.decode()


def test_by_default_the_report_covers_this_month_in_budapest(users, clock):
    # 22:30 UTC on 31 March is already 0:30 on 1 April in Budapest (summer time).
    clock.now = dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC)
    page = client_for(users["manager"]).get("/report/").content.decode()
    assert 'name="start" value="2026-04-01"' in page and 'name="end" value="2026-04-01"' in page
    assert 'href="/report/csv/?start=2026-04-01&amp;end=2026-04-01"' in page


def test_a_period_ending_before_it_starts_shows_an_error_and_no_figures(users):
    client = client_for(users["manager"])
    response = client.get("/report/?start=2026-03-31&end=2026-03-01")
    page = response.content.decode()
    with translation.override("hu"):
        message = gettext("The start of the period is after its end.")
    assert response.status_code == 200
    assert message in page
    assert "report-received" not in page and "<svg" not in page
    assert client.get("/report/csv/?start=2026-03-31&end=2026-03-01").status_code == 400


@pytest.mark.parametrize(
    "query",
    ["start=2026-02-30&end=2026-03-31", "start=tegnap&end=2026-03-31", "start=&end=2026-03-31", "start=2026-03-01"],
)
def test_a_bad_date_shows_an_error_and_no_figures(users, query):
    page = client_for(users["manager"]).get(f"/report/?{query}").content.decode()
    assert 'class="error"' in page
    assert "report-received" not in page and "<svg" not in page


def test_a_period_longer_than_366_days_is_refused(users):
    client = client_for(users["manager"])
    client.cookies["django_language"] = "en"
    page = client.get("/report/?start=2025-01-01&end=2026-01-02").content.decode()
    assert "The period can be at most 366 days long." in page and "<svg" not in page
    # A whole leap year is fine.
    assert "<svg" in client.get("/report/?start=2024-01-01&end=2024-12-31").content.decode()


def test_the_page_speaks_english_when_chosen(users, march):
    client = client_for(users["manager"])
    client.cookies["django_language"] = "en"
    page = client.get(MARCH).content.decode()
    assert "Received per channel" in page and "Download CSV" in page
    assert row(page, "channel-email") == ["E-mail", "2"]
    assert row(page, "priority-urgent")[1:] == ["2", "1", "50 %"]
    assert row(page, "stage-resolve")[1:] == ["5", "3 h 36 min"]


def closed_tickets(users, contact, how_many: int) -> None:
    for index in range(how_many):
        channel = list(Channel)[index % len(Channel)]
        advance(register(users, contact, channel=channel, received_at=timezone.now()), State.CLOSED, users)


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_runs_the_same_number_of_queries_for_2_or_12_tickets(users, contact, clock):
    client = client_for(users["manager"])
    closed_tickets(users, contact, 2)
    page_with_two, csv_with_two = queries_for(client, MARCH), queries_for(client, MARCH_CSV)
    closed_tickets(users, contact, 10)
    assert queries_for(client, MARCH) == page_with_two
    assert queries_for(client, MARCH_CSV) == csv_with_two
    page = client.get(MARCH).content.decode()
    assert count(page, "count-received") == "12"
