"""Writes of customers and contacts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from customers.choices import CustomerKind, NotificationChannel
from customers.models import Contact, Customer


def contact_create(
    *,
    actor: Any,
    name: str,
    customer: Customer | None = None,
    new_customer_name: str = "",
    phone: str = "",
    email: str = "",
    postal_address: str = "",
    fax: str = "",
    preferred_channel: str = "",
) -> Contact:
    """A contact registered on the spot during intake, with a new customer if theirs is not on file."""
    if not actor.has_perm("customers.add_contact"):
        raise PermissionError(_("Your role does not allow creating contacts."))
    with transaction.atomic():
        if customer is None:
            customer = Customer.objects.create(
                name=new_customer_name.strip() or name.strip(),
                kind=CustomerKind.ORGANISATION if new_customer_name.strip() else CustomerKind.PRIVATE_PERSON,
            )
        if not preferred_channel:
            preferred_channel = NotificationChannel.EMAIL if email else NotificationChannel.PHONE
        return Contact.objects.create(
            customer=customer,
            name=name.strip(),
            phone=phone.strip(),
            email=email.strip(),
            postal_address=postal_address.strip(),
            fax=fax.strip(),
            preferred_channel=preferred_channel,
        )
