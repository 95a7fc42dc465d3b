"""The background worker's own records: which job holds which lease."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lease(models.Model):
    """One job of a kind at a time (one fetch per mailbox, one sweep): held by a process until it ends,
    its time runs out, or the process is found dead. Kept in the database, which every worker process and
    machine shares, so a crashed holder never blocks the job for good."""

    name = models.CharField(_("name"), max_length=200, primary_key=True)
    holder = models.CharField(_("holder"), max_length=200, help_text=_("host:process id:process start"))
    token = models.CharField(max_length=32)
    acquired_at = models.DateTimeField(_("acquired at"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")

    def __str__(self) -> str:
        return self.name
