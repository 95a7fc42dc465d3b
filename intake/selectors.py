"""Finding the original ticket for feedback (seed l), and intake sheets, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from customers.models import phone_digits
from intake.models import IntakeSheet
from tickets.models import Ticket
from tickets.selectors import visible_to, with_list_columns


def original_ticket_search(*, user: Any, query: str, limit: int = 30) -> QuerySet[Ticket]:
    """Tickets matching a number (2026/123 or 123), contact, customer, phone, e-mail or words of the subject."""
    query = query.strip()
    tickets = with_list_columns(visible_to(user))
    if not query:
        return tickets.none()
    condition = Q(contact__name__icontains=query) | Q(customer__name__icontains=query)
    condition |= Q(contact__email__iexact=query)
    words = query.split()
    if words:
        subject = Q()
        for word in words:
            subject &= Q(subject__icontains=word)
        condition |= subject
    number = query.replace(" ", "")
    if "/" in number:
        year, _, sequence = number.partition("/")
        if year.isdigit() and sequence.isdigit():
            condition |= Q(year=int(year), sequence=int(sequence))
    elif number.isdigit():
        condition |= Q(sequence=int(number))
    digits = phone_digits(query)
    if len(digits) >= 6:
        condition |= Q(contact__phone_digits__contains=digits)
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
