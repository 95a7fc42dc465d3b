from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    NEW_TICKET = "new_ticket", _("Registered as a new ticket")
    REPLY = "reply", _("Added to its ticket")
    FEEDBACK = "feedback", _("Feedback on a closed ticket, to review")
    SET_ASIDE = "set_aside", _("Set aside")
    COMPLAINT = "complaint", _("Moved to the complaint register")


class MailboxPurpose(models.TextChoices):
    REQUESTS = "requests", _("Requests (tickets)")
    COMPLAINTS = "complaints", _("Complaints")


class OutboundKind(models.TextChoices):
    MESSAGE = "message", _("Message to the user")
    NOTIFICATION = "notification", _("Notification of the result")
    ACKNOWLEDGEMENT = "acknowledgement", _("Automatic acknowledgement")
    STAFF_ALERT = "staff_alert", _("Deadline warning to staff")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GIVEN_UP = "given_up", _("Could not be sent")
    BOUNCED = "bounced", _("Returned as undeliverable")


class ImapSecurity(models.TextChoices):
    TLS = "tls", _("TLS (IMAPS)")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (only to this machine)")


class TemplateKey(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of a new e-mail request")
    NOTIFICATION = "notification", _("Notification of the result (the text the agent starts from)")
