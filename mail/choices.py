from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    NEW_TICKET = "new_ticket", _("Registered as a new ticket")
    REPLY = "reply", _("Added to its ticket")
    FEEDBACK = "feedback", _("Feedback on a closed ticket, to review")
    SET_ASIDE = "set_aside", _("Set aside")
