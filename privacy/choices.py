"""What the access log records: how personal data was reached, and what it belonged to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    PDF = "pdf", _("Printed as PDF")
    EXPORT = "export", _("Exported")
    API_VIEW = "api_view", _("Read over the API")
    # Separation of duties (accounts.grants): a sensitive role asked for, approved or refused in the admin.
    ROLE_REQUESTED = "role_requested", _("Role asked for")
    ROLE_APPROVED = "role_approved", _("Role approved")
    ROLE_REFUSED = "role_refused", _("Role refused")
    # Company sign-on (accounts.directory): a sensitive role given or taken away by the directory's groups.
    ROLE_FROM_DIRECTORY = "directory_given", _("Role given by the company directory")
    ROLE_REMOVED_BY_DIRECTORY = "directory_removed", _("Role taken away by the company directory")


class AccessKind(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    LETTER = "letter", _("Letter")
    CONTACT = "contact", _("Contact")
    COMPLAINT = "complaint", _("Complaint")
    COMPLAINT_REGISTER = "complaint_register", _("Complaint register")
    ACCESS_LOG = "access_log", _("Access log")
    SUBJECT_REQUEST = "subject_request", _("Data-subject request")
    ROLE_GRANT = "role_grant", _("Sensitive role")


class RequestKind(models.TextChoices):
    """What the data subject asked for (GDPR Articles 15–21)."""

    ACCESS = "access", _("Access (copy of the data)")
    RECTIFICATION = "rectification", _("Rectification")
    ERASURE = "erasure", _("Erasure")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection")
    PORTABILITY = "portability", _("Data portability")


EXPORT_KINDS = (RequestKind.ACCESS, RequestKind.PORTABILITY)


class RequestChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    PORTAL = "portal", _("Customer portal")
    OTHER = "other", _("Other")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENDED = "extended", _("Deadline extended")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


OPEN_REQUEST_STATES = (RequestState.RECEIVED, RequestState.IN_PROGRESS, RequestState.EXTENDED)


class RequestAction(models.TextChoices):
    REGISTER = "register", _("Request registered")
    ASSIGN = "assign", _("Handler assigned")
    VERIFY_IDENTITY = "verify_identity", _("Identity verified")
    EXTEND = "extend", _("Deadline extended")
    RECTIFY = "rectify", _("Rectification recorded")
    RESTRICT = "restrict", _("Processing restricted")
    LIFT_RESTRICTION = "lift_restriction", _("Restriction lifted")
    OBJECTION = "objection", _("Decision on the objection")
    ERASE = "erase", _("Personal data erased")
    ERASURE_REFUSED = "erasure_refused", _("Erasure not possible")
    EXPORT_REQUESTED = "export_requested", _("Export requested")
    EXPORT_READY = "export_ready", _("Export ready")
    EXPORT_FAILED = "export_failed", _("Export failed")
    EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
    EXPORT_EXPIRED = "export_expired", _("Export expired and deleted")
    DEADLINE_WARNING = "deadline_warning", _("Deadline warning sent")
    DEADLINE_DAY = "deadline_day", _("Deadline-day reminder sent")
    COMPLETE = "complete", _("Request completed")
    REFUSE = "refuse", _("Request refused")


class ObjectionDecision(models.TextChoices):
    UPHELD = "upheld", _("Upheld: processing stops")
    REJECTED = "rejected", _("Rejected: compelling legitimate grounds")


class ExportState(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    READY = "ready", _("Ready to download")
    DOWNLOADED = "downloaded", _("Downloaded and deleted")
    EXPIRED = "expired", _("Expired and deleted")
    FAILED = "failed", _("Failed")
