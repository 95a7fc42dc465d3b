from django.db import models
from django.utils.translation import gettext_lazy as _


class DeletionKind(models.TextChoices):
    ERASURE = "erasure", _("Erasure of a person")
    RETENTION = "retention", _("Retention period over")


class Record(models.TextChoices):
    """The kinds of record erasure and the retention rules change."""

    CONTACT = "contact", _("Contact")
    PORTAL_ACCOUNT = "portal_account", _("Portal account")
    CUSTOMER = "customer", _("Customer (private person)")
    TICKET = "ticket", _("Ticket text")
    TICKET_EVENT = "ticket_event", _("Ticket event")
    TICKET_RECORD = "ticket_record", _("Work log, test log, consultation, feedback, rating, letter")
    NOTIFICATION = "notification", _("Notification")
    INTAKE_SHEET = "intake_sheet", _("Intake sheet")
    INBOUND_EMAIL = "inbound_email", _("Received e-mail")
    RAW_EMAIL = "raw_email", _("Raw e-mail")
    OUTBOUND_EMAIL = "outbound_email", _("Sent e-mail")
    ATTACHMENT = "attachment", _("Attachment file")
    COMPLAINT = "complaint", _("Complaint")
    ACCESS_LOG = "access_log", _("Access log entry")
    WEBHOOK_DELIVERY = "webhook_delivery", _("Webhook delivery")
    ADMIN_LOG = "admin_log", _("Admin log entry")
    CLOSED_TICKET = "closed_ticket", _("Closed ticket")
