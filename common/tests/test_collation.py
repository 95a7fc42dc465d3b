"""Names are listed in Hungarian alphabetical order on both databases, and in Python-sorted lists."""

from __future__ import annotations

import pytest

from common.collation import hungarian, hungarian_key
from customers.models import Customer

# The order PostgreSQL's ICU collation hu-HU-x-icu gives (checked with psql), shuffled below.
HUNGARIAN_ORDER = [
    "10 Bt",
    "2. Kft",
    "Ábel",
    "Adam",
    "Cecília",
    "Csaba",
    "Ecset",
    "eva",
    "Eva",
    "Éva",
    "Hoszó",
    "Hosszú",
    "kis",
    "Kis",
    "Kis Ádám",
    "Kis Péter",
    "Kis-Nagy",
    "Kisfaludy",
    "Kocsis",
    "Kovacs",
    "Kovács",
    "Kozma",
    "Megy",
    "Meggyes",
    "Nagy",
    "Nyári",
    "Olga",
    "Ossz",
    "Ő",
    "Ödön",
    "Össz",
    "Sándor",
    "Szabó",
    "Tóth",
    "Tyukodi",
    "Ubul",
    "ügyfél",
    "Vajda",
    "Wágner",
    "Zoltán",
    "Zöld",
    "Zsák",
    "Zsolt",
]


def shuffled(names: list[str]) -> list[str]:
    return names[1::2] + names[::2][::-1]


def test_python_sorting_follows_the_hungarian_alphabet() -> None:
    assert sorted(shuffled(HUNGARIAN_ORDER), key=hungarian_key) == HUNGARIAN_ORDER


@pytest.mark.django_db
def test_the_database_orders_customer_names_in_the_hungarian_alphabet() -> None:
    for name in shuffled(HUNGARIAN_ORDER):
        Customer.objects.create(name=name)
    names = list(Customer.objects.order_by(hungarian("name")).values_list("name", flat=True))
    assert names == HUNGARIAN_ORDER


@pytest.mark.django_db
def test_customers_list_in_hungarian_order_by_default() -> None:
    for name in ["Zsiráf Kft.", "Ábrahám Bt.", "Csiga Zrt.", "Cukor Kft.", "Zebra Kft."]:
        Customer.objects.create(name=name)
    assert [customer.name for customer in Customer.objects.all()] == [
        "Ábrahám Bt.",
        "Cukor Kft.",
        "Csiga Zrt.",
        "Zebra Kft.",
        "Zsiráf Kft.",
    ]
