"""Reads of customers, contacts and modules."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from common.collation import hungarian
from customers.models import Contact, Module, phone_digits


def contact_search(*, query: str, limit: int = 20) -> QuerySet[Contact]:
    """Active contacts whose name, e-mail, phone or customer matches `query`."""
    query = query.strip()
    contacts = Contact.objects.filter(is_active=True).select_related("customer")
    if not query:
        return contacts.none()
    condition = Q(name__icontains=query) | Q(email__icontains=query) | Q(customer__name__icontains=query)
    digits = phone_digits(query)
    if len(digits) >= 4:
        condition |= Q(phone_digits__contains=digits)
    return contacts.filter(condition).order_by(hungarian("name"))[:limit]


def active_modules() -> QuerySet[Module]:
    return Module.objects.filter(is_active=True).order_by(hungarian("name"))
