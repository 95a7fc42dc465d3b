"""Finding the original ticket for feedback (seed l), and intake sheets, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from customers.models import Contact, Customer
from customers.selectors import find_contacts, find_customers
from intake.models import IntakeSheet
from search.selectors import search_tickets
from tickets.models import Ticket
from tickets.selectors import visible_to, with_list_columns


def original_ticket_search(*, user: Any, query: str, limit: int = 30) -> QuerySet[Ticket]:
    """Tickets matching a number (2026/123 or 123), their contact or customer (name, e-mail, phone: accents,
    case and word order aside), or words of their text (the full-text search, accents aside)."""
    query = query.strip()
    tickets = with_list_columns(visible_to(user))
    if not query:
        return tickets.none()
    condition = Q(contact__in=find_contacts(Contact.objects.all(), query).values("pk"))
    condition |= Q(customer__in=find_customers(Customer.objects.all(), query).values("pk"))
    condition |= Q(pk__in=search_tickets(Ticket.objects.all(), query).values("pk"))
    number = query.replace(" ", "")
    if "/" in number:
        year, _, sequence = number.partition("/")
        if year.isdigit() and sequence.isdigit():
            condition |= Q(year=int(year), sequence=int(sequence))
    elif number.isdigit():
        condition |= Q(sequence=int(number))
    return tickets.filter(condition).order_by("-received_at", "-id")[:limit]


def sheet_for(user: Any, pk: int) -> IntakeSheet:
    sheet = (
        IntakeSheet.objects.filter(pk=pk, ticket__in=visible_to(user))
        .select_related("contact__customer", "module", "taken_by", "ticket")
        .first()
    )
    if sheet is None:
        raise Http404()
    return sheet
