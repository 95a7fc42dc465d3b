"""Hungarian by default, English on request; dates as Hungarians write them, in Budapest time."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from testkit.workflow import register

pytestmark = pytest.mark.django_db


def test_pages_are_hungarian_even_when_the_browser_asks_for_english(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(users["agent"])
    page = client.get("/").content.decode()
    assert "Kijelentkezés" in page and "Log out" not in page
    assert '<html lang="hu">' in page


def test_english_is_chosen_in_the_header_and_kept(users):
    client = Client()
    client.force_login(users["agent"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Log out" in page and '<html lang="en">' in page
    client.post(reverse("set_language"), {"language": "hu", "next": "/"})
    assert "Kijelentkezés" in client.get("/").content.decode()


def test_login_page_is_hungarian_for_visitors():
    page = Client().get("/login/").content.decode()
    assert "Bejelentkezés" in page


def test_times_are_shown_in_budapest_time_the_hungarian_way(users, contact):
    # 06:30 UTC on 24 November is 7:30 in Budapest (winter time, UTC+1).
    received = dt.datetime(2026, 11, 24, 6, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    ticket = register(users, contact, received_at=received)
    client = Client()
    client.force_login(users["agent"])
    page = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert "2026. 11. 24. 7:30" in page
    assert re.search(r"\b\d{4}\. \d{2}\. \d{2}\. \d{1,2}:\d{2}\b", page)


def test_summer_time_is_respected(users, contact):
    received = dt.datetime(2026, 7, 1, 5, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))  # 7:30 CEST (UTC+2)
    ticket = register(users, contact, received_at=received)
    client = Client()
    client.force_login(users["agent"])
    page = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert "2026. 07. 01. 7:30" in page
