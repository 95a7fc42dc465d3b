"""Every place staff look up a person, a customer or a ticket finds them the way people type.

Accents, case and word order aside, phone numbers in any form: the intake's contact search, the feedback
finder, the ticket list's filter lookups, the complaint register, the data-protection officer's searches,
the API's lists and the admin's search boxes all go through `common.lookup`. Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from common.admin_search import FoldedSearch
from common.lookup import fold, is_phone_number, phone_digits, words
from testkit.factories import ContactFactory, CustomerFactory
from testkit.workflow import register

pytestmark = pytest.mark.django_db

# How people type the name "Ónodi Árpád", the customer, the phone and a subject word.
AS_TYPED = ["Onodi", "onodi arpad", "Árpád Ónodi", "ARPAD", "ónodi   árpád"]
PHONES = ["+36 30 123 4567", "06301234567", "30/123-4567", "06 (30) 123-45-67", "+36-30-1234567"]


@pytest.fixture
def arpad(db: Any) -> Any:
    customer = CustomerFactory(name="Tükörfúrógép Kft.")
    return ContactFactory(
        name="Ónodi Árpád", customer=customer, phone="+36 30 123 4567", email="onodi.arpad@tukor.example"
    )


@pytest.fixture
def others(db: Any) -> list[Any]:
    """People who must not be found: a similar name, another number."""
    return [
        ContactFactory(name="Ónodi Béla", phone="+36 20 765 4321"),
        ContactFactory(name="Kovács Árpád", phone="+36 1 234 5678"),
    ]


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_folding_drops_accents_and_case_and_splits_words() -> None:
    assert fold("ŐRÜLT Űrhajó Árvíztűrő") == "orult urhajo arvizturo"
    assert words("Éva, Kovács  (Kft.)") == ["eva", "kovacs", "kft."]
    assert words("   ") == []


@given(
    prefix=st.sampled_from(["", "06", "+36", "36", "06 ", "+36 "]),
    separators=st.lists(st.sampled_from(["", " ", "-", "/", ")", "("]), min_size=3, max_size=3),
)
def test_a_phone_number_in_any_form_reduces_to_the_same_digits(prefix: str, separators: list[str]) -> None:
    typed = f"{prefix}30{separators[0]}123{separators[1]}45{separators[2]}67"
    assert phone_digits(typed) == "301234567", typed
    assert is_phone_number(typed), typed


def test_a_name_with_a_number_is_not_taken_for_a_phone_number() -> None:
    assert all(phone_digits(phone) == "301234567" for phone in PHONES)
    assert not is_phone_number("Kovács 30") and not is_phone_number("12-34")


@pytest.mark.parametrize("typed", [*AS_TYPED, *PHONES, "onodi.arpad@tukor", "tukorfurogep"])
def test_the_intake_contact_search_finds_the_caller_as_typed(
    typed: str, users: dict[str, Any], arpad: Any, others: list[Any]
) -> None:
    page = client_of(users["agent"]).get("/intake/contacts/", {"q": typed}).content.decode()
    assert "Ónodi Árpád" in page, typed
    assert "Kovács Árpád" not in page or ("arpad" in fold(typed) and "onodi" not in fold(typed))
    assert "Ónodi Béla" not in page or fold(typed) == "onodi"


@pytest.mark.parametrize("typed", [*AS_TYPED, *PHONES, "arfolyam", "Árfolyam KEREKÍTÉS"])
def test_the_feedback_finder_finds_the_original_ticket_as_typed(
    typed: str, users: dict[str, Any], arpad: Any, others: list[Any]
) -> None:
    ticket = register(users, arpad, subject="Árfolyam kerekítési hiba a számlán")
    other = register(users, others[0], subject="Jelszó nem érkezett meg")  # Ónodi Béla's
    page = client_of(users["agent"]).get("/intake/feedback/", {"q": typed}).content.decode()
    assert ticket.number in page, typed
    assert other.number not in page or fold(typed) == "onodi", typed


@pytest.mark.parametrize(
    "field,typed", [("contact", "onodi arpad"), ("contact", "Árpád Ónodi"), ("customer", "tukorfurogep")]
)
def test_the_ticket_lists_filter_lookups_ignore_accents_and_word_order(
    field: str, typed: str, users: dict[str, Any], arpad: Any, others: list[Any]
) -> None:
    page = client_of(users["agent"]).get(f"/tickets/lookup/{field}/", {"q": typed}).content.decode()
    assert ("Ónodi Árpád" if field == "contact" else "Tükörfúrógép Kft.") in page
    assert "Ónodi Béla" not in page and "Kovács Árpád" not in page


@pytest.mark.parametrize("typed", ["arpad onodi", "30/123-4567"])
def test_the_api_finds_contacts_and_customers_as_typed(
    typed: str, users: dict[str, Any], arpad: Any, others: list[Any]
) -> None:
    client = client_of(users["agent"])
    contacts = client.get("/api/v1/contacts", {"q": typed}).json()["items"]
    assert [item["name"] for item in contacts] == ["Ónodi Árpád"]
    customers = client.get("/api/v1/customers", {"q": "TUKORFUROGEP"}).json()["items"]
    assert [item["name"] for item in customers] == ["Tükörfúrógép Kft."]


@pytest.mark.parametrize("typed", ["onodi arpad", "06301234567"])
def test_the_data_protection_officers_contact_search_finds_the_person_as_typed(
    typed: str, users: dict[str, Any], arpad: Any, others: list[Any]
) -> None:
    from privacy.selectors import find_contacts

    assert [contact.name for contact in find_contacts(typed)] == ["Ónodi Árpád"]


@pytest.mark.parametrize("typed", ["arpad onodi", "30/123-4567", "TUKORFUROGEP"])
def test_the_admins_contact_search_box_finds_the_person_as_typed(
    typed: str, users: dict[str, Any], arpad: Any, others: list[Any]
) -> None:
    users["administrator"].is_staff = True
    users["administrator"].save()
    page = client_of(users["administrator"]).get("/admin/customers/contact/", {"q": typed}).content.decode()
    assert "Ónodi Árpád" in page and "Ónodi Béla" not in page and "Kovács Árpád" not in page


def test_every_admin_search_box_goes_through_the_one_lookup() -> None:
    searchable = [model_admin for model_admin in admin.site._registry.values() if model_admin.search_fields]
    assert searchable
    missing = [type(model_admin).__name__ for model_admin in searchable if not isinstance(model_admin, FoldedSearch)]
    assert missing == []
