"""The access log: who viewed or exported whose personal data. Written once, never edited or deleted."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.append_only import AppendOnlyModel
from privacy.choices import (
    OPEN_REQUEST_STATES,
    AccessAction,
    AccessKind,
    ExportState,
    RequestAction,
    RequestChannel,
    RequestKind,
    RequestState,
)


class AccessLogEntry(AppendOnlyModel):
    """One look at (or export of) a person's data by a member of staff or the API."""

    APPEND_ONLY_MESSAGE = "The access log is append-only."

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction)
    kind = models.CharField(_("what"), max_length=30, choices=AccessKind)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    # The log outlives what it names: a contact erased later leaves its entries (and their id) behind,
    # so no database constraint ties them, and the person's name is kept in `subject`.
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    subject = models.CharField(_("person concerned"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["contact", "-at"], name="privacy_access_contact"),
            models.Index(fields=["user", "-at"], name="privacy_access_user"),
            models.Index(fields=["kind", "object_id"], name="privacy_access_object"),
            models.Index(fields=["reference"], name="privacy_access_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.kind} {self.reference}"


# --- data-subject requests ---------------------------------------------------------------------------

User = settings.AUTH_USER_MODEL


class SubjectRequestNumberSequence(models.Model):
    """The last request number given out in a year; locked while a number is taken, so numbers have no gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("data-subject request number sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


def format_request_number(year: int, sequence: int) -> str:
    return f"A-{year}/{sequence:05d}"


class SubjectRequest(models.Model):
    """A data subject's request (access, rectification, erasure, restriction, objection), with its deadline.

    State changes only in privacy.requests; every step writes one SubjectRequestEvent.
    """

    year = models.PositiveIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    number = models.CharField(_("request number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind of request"), max_length=20, choices=RequestKind)
    # An erased contact stays (anonymised), but nothing here may keep a contact from being removed.
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("contact"),
    )  # fmt: skip
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    requester_email = models.EmailField(_("requester's e-mail"), blank=True)
    channel = models.CharField(_("arrived by"), max_length=20, choices=RequestChannel)
    received_at = models.DateTimeField(_("received"))
    details = models.TextField(_("what the person asks"), blank=True)
    identity_verified = models.BooleanField(_("identity verified"), default=False, editable=False)
    identity_method = models.CharField(_("identity verified by"), max_length=300, blank=True, editable=False)
    handler = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handler"),
        editable=False,
    )  # fmt: skip
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState, default=RequestState.RECEIVED, editable=False
    )
    due_at = models.DateTimeField(_("answer due"), editable=False)
    extended_at = models.DateTimeField(_("deadline extended"), null=True, blank=True, editable=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True, editable=False)
    answer = models.TextField(_("answer"), blank=True, editable=False)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True, editable=False)
    completed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    registered_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    # The deadline sweep: a warning a week before, a reminder on the day, each once.
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(_("warning sent"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("deadline-day reminder sent"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-received_at", "-id"]
        default_permissions = ()
        permissions = [("handle_subject_request", _("Can handle data-subject requests"))]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="subject_request_number_unique")]
        indexes = [
            models.Index(fields=["state", "due_at"], name="subject_request_state_due"),
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="subject_request_next_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.year and self.sequence and not self.number:
            self.number = format_request_number(self.year, self.sequence)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REQUEST_STATES

    @property
    def person_name(self) -> str:
        if self.contact is not None:
            return self.contact.name
        return self.requester_name or self.requester_email

    def is_overdue(self, now: Any = None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())


class SubjectRequestEvent(AppendOnlyModel):
    """One step on a request's timeline: who, when, what, with a note. Written once, never changed."""

    APPEND_ONLY_MESSAGE = "The request timeline is append-only."

    request = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30, choices=RequestAction)
    from_state = models.CharField(_("from state"), max_length=20, choices=RequestState, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=RequestState, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("data-subject request event")
        verbose_name_plural = _("data-subject request events")
        ordering = ["at", "id"]
        default_permissions = ()
        indexes = [models.Index(fields=["request", "at", "id"], name="subject_request_event_order")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Restriction(models.Model):
    """Restriction of processing of a contact's data (GDPR Art. 18), from when, why, and when lifted."""

    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    request = models.ForeignKey(
        SubjectRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="restrictions",
        verbose_name=_("data-subject request"),
    )  # fmt: skip
    since = models.DateTimeField(_("restricted since"), default=timezone.now)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by"))
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lifted by")
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        ordering = ["-since", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["contact", "lifted_at"], name="privacy_restriction_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.since:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


def export_path(instance: SubjectExport, filename: str) -> str:
    # Never a name anyone can guess; the storage (MEDIA_ROOT) is not served by the web server.
    return f"privacy/exports/{secrets.token_urlsafe(24)}.zip"


class SubjectExport(models.Model):
    """The ZIP of everything Pult holds about a person, for one download by the request's handler."""

    request = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="exports")
    state = models.CharField(_("state"), max_length=20, choices=ExportState, default=ExportState.PREPARING)
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    downloaded_at = models.DateTimeField(_("downloaded"), null=True, blank=True)
    downloaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("downloaded by")
    )
    deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("data-subject export")
        verbose_name_plural = _("data-subject exports")
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["state", "expires_at"], name="privacy_export_expiry")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.created_at:%Y-%m-%d %H:%M} {self.state}"
