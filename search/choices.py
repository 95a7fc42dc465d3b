from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    DOCUMENT = "document", _("Library document")
