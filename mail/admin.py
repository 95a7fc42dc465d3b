from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_search import FoldedSearch
from mail.credentials import PasswordSource, password_source
from mail.models import InboundMessage, Mailbox, MessageTemplate, OutboundMessage

PASSWORD_SOURCE_LABELS = {
    PasswordSource.ENVIRONMENT: _("Set (environment variable)"),
    PasswordSource.FILE: _("Set (read from the file named by NAME_FILE)"),
    PasswordSource.UNREADABLE_FILE: _("Not available: the file named by NAME_FILE cannot be read"),
    PasswordSource.MISSING: _("Not set"),
}


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "address",
        "channel",
        "imap_host",
        "imap_password_status",
        "last_fetch_at",
        "last_fetch_error",
        "is_active",
    )
    list_filter = ("channel", "is_active")
    readonly_fields = ("imap_password_status", "last_fetch_at", "last_fetch_count", "last_fetch_error")
    actions = ["fetch_now"]

    @admin.display(description=_("IMAP password"))
    def imap_password_status(self, obj: Mailbox) -> str:
        """Whether this process sees the password now; never its value (the worker should see the same)."""
        if not obj.imap_password_env:
            return "—"
        return str(PASSWORD_SOURCE_LABELS[password_source(obj.imap_password_env)])

    @admin.action(description=_("Fetch new mail now"))
    def fetch_now(self, request: HttpRequest, queryset: Any) -> None:
        from mail.tasks import fetch_mailbox_task

        for mailbox in queryset.exclude(imap_host=""):
            fetch_mailbox_task(mailbox.pk)
        self.message_user(request, _("Fetching is queued; the worker reads the mailboxes in a moment."))


@admin.register(InboundMessage)
class InboundMessageAdmin(FoldedSearch):
    """Every message that came in, as it came: read only, never edited or deleted here."""

    list_display = ("received_at", "sender_address", "subject", "status", "ticket", "reason")
    list_filter = ("status", "mailbox")
    search_fields = ("sender_address", "subject", "message_id")
    list_select_related = ("ticket",)
    exclude = ("raw",)
    readonly_fields = ("raw_download",)

    @admin.display(description=_("raw message"))
    def raw_download(self, obj: InboundMessage) -> str:
        return format_html('<a href="{}">{}</a>', reverse("mail:raw", args=[obj.pk]), _("Download (.eml)"))

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("raw", "html")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(FoldedSearch):
    """Every e-mail we sent or tried to send: read only."""

    list_display = ("created_at", "to", "subject", "kind", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject", "message_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "language", "subject", "updated_at")
    list_filter = ("key", "language")
    fieldsets = (
        (
            None,
            {
                "fields": ("key", "language", "subject", "body"),
                "description": _(
                    "Values you can use: {{ number }} (ticket number), {{ subject }}, {{ contact_name }}, "
                    "{{ company_name }}, and in the acknowledgement {{ handling }} (when a request that arrived "
                    "outside opening hours will be handled; empty otherwise)."
                ),
            },
        ),
    )
