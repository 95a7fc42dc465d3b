"""The period report's satisfaction figures: how many ratings the customers gave in the period, their average
and how they spread over 1–5; on the page and in the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from dashboard.reports import period_report
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import State
from worktime.calendar import BUDAPEST

pytestmark = pytest.mark.django_db

MARCH = "/report/?start=2026-03-01&end=2026-03-31"
MARCH_CSV = "/report/csv/?start=2026-03-01&end=2026-03-31"


@pytest.fixture
def ratings(users, monkeypatch):
    """Three ratings in March (5, 4, 4) and one on 1 April 0:10 Budapest time (1), which is outside March."""
    system = users["agent"]  # an agent has the feedback permission the rating step needs
    now = {"at": dt.datetime(2026, 3, 10, 10, 0, tzinfo=BUDAPEST)}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])
    for score, when in ((5, (3, 10)), (4, (3, 12)), (4, (3, 31)), (1, (4, 1))):
        contact = ContactFactory()
        ticket = advance(register(users, contact, received_at=now["at"]), State.CLOSED, users)
        month, day = when
        now["at"] = dt.datetime(2026, month, day, 0, 10 if month == 4 else 9, tzinfo=BUDAPEST)
        workflow.rate_ticket(ticket=ticket, actor=system, contact=contact, score=score, comment="Megjegyzés")
        now["at"] = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BUDAPEST)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_period_report_counts_ratings_and_their_average(ratings):
    report = period_report(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert report.ratings_total == 3
    assert report.rating_average == 4.33
    assert [(row.score, row.count) for row in report.satisfaction] == [(1, 0), (2, 0), (3, 0), (4, 2), (5, 1)]
    april = period_report(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (april.ratings_total, april.rating_average) == (1, 1.0)


def test_a_period_without_ratings_has_no_average(db):
    report = period_report(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert report.ratings_total == 0 and report.rating_average is None


def test_the_page_and_the_csv_show_the_satisfaction_figures(ratings, users):
    client = client_for(users["manager"])
    page = client.get(MARCH).content.decode()
    assert re.search(r'class="count count-ratings"><span class="n">3</span>', page)
    assert re.search(r'class="count count-rating-average"><span class="n">4[.,]33</span>', page)
    assert re.search(r'<tr class="score-4"><td>4</td><td>2</td></tr>', page)
    content = client.get(MARCH_CSV).content.decode("utf-8-sig")
    values = {(s, k): v for _label, _item, v, s, k in list(csv.reader(io.StringIO(content), delimiter=";"))[1:]}
    assert values[("satisfaction_ratings", "4")] == "2"
    assert values[("satisfaction_ratings", "1")] == "0"
    assert values[("satisfaction_ratings", "total")] == "3"
    assert values[("satisfaction_average", "total")] == "4,33"
