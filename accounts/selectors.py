"""Reads of accounts: the people a staff picker offers."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS
from accounts.services import SYSTEM_USERNAME
from common.collation import hungarian


def _people(users: QuerySet[User]) -> QuerySet[User]:
    """Never the system account of automatic intake, nor a customer's portal account; Hungarian name order."""
    return (
        users.exclude(username=SYSTEM_USERNAME)
        .filter(contact__isnull=True)
        .order_by(hungarian("last_name"), hungarian("first_name"), "username")
    )


def staff() -> QuerySet[User]:
    """Active employees: everyone who holds a role."""
    return _people(User.objects.filter(is_active=True, groups__isnull=False).distinct())


def staff_holding(permission: str) -> QuerySet[User]:
    """Active employees whose role gives them `permission` (e.g. the people a ticket can be assigned to).

    Read from the roles as the code defines them (`accounts.roles`), so a picker reads no permission table."""
    roles = [role.value for role, permissions in ROLE_PERMISSIONS.items() if permission in permissions]
    return _people(User.objects.filter(is_active=True, groups__name__in=roles).distinct())
