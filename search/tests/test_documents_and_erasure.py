"""Library documents in the same index; an erased person's name, e-mail and phone leave the index."""

from __future__ import annotations

import pytest
from django.test import Client

from library import selectors as library_selectors
from library.models import Document
from library.services import add_version, change_document
from library.tests.factories import category, publish
from retention.erasure import erase_contact
from retention.tests.helpers import EMAIL, NAME, PHONE, person
from search.models import SearchEntry
from search.selectors import search_tickets
from testkit.workflow import advance, register
from tickets.choices import State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def titles(query: str) -> list[str]:
    return [document.title for document in library_selectors.search(Document.objects.all(), query)]


def test_a_published_document_is_found_by_its_text_in_other_word_forms(users):
    publish(users["agent"], title="Kézikönyv", markdown="A számlák nyomtatása a Fájl menüből indul.")
    publish(users["agent"], title="Bérszámfejtés", markdown="Havi zárás lépései.")
    assert titles("szamla nyomtatas") == ["Kézikönyv"]
    assert titles("zárása") == ["Bérszámfejtés"]


def test_a_new_version_and_a_changed_title_are_found_and_the_old_text_no_longer(users):
    agent = users["agent"]
    document = publish(agent, title="Útmutató", markdown="Régi szöveg a tükörfúrógépről.")
    add_version(document=document, actor=agent, markdown="Új szöveg a lézervágóról.")
    assert titles("lézervágó") == ["Útmutató"]
    assert titles("tükörfúrógép") == []
    change_document(
        document=document, actor=agent, title="Lézervágó kézikönyv", summary="", category=category(), module=None,
        visibility=document.visibility,
    )  # fmt: skip
    assert titles("kezikonyv") == ["Lézervágó kézikönyv"]


def test_the_library_page_searches_through_the_index(users):
    publish(users["agent"], title="Ütközőpont beállítása", markdown="Lépésenként.")
    client = Client()
    client.force_login(users["agent"])
    page = client.get("/library/", {"q": "utkozopont"}).content.decode()
    assert "Ütközőpont beállítása" in page


def test_an_erased_persons_name_e_mail_and_phone_are_no_longer_found(users):
    contact = person()
    ticket = register(
        users,
        contact,
        subject=f"Visszahívás kérése – {NAME}",
        description=f"{NAME} kéri, hívjuk vissza: {PHONE}, vagy írjunk a {EMAIL} címre.",
    )
    advance(ticket, State.CLOSED, users)  # a person with open tickets is not erased
    tickets = Ticket.objects.all()
    for query in (NAME, "Zsófia", EMAIL, "Bodnár"):
        assert [found.pk for found in search_tickets(tickets, query)] == [ticket.pk], query
    erase_contact(contact=contact, actor=users["data_protection_officer"], reason="kérésre")
    for query in (NAME, "Zsófia", "zsofia", EMAIL, "Bodnár", "bodnar", PHONE, "987 6543"):
        assert list(search_tickets(tickets, query)) == [], query
    entry = SearchEntry.objects.get(ticket=ticket)
    assert "Bodnár" not in entry.title + entry.body and "bodnar" not in entry.title_terms + entry.body_terms
    assert [found.pk for found in search_tickets(tickets, "visszahívás")] == [ticket.pk]  # the rest stays
