"""Webhooks in the Django admin: administrators register hooks, see the secret, read the delivery history,
send a delivery again and send a test event."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_search import FoldedSearch
from tickets.choices import Action
from webhooks import services
from webhooks.choices import DeliveryStatus
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, validate_target


class WebhookURLField(forms.URLField):
    """The hook's URL; its target is checked before the URL's form, so an internal address is refused with
    the reason also when spelt in a way the URL check alone would only call invalid (`http://2130706433/`)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        validate_target(value)


class WebhookForm(forms.ModelForm):
    url = WebhookURLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=_("Pult POSTs the events here as JSON."),
    )
    events = forms.MultipleChoiceField(
        label=capfirst(_("events")),
        choices=Action.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to receive every event."),
    )

    class Meta:
        model = Webhook
        fields = ("name", "url", "events", "is_active")

    class Media:
        css = {"all": ("webhooks/admin.css",)}

    def clean_events(self) -> list[str]:
        return list(self.cleaned_data.get("events") or [])


@admin.register(Webhook)
class WebhookAdmin(FoldedSearch):
    form = WebhookForm
    list_display = ("name", "url", "is_active", "event_list", "history_link", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "url")
    readonly_fields = ("secret", "history_link", "created_by", "created_at")
    fieldsets = (
        (None, {"fields": ("name", "url", "events", "is_active")}),
        (
            _("Signing"),
            {
                "fields": ("secret",),
                "description": _(
                    "Every delivery is signed with this secret: X-Pult-Signature is sha256= followed by the hex "
                    "HMAC-SHA256 of the X-Pult-Timestamp value, a dot and the request body. Give the secret to "
                    "the receiver; use “Rotate the signing secret” in the list if it may have leaked."
                ),
            },
        ),
        (_("History"), {"fields": ("history_link", "created_by", "created_at")}),
    )
    actions = ["send_ping", "rotate_secret"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("created_by").annotate(delivery_count=Count("deliveries"))

    @admin.display(description=_("events"))
    def event_list(self, obj: Webhook) -> str:
        if not obj.events:
            return str(_("all events"))
        labels = dict(Action.choices)
        return ", ".join(str(labels.get(event, event)) for event in obj.events)

    @admin.display(description=_("deliveries"))
    def history_link(self, obj: Webhook) -> str:
        if obj.pk is None:
            return "—"
        count = getattr(obj, "delivery_count", None)
        if count is None:
            count = obj.deliveries.count()
        url = reverse("admin:webhooks_webhookdelivery_changelist") + f"?webhook__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Delivery history (%(count)s)") % {"count": count})

    def save_model(self, request: HttpRequest, obj: Webhook, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # A hook's delivery history goes with it: deleting the hook needs no separate right to delete history.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed -= {WebhookDelivery._meta.verbose_name, WebhookAttempt._meta.verbose_name}
        return deleted, model_count, perms_needed, protected

    @admin.action(description=_("Send a test event (ping)"), permissions=["change"])
    def send_ping(self, request: HttpRequest, queryset: Any) -> None:
        hooks = list(queryset)
        for hook in hooks:
            services.webhook_ping(webhook=hook)
        self.message_user(
            request,
            ngettext(
                "A test event is queued for %(count)d webhook; its delivery shows in the history in a moment.",
                "A test event is queued for %(count)d webhooks; their deliveries show in the history in a moment.",
                len(hooks),
            )
            % {"count": len(hooks)},
        )

    @admin.action(description=_("Rotate the signing secret"), permissions=["change"])
    def rotate_secret(self, request: HttpRequest, queryset: Any) -> None:
        hooks = list(queryset)
        for hook in hooks:
            services.webhook_rotate_secret(webhook=hook)
        self.message_user(
            request,
            _("New secrets are made; give each receiver its new secret (shown on the webhook's page)."),
            messages.WARNING,
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "response_status", "error", "duration_ms")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("webhooks.view_webhookdelivery")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(FoldedSearch):
    """The delivery history: read only; a failed delivery can be sent again."""

    list_display = (
        "created_at",
        "webhook",
        "event",
        "ticket_number",
        "status",
        "attempts",
        "response_status",
        "short_error",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "webhook", "event")
    search_fields = ("ticket_number",)
    list_select_related = ("webhook",)
    date_hierarchy = None
    fields = (
        "uuid",
        "webhook",
        "event",
        "ticket_number",
        "status",
        "attempts",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "response_status",
        "response_body",
        "error",
        "payload_json",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["send_again"]

    @admin.display(description=_("error"))
    def short_error(self, obj: WebhookDelivery) -> str:
        return obj.error if len(obj.error) <= 120 else obj.error[:119] + "…"

    @admin.display(description=_("payload"))
    def payload_json(self, obj: WebhookDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2, sort_keys=True))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhook")

    @admin.action(description=_("Send again (failed deliveries)"), permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        failed = list(
            queryset.filter(status__in=(DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP)).select_related("webhook")
        )
        for delivery in failed:
            services.delivery_resend(delivery=delivery)
        skipped = queryset.count() - len(failed)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery is sent again as a new delivery.",
                "%(count)d deliveries are sent again as new deliveries.",
                len(failed),
            )
            % {"count": len(failed)},
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d delivery was skipped: only failed deliveries are sent again.",
                    "%(count)d deliveries were skipped: only failed deliveries are sent again.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
