"""What the access log records: how personal data was reached, and what it belonged to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    PDF = "pdf", _("Printed as PDF")
    EXPORT = "export", _("Exported")
    API_VIEW = "api_view", _("Read over the API")


class AccessKind(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    LETTER = "letter", _("Letter")
    CONTACT = "contact", _("Contact")
    COMPLAINT = "complaint", _("Complaint")
    COMPLAINT_REGISTER = "complaint_register", _("Complaint register")
    ACCESS_LOG = "access_log", _("Access log")
