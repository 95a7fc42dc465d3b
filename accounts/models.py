from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member of the company. Roles are groups (accounts.roles)."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # A customer's contact who logs in to the customer portal. Such an account holds no staff role and
    # no permission: the portal acts for it through portal.services, and every staff page refuses it.
    contact = models.OneToOneField(
        "customers.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_user",
        verbose_name=_("portal contact"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_portal_user(self) -> bool:
        return self.contact_id is not None

    @property
    def display_name(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()  # Hungarian order: family name first
        return full or self.username
