"""The deletion log: what erasure and the retention rules removed, when, by whom. Written once, never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.append_only import AppendOnlyModel
from retention.choices import DeletionKind, Record


class DeletionLogEntry(AppendOnlyModel):
    """One kind of record changed by one erasure or one retention run. Never names the erased person."""

    APPEND_ONLY_MESSAGE = "The deletion log is append-only."

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # None: the periodic retention task.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeletionKind)
    what = models.CharField(_("kind of record"), max_length=30, choices=Record)
    count = models.PositiveIntegerField(_("records changed"))
    reference = models.TextField(_("reference"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)

    class Meta:
        verbose_name = _("deletion log entry")
        verbose_name_plural = _("deletion log")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.what} {self.count}"


class AnonymisedTicket(models.Model):
    """A closed ticket whose contact-identifying text the retention rule has removed (so it is done once)."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("anonymised"), default=timezone.now)

    class Meta:
        verbose_name = _("anonymised ticket")
        verbose_name_plural = _("anonymised tickets")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.at:%Y-%m-%d}"
