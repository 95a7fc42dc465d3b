from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PRIVATE_PERSON = "private_person", _("Private person")


class NotificationChannel(models.TextChoices):
    """How a user is told the result (seed step j)."""

    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
