from django.db import models
from django.utils.translation import gettext_lazy as _

# The event name of the test delivery an administrator sends from the admin ("send a test event").
PING_EVENT = "ping"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed, will be retried")
    GAVE_UP = "gave_up", _("Given up")


# The statuses in which a delivery still has an attempt to come.
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
