"""Reads of customers, contacts and modules."""

from __future__ import annotations

from django.db.models import QuerySet

from common.collation import hungarian
from common.lookup import lookup
from customers.models import Contact, Customer, Module

# What a person is found by, wherever staff look one up (intake, feedback, list filters, the API, the admin).
CONTACT_FIELDS = ("name", "email", "customer__name", "position")
CONTACT_PHONES = ("phone_digits", "fax_digits")  # kept as bare digits by Contact.save
CUSTOMER_FIELDS = ("name", "email", "tax_number", "address")
CUSTOMER_PHONES = ("phone",)


def find_contacts(contacts: QuerySet[Contact], query: str) -> QuerySet[Contact]:
    """`contacts` whose name, e-mail, customer or phone matches `query`, accents, case and word order aside."""
    return lookup(contacts, query, CONTACT_FIELDS, phone_fields=CONTACT_PHONES)


def find_customers(customers: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    return lookup(customers, query, CUSTOMER_FIELDS, phone_fields=CUSTOMER_PHONES)


def contact_search(*, query: str, limit: int = 20) -> QuerySet[Contact]:
    """Active contacts matching `query` (see `find_contacts`), in Hungarian order."""
    contacts = Contact.objects.filter(is_active=True).select_related("customer")
    return find_contacts(contacts, query).order_by(hungarian("name"))[:limit]


def active_modules() -> QuerySet[Module]:
    return Module.objects.filter(is_active=True).order_by(hungarian("name"))
