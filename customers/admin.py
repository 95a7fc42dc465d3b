import smtplib
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_search import FoldedSearch
from customers.models import Contact, Customer, Module
from customers.selectors import CONTACT_FIELDS, CONTACT_PHONES, CUSTOMER_FIELDS, CUSTOMER_PHONES
from privacy.choices import AccessAction
from privacy.services import record_access


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "phone", "email", "fax", "preferred_channel", "is_active")


@admin.register(Customer)
class CustomerAdmin(FoldedSearch):
    list_display = ("name", "kind", "tax_number", "phone", "email", "portal_shares_requests", "is_active")
    list_filter = ("kind", "portal_shares_requests", "is_active")
    search_fields = CUSTOMER_FIELDS
    search_phone_fields = CUSTOMER_PHONES
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(FoldedSearch):
    list_display = ("name", "customer", "phone", "email", "preferred_channel", "is_active", "legal_hold")
    list_filter = ("preferred_channel", "is_active", "legal_hold")
    search_fields = CONTACT_FIELDS
    search_phone_fields = CONTACT_PHONES
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    actions = ["invite_to_portal"]
    change_form_template = "admin/customers/contact/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The contact's page is a look at a person's data: the access log notes it (the page's own contact)."""
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = getattr(response, "context_data", None) or {}
        if request.method == "GET" and response.status_code == 200 and shown.get("original") is not None:
            record_access(request, action=AccessAction.VIEW, obj=shown["original"])
        return response

    def response_change(self, request: HttpRequest, obj: Contact) -> HttpResponse:
        """ "Save and invite to the customer portal" on the contact's page: saved, then invited."""
        if "_invite_portal" in request.POST:
            self.invite_to_portal(request, Contact.objects.filter(pk=obj.pk))
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Invite to the customer portal"))
    def invite_to_portal(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        """Each chosen contact gets (or keeps) a portal account and an e-mail with a link to set a password."""
        from portal.services import PortalError, invite_contact

        invited = 0
        for contact in queryset.select_related("customer"):
            try:
                invite_contact(contact=contact, actor=request.user)
            except PortalError as refused:
                self.message_user(request, str(refused.message), messages.ERROR)
            except (OSError, smtplib.SMTPException) as failed:
                self.message_user(
                    request,
                    _("The invitation to %(name)s could not be sent: %(error)s")
                    % {"name": contact.name, "error": failed},
                    messages.ERROR,
                )
            else:
                invited += 1
        if invited:
            self.message_user(
                request,
                ngettext(
                    "%(n)d contact was invited to the customer portal.",
                    "%(n)d contacts were invited to the customer portal.",
                    invited,
                )
                % {"n": invited},
                messages.SUCCESS,
            )


@admin.register(Module)
class ModuleAdmin(FoldedSearch):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")
