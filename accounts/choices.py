"""Choices of accounts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectorySource(models.TextChoices):
    """Where a directory account signs in (accounts.directory)."""

    LDAP = "ldap", _("LDAP / Active Directory")
    OIDC = "oidc", _("OpenID Connect")


class RoleGrantState(models.TextChoices):
    """Where a sensitive role given in the admin stands (accounts.grants)."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
