"""The ticket list's filter form, with the customer and contact selects that search on the server."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.selectors import staff_holding
from common.collation import hungarian
from common.forms import BoundedDateField
from customers.models import Contact, Customer, Module
from customers.selectors import find_contacts, find_customers
from tickets.choices import Channel, State
from tickets.forms.fields import ExecutorChoiceField
from tickets.selectors import SORTS, TicketFilter


class LookupSelect(forms.Select):
    """A select that lists only the chosen row, with a search box that fills it from the server.

    The customer and contact tables can hold tens of thousands of rows: a select with all of them would
    make the ticket list slow and heavy. The search box belongs to no form, so typing does not filter.
    """

    lookup_url = ""
    lookup_label = ""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        select = super().render(name, value, attrs, renderer)
        if not self.lookup_url:
            return format_html('<span class="lookup">{}</span>', select)
        search = format_html(
            '<input type="search" name="q" form="no-form" data-lookup autocomplete="off" aria-label="{}"'
            ' placeholder="{}" hx-get="{}" hx-trigger="input changed delay:300ms, search" hx-target="#{}"'
            ' hx-swap="innerHTML">',
            _("Search %(label)s") % {"label": self.lookup_label},
            _("Search…"),
            self.lookup_url,
            self.build_attrs(self.attrs, attrs).get("id", ""),
        )
        return format_html('<span class="lookup">{}\n{}</span>', select, search)


LOOKUP_FIELDS = {"customer": Customer, "contact": Contact}
LOOKUP_LIMIT = 30


def lookup_choices(field: str, query: str) -> list[tuple[int, str]]:
    """Rows of `field`'s model whose name (or a contact's customer) matches `query`, in Hungarian order."""
    query = query.strip()[:100]
    if field not in LOOKUP_FIELDS or not query:
        return []
    if field == "contact":
        contacts = find_contacts(Contact.objects.select_related("customer"), query).order_by(hungarian("name"), "pk")
        return [(contact.pk, lookup_label(contact)) for contact in contacts[:LOOKUP_LIMIT]]
    customers = find_customers(Customer.objects.all(), query).order_by(hungarian("name"), "pk")
    return [(customer.pk, str(customer)) for customer in customers[:LOOKUP_LIMIT]]


def can_look_up(user: Any) -> bool:
    """Those who see every ticket may search customers and contacts for the list's filters."""
    return bool(user.has_perm("tickets.view_all_tickets"))


def lookup_label(row: Any) -> str:
    if isinstance(row, Contact):
        return f"{row.name} ({row.customer.name})" if row.customer_id else row.name
    return str(row)


class TicketFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or subject"), required=False)
    state = forms.MultipleChoiceField(label=_("State"), choices=State.choices, required=False)
    channel = forms.MultipleChoiceField(label=_("Channel"), choices=Channel.choices, required=False)
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), required=False, widget=LookupSelect
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.select_related("customer"), required=False, widget=LookupSelect
    )
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.all(), required=False)
    # The people a ticket can be assigned to: executors, and agents who take one personally.
    assignee = ExecutorChoiceField(
        label=_("Assignee"), queryset=staff_holding("tickets.work_on_ticket"), required=False
    )
    received_from = BoundedDateField(label=_("Received from"), required=False)
    received_to = BoundedDateField(label=_("Received until"), required=False)
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", "—"),
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("soon", _("Past the warning time")),
            ("waiting", _("Waiting for the user")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("Best match when searching, else newest first")),
            ("-received", _("Newest received first")),
            ("received", _("Oldest received first")),
            ("-number", _("Number, descending")),
            ("number", _("Number, ascending")),
            ("state", _("State")),
            ("-updated", _("Last changed first")),
            ("due", _("Deadline, soonest first")),
        ],
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        searchable = user is not None and can_look_up(user)
        for name, model in LOOKUP_FIELDS.items():
            field = self.fields[name]
            widget = field.widget
            widget.lookup_url = reverse("tickets:lookup", kwargs={"field": name}) if searchable else ""
            widget.lookup_label = str(field.label).lower()
            chosen = self.data.get(name, "") if self.is_bound else ""
            everyone = model._default_manager.all()
            rows = everyone.filter(pk=int(chosen)) if str(chosen).isdigit() else everyone.none()
            if name == "contact":
                rows = rows.select_related("customer")
            widget.choices = [("", "—"), *((row.pk, lookup_label(row)) for row in rows[:1])]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return cleaned

    def to_filter(self) -> tuple[TicketFilter, str]:
        data = self.cleaned_data if self.is_valid() else {}
        sort = data.get("sort") or ""
        return (
            TicketFilter(
                states=data.get("state") or [],
                channels=data.get("channel") or [],
                customer_id=data["customer"].pk if data.get("customer") else None,
                contact_id=data["contact"].pk if data.get("contact") else None,
                module_id=data["module"].pk if data.get("module") else None,
                assignee_id=data["assignee"].pk if data.get("assignee") else None,
                received_from=data.get("received_from"),
                received_to=data.get("received_to"),
                text=data.get("q") or "",
                deadline=data.get("deadline") or "",
            ),
            sort if sort in SORTS else "",
        )


# --- step forms ------------------------------------------------------------------------------------
