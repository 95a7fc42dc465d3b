"""The access log: who viewed or exported whose personal data. Written once, never edited or deleted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.choices import AccessAction, AccessKind

APPEND_ONLY = "The access log is append-only."


class AppendOnlyQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)


class AccessLogEntry(models.Model):
    """One look at (or export of) a person's data by a member of staff or the API."""

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

    objects = AppendOnlyQuerySet.as_manager()

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)
