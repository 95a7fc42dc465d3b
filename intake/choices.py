from django.db import models
from django.utils.translation import gettext_lazy as _


class SheetKind(models.TextChoices):
    REQUEST = "request", _("Request")
    FEEDBACK = "feedback", _("Feedback")
