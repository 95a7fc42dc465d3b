"""Customers, contacts and modules over the JSON API, for the roles whose pages use them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from api.auth import caller
from api.errors import with_errors
from api.pagination import MAX_LIMIT, Keyset, page
from api.schemas import Id, Page, Ref, Text
from customers.choices import CustomerKind, NotificationChannel
from customers.models import Contact, Customer, Module
from customers.selectors import find_contacts, find_customers
from privacy.choices import AccessAction
from privacy.services import record_access

router = Router()

BY_NAME = Keyset("name", ("name", "id"), (str, int))


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))


class CustomerOut(Schema):
    id: int
    name: str
    kind: CustomerKind
    tax_number: str
    address: str
    phone: str
    email: str
    is_active: bool


class CustomerDetailOut(CustomerOut):
    notes: str


class CustomerPage(Page):
    items: list[CustomerOut]


class ContactOut(Schema):
    id: int
    name: str
    customer: Ref
    position: str
    phone: str
    email: str
    fax: str
    postal_address: str
    preferred_channel: NotificationChannel
    is_active: bool


class ContactDetailOut(ContactOut):
    notes: str


class ContactPage(Page):
    items: list[ContactOut]


class ModuleOut(Schema):
    id: int
    code: str
    name: str
    description: str
    is_active: bool


class ListParams(Schema):
    q: Text = Field("", max_length=200, description="Part of the name (contacts: also e-mail or phone).")
    cursor: Text | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


class ContactParams(ListParams):
    customer: Id | None = Field(None, description="Only this customer's contacts.")


@router.get("/customers", response=with_errors({200: CustomerPage}), tags=["customers"], summary="List customers")
def list_customers(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    _require(caller(request), "customers.view_customer")
    customers = Customer.objects.all()
    if params.q.strip():
        customers = find_customers(customers, params.q)
    items, next_cursor = page(customers, BY_NAME, cursor=params.cursor, limit=params.limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/customers/{customer_id}",
    response=with_errors({200: CustomerDetailOut}),
    tags=["customers"],
    summary="Get a customer",
)
def get_customer(request: HttpRequest, customer_id: int = Path(..., ge=1, le=2**62)) -> Customer:
    _require(caller(request), "customers.view_customer")
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise Http404()
    return customer


@router.get("/contacts", response=with_errors({200: ContactPage}), tags=["contacts"], summary="List contacts")
def list_contacts(request: HttpRequest, params: Query[ContactParams]) -> dict[str, Any]:
    _require(caller(request), "customers.view_contact")
    contacts = Contact.objects.select_related("customer")
    if params.customer:
        contacts = contacts.filter(customer_id=params.customer)
    text = params.q.strip()
    if text:
        contacts = find_contacts(contacts, text)
    items, next_cursor = page(contacts, BY_NAME, cursor=params.cursor, limit=params.limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/contacts/{contact_id}", response=with_errors({200: ContactDetailOut}), tags=["contacts"], summary="Get a contact"
)
def get_contact(request: HttpRequest, contact_id: int = Path(..., ge=1, le=2**62)) -> Contact:
    _require(caller(request), "customers.view_contact")
    contact = Contact.objects.select_related("customer").filter(pk=contact_id).first()
    if contact is None:
        raise Http404()
    record_access(request, action=AccessAction.API_VIEW, obj=contact)
    return contact


@router.get("/modules", response=with_errors({200: list[ModuleOut]}), tags=["modules"], summary="List modules")
def list_modules(request: HttpRequest) -> Any:
    """Every module, active ones first by name (a short list: not paginated)."""
    _require(caller(request), "customers.view_module")
    return list(Module.objects.order_by("-is_active", "name", "id"))
