"""The README's first command loads the demo data: every login it prints works and the demo shows each part."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from demo.management.commands.load_demo import DEMO_PASSWORD, DEMO_USERS
from library.models import Document, TicketDocument
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_its_logins_work(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    tickets = Ticket.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Ticket.objects.count() == tickets > 0  # idempotent
    printed = out.getvalue()
    for username, *_rest in DEMO_USERS:
        assert username in printed
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()


def test_demo_library_is_searchable_without_accents(client):
    call_command("load_demo", stdout=io.StringIO())
    assert Document.objects.filter(current__isnull=False).count() >= 4
    assert TicketDocument.objects.exists()
    client.login(username="ugyintezo", password=DEMO_PASSWORD)
    page = client.get("/library/", {"q": "tukorfurogep kezikonyv"})
    assert "Tükörfúrógép-vezérlő felhasználói kézikönyv" in page.content.decode()


def test_demo_portal_login_sees_the_organisations_requests(client):
    from demo.management.commands.load_demo import PORTAL_LOGIN

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert PORTAL_LOGIN in out.getvalue()
    page = client.post("/portal/login/", {"username": PORTAL_LOGIN, "password": DEMO_PASSWORD}, follow=True)
    assert page.status_code == 200
    body = page.content.decode()
    # Éva's own request and her colleague Ödön's (the organisation shares requests), never another customer's.
    assert "Nem nyomtatható a számla" in body
    assert "Leltárív exportja hibás" in body
    assert "Bérjegyzék fax" not in body
    assert client.get("/tickets/").status_code == 302  # a portal account is sent back to the portal
