from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.choices import SheetKind
from tickets.choices import Channel


class IntakeSheet(models.Model):
    """The felvételi lap: what the agent wrote down during a call or visit, kept as it was and printable."""

    kind = models.CharField(_("kind"), max_length=10, choices=SheetKind, default=SheetKind.REQUEST)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    received_at = models.DateTimeField(_("received"))
    caller_name = models.CharField(_("caller's name"), max_length=200)
    caller_phone = models.CharField(_("caller's phone"), max_length=40, blank=True)
    caller_email = models.EmailField(_("caller's e-mail"), blank=True)
    caller_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("contact")
    )
    module = models.ForeignKey(
        "customers.Module",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("module"),
    )
    subject = models.CharField(_("subject"), max_length=250)
    content = models.TextField(_("what the caller said"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )
    taken_at = models.DateTimeField(_("filled in"), default=timezone.now)
    # The ticket registered from this sheet, or (for feedback) the original ticket it was recorded on.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        related_name="intake_sheets",
        null=True,
        verbose_name=_("ticket"),
    )
    feedback = models.OneToOneField(
        "tickets.Feedback", on_delete=models.PROTECT, related_name="intake_sheet", null=True, blank=True
    )

    class Meta:
        verbose_name = _("intake sheet")
        verbose_name_plural = _("intake sheets")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.taken_at:%Y-%m-%d %H:%M} {self.caller_name}"
