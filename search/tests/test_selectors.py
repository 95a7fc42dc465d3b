"""Searching tickets: Hungarian word forms, accents, ranking, highlighting, visibility, ticket numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from search.selectors import search_tickets
from testkit.workflow import advance, register
from tickets import selectors as ticket_selectors
from tickets.choices import State
from tickets.models import Ticket
from tickets.selectors import TicketFilter

pytestmark = pytest.mark.django_db


def found(user: Any, text: str) -> list[str]:
    """Subjects of the tickets the user's search finds, in the list's order."""
    filters = TicketFilter(states=[], channels=[], text=text)
    return [ticket.subject for ticket in ticket_selectors.ticket_list(user=user, filters=filters)]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_unaccented_query_finds_the_accented_word(users, contact):
    register(users, contact, subject="Ütközőpont a raktári modulban", description="Leáll a készletfoglalás.")
    register(users, contact, subject="Más gond", description="Semmi köze hozzá.")
    assert found(users["agent"], "utkozopont") == ["Ütközőpont a raktári modulban"]


def test_singular_without_accents_finds_the_plural_and_the_other_way_round(users, contact):
    register(users, contact, subject="Hibás számlák", description="A januári számlák összege rossz.")
    register(users, contact, subject="Jelszó", description="Elfelejtettem, szamlak nelkul irok.")
    agent = users["agent"]
    assert found(agent, "szamla") == ["Hibás számlák", "Jelszó"]  # the subject hit first
    assert found(agent, "számla") == ["Hibás számlák", "Jelszó"]
    assert found(agent, "SZÁMLÁK") == ["Hibás számlák", "Jelszó"]


@pytest.mark.parametrize(
    ("written", "searched"),
    [
        ("nyomtatók", "nyomtató"),
        ("jelszavak", "jelszavakat"),
        ("számlát", "számlákat"),
        ("ÁRFOLYAMKÜLÖNBÖZET", "árfolyamkülönbözet"),
        ("ütközőpontok", "utkozopontot"),
    ],
)
def test_a_word_is_found_in_other_forms_accents_and_case(users, contact, written, searched):
    register(users, contact, subject="Bejelentés", description=f"Gond van: {written} ügyében.")
    assert found(users["agent"], searched) == ["Bejelentés"]


def test_every_word_must_match_and_the_last_one_may_be_the_start_of_a_word(users, contact):
    register(users, contact, subject="Számlázó nyomtatás", description="A nyomtató nem húz be papírt.")
    register(users, contact, subject="Számlázó export", description="Az export üres.")
    agent = users["agent"]
    assert found(agent, "számlázó nyomtat") == ["Számlázó nyomtatás"]
    assert found(agent, "export szamlaz") == ["Számlázó export"]
    assert found(agent, "export nyomtat") == []


def test_a_subject_hit_ranks_above_a_hit_in_the_text_only(users, contact):
    register(users, contact, subject="Lassú a program", description="Az árfolyamkülönbözet könyvelése lassú.")
    register(users, contact, subject="Árfolyamkülönbözet hiányzik", description="Nem látszik.")
    register(users, contact, subject="Más", description="árfolyamkülönbözet árfolyamkülönbözet árfolyamkülönbözet")
    assert found(users["agent"], "árfolyamkülönbözet")[0] == "Árfolyamkülönbözet hiányzik"


def test_among_text_hits_the_text_that_says_it_more_often_ranks_higher(users, contact):
    """The text's own score (bm25 on SQLite, ts_rank on PostgreSQL) orders the hits that are not in a subject,
    whichever was received first."""
    register(users, contact, subject="Egyszer", description="Az árfolyamkülönbözet könyvelése lassú, " * 1 + "x " * 40)
    register(
        users, contact, subject="Háromszor", description="árfolyamkülönbözet árfolyamkülönbözet árfolyamkülönbözet"
    )
    register(
        users, contact, subject="Kétszer", description="árfolyamkülönbözet és még egy árfolyamkülönbözet " + "y " * 40
    )
    assert found(users["agent"], "arfolyamkulonbozet") == ["Háromszor", "Kétszer", "Egyszer"]


def test_a_chosen_order_wins_over_the_rank(users, contact):
    register(users, contact, subject="Első", description="tükörfúrógép")
    register(users, contact, subject="Tükörfúrógép", description="második")
    filters = TicketFilter(states=[], channels=[], text="tükörfúrógép")
    rows = ticket_selectors.ticket_list(user=users["agent"], filters=filters, sort="number")
    assert [ticket.subject for ticket in rows] == ["Első", "Tükörfúrógép"]


def test_on_the_list_page_newest_first_is_an_order_of_its_own_and_the_default_is_the_best_match(users, contact):
    older = register(users, contact, subject="Tükörfúrógép leáll", description="Régebbi bejelentés.")
    newer = register(users, contact, subject="Lassú", description="A tükörfúrógép menüje lassú.")
    client = client_for(users["agent"])

    def numbers(**params: str) -> list[str]:
        page = client.get("/tickets/", {"q": "tukorfurogep", **params}).content.decode()
        assert older.number in page and newer.number in page
        return sorted([older.number, newer.number], key=page.index)

    assert numbers() == [older.number, newer.number]  # the subject hit first
    assert numbers(sort="") == [older.number, newer.number]
    assert numbers(sort="-received") == [newer.number, older.number]  # newest first, as chosen
    page = client.get("/tickets/", {"q": "tukorfurogep"}).content.decode()
    assert "Keresésnél a legjobb találat, egyébként a legújabb elöl" in page


def test_a_ticket_number_finds_the_ticket(users, contact):
    first = register(users, contact, subject="Első")
    second = register(users, contact, subject="Második")
    agent = users["agent"]
    assert found(agent, second.number) == ["Második"]
    assert found(agent, f"{first.sequence:06d}") == ["Első"]
    assert found(agent, str(first.sequence)) == ["Első"]


def test_an_executor_finds_only_the_tickets_assigned_to_them_an_agent_all(users, contact):
    mine = advance(register(users, contact, subject="Kalibrálás az enyém"), State.ASSIGNED, users)
    register(users, contact, subject="Kalibrálás a másé")
    assert found(users["executor"], "kalibrálás") == [mine.subject]
    assert found(users["other_executor"], "kalibrálás") == []
    assert sorted(found(users["agent"], "kalibrálás")) == ["Kalibrálás a másé", "Kalibrálás az enyém"]


def test_a_text_of_stop_words_or_punctuation_finds_nothing(users, contact):
    register(users, contact, subject="A és az", description="hogy de")
    agent = users["agent"]
    assert found(agent, "a az") == []
    assert found(agent, "()*") == []


def test_the_list_page_highlights_the_matches_under_the_subject(users, contact):
    register(
        users,
        contact,
        subject="Számlák nyomtatása",
        description="Tegnap óta a januári számlák nem nyomtathatók ki a központi nyomtatón.",
    )
    page = client_for(users["agent"]).get("/tickets/", {"q": "szamla"}).content.decode()
    assert "<mark>Számlák</mark> nyomtatása" in page
    assert "a januári <mark>számlák</mark> nem" in page


def test_the_list_page_runs_the_same_number_of_queries_for_few_or_many_results(users, contact):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["manager"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/tickets/", {"q": "kalibrálás"}).status_code == 200
        return len(captured.captured_queries)

    for index in range(2):
        register(users, contact, subject=f"Kalibrálás {index}", description="kalibrálás " * 30)
    few = queries()
    for index in range(30):
        register(users, contact, subject=f"Kalibrálás {index}", description="kalibrálás " * 30)
    assert queries() == few


def test_search_works_on_a_queryset_narrowed_before(users, contact):
    register(users, contact, subject="Nyomtató", description="x")
    closed = advance(register(users, contact, subject="Nyomtató zárva"), State.CLOSED, users)
    open_only = Ticket.objects.exclude(state=State.CLOSED)
    assert [ticket.subject for ticket in search_tickets(open_only, "nyomtató")] == ["Nyomtató"]
    assert closed.pk in {ticket.pk for ticket in search_tickets(Ticket.objects.all(), "nyomtató")}


def test_with_more_matches_than_are_ranked_the_newest_come_first(users, contact, monkeypatch):
    import search.selectors

    monkeypatch.setattr(search.selectors, "RANK_LIMIT", 2)
    register(users, contact, subject="Kalibrálás a tárgyban", description="x")
    register(users, contact, subject="Régi", description="kalibrálás")
    register(users, contact, subject="Új", description="kalibrálás")
    assert found(users["agent"], "kalibrálás") == ["Új", "Régi", "Kalibrálás a tárgyban"]
