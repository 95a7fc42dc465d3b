"""Who reads what, and search that ignores accents and capitals in both directions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from library import selectors
from library.choices import Visibility
from library.models import Document
from library.tests.factories import publish
from testkit.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def _titles(documents: Any) -> list[str]:
    return [document.title for document in documents]


@pytest.fixture
def shelf(users: Any) -> dict[str, Document]:
    agent = users["agent"]
    return {
        "staff": publish(agent, title="Belső eljárásrend", visibility=Visibility.STAFF),
        "customers": publish(agent, title="Ügyfél kézikönyv", visibility=Visibility.CUSTOMERS),
        "public": publish(agent, title="Cégbemutató", visibility=Visibility.PUBLIC),
    }


def test_staff_see_every_document_but_the_archived_ones(users: Any, shelf: dict[str, Document]) -> None:
    Document.objects.filter(pk=shelf["staff"].pk).update(is_archived=True)
    for role in ("agent", "executor", "dispatcher", "executive"):
        assert _titles(selectors.visible_to(users[role]).order_by("title")) == ["Cégbemutató", "Ügyfél kézikönyv"]


def test_a_portal_account_sees_the_customers_and_public_documents(shelf: dict[str, Document]) -> None:
    portal_user = UserFactory(contact=ContactFactory())
    assert set(selectors.visible_to(portal_user)) == {shelf["customers"], shelf["public"]}
    assert not selectors.is_staff_reader(portal_user)
    assert list(selectors.page_scope(portal_user)) == []


def test_an_anonymous_visitor_sees_only_public_documents(shelf: dict[str, Document]) -> None:
    assert list(selectors.visible_to(AnonymousUser())) == [shelf["public"]]


def test_an_inactive_user_sees_only_public_documents(users: Any, shelf: dict[str, Document]) -> None:
    users["agent"].is_active = False
    assert list(selectors.visible_to(users["agent"])) == [shelf["public"]]


def test_search_without_accents_finds_the_accented_text_and_the_reverse(users: Any) -> None:
    drill = publish(users["agent"], title="Tükörfúrógép kezelési útmutató")
    plain = publish(users["agent"], title="Tukorfurogep gyorstalpalo")
    documents = selectors.visible_to(users["agent"])

    assert _titles(selectors.search(documents, "tukorfurogep")) == [plain.title, drill.title]
    assert _titles(selectors.search(documents, "TÜKÖRFÚRÓGÉP")) == [plain.title, drill.title]
    assert _titles(selectors.search(documents, "Tükörfúrógép útmutató")) == [drill.title]


def test_szamla_finds_szamla_with_accent_and_capital(users: Any) -> None:
    invoice = publish(users["agent"], title="Számla sablon", markdown="Kitöltési segédlet.")
    publish(users["agent"], title="Bérszámfejtés", markdown="Kitöltési segédlet.")
    assert list(selectors.search(selectors.visible_to(users["agent"]), "szamla")) == [invoice]


def test_every_word_must_match_and_results_are_ordered_by_title(users: Any) -> None:
    agent = users["agent"]
    publish(agent, title="B: nyomtató beállítása", markdown="hálózati nyomtató")
    publish(agent, title="A: nyomtató hibaelhárítás", markdown="USB nyomtató")
    publish(agent, title="C: szkenner", markdown="hálózati szkenner")
    documents = selectors.visible_to(agent)

    assert _titles(selectors.search(documents, "nyomtato")) == ["A: nyomtató hibaelhárítás", "B: nyomtató beállítása"]
    assert _titles(selectors.search(documents, "halozati nyomtato")) == ["B: nyomtató beállítása"]
    assert _titles(selectors.search(documents, "  ")) == [
        "A: nyomtató hibaelhárítás",
        "B: nyomtató beállítása",
        "C: szkenner",
    ]


def test_search_treats_like_wildcards_as_plain_characters(users: Any) -> None:
    publish(users["agent"], title="Nyomtató")
    assert list(selectors.search(selectors.visible_to(users["agent"]), "%")) == []
    assert list(selectors.search(selectors.visible_to(users["agent"]), "_")) == []
