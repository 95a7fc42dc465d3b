"""Logging in and permissions: Django's model backend, with a user's permissions and roles read at once.

Django's `ModelBackend` reads a user's own permissions and their groups' permissions in two statements the
first time a request asks, and `accounts.roles.roles_of` reads the groups' names in a third: three
statements on every page and API call. `PermissionsAtOnceBackend` reads all three in one UNION ALL and fills
the same per-request caches, so every answer is what `ModelBackend` gives, from the database, per request
(nothing is kept between requests: a permission taken away takes effect on the next request).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, F, Value

USER, GROUP, ROLE = "user", "group", "role"


def _permission_rows(source: str, **where: Any) -> Any:
    return (
        Permission.objects.filter(**where)
        .order_by()
        .values_list(Value(source, output_field=CharField()), F("content_type__app_label"), F("codename"))
    )


class PermissionsAtOnceBackend(ModelBackend):
    def _load(self, user_obj: Any) -> None:
        """One statement: the user's own permissions, their groups' permissions and their groups' names."""
        roles = (
            Group.objects.filter(user=user_obj)
            .order_by()
            .values_list(Value(ROLE, output_field=CharField()), Value("", output_field=CharField()), F("name"))
        )
        rows = _permission_rows(USER, user=user_obj).union(
            _permission_rows(GROUP, group__user=user_obj), roles, all=True
        )
        found: dict[str, set[str]] = {USER: set(), GROUP: set(), ROLE: set()}
        for source, app_label, name in rows:
            found[source].add(name if source == ROLE else f"{app_label}.{name}")
        user_obj._user_perm_cache = found[USER]
        user_obj._group_perm_cache = found[GROUP]
        user_obj._pult_roles = frozenset(found[ROLE])

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if (
            user_obj.is_active
            and not user_obj.is_anonymous
            and obj is None
            and not user_obj.is_superuser
            and not hasattr(user_obj, f"_{from_name}_perm_cache")
        ):
            self._load(user_obj)
        return super()._get_permissions(user_obj, obj, from_name)  # type: ignore[misc]
