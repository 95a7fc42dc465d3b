"""Logging in and permissions: Django's model backend, with a user's permissions and roles read at once and
kept in the cache until they change.

Django's `ModelBackend` reads a user's own permissions and their groups' permissions in two statements the
first time a request asks, and `accounts.roles.roles_of` reads the groups' names in a third: three
statements on every page and API call. `PermissionsAtOnceBackend` reads all three in one UNION ALL and fills
the same per-request caches, so every answer is what `ModelBackend` gives.

It also keeps what it read in Django's cache for PULT_PERMISSION_CACHE_SECONDS (per process, or Redis shared
by every process), under the user and the number of `PermissionRevision`, which every change to group
memberships, a group's or a user's permissions, or a group's name changes in its own transaction
(`accounts.signals`). The user of a session, of an API token or of automatic intake is read with that number
in the same statement (`users_with_revision`, `permission_revision`), so a request whose user holds nothing
new reads no permissions at all, and a permission taken away counts from the next request, in every process.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models import CharField, F, Subquery, Value

from accounts.models import PermissionRevision, User

USER, GROUP, ROLE = "user", "group", "role"
REVISION_ATTRIBUTE = "_pult_permission_revision"


def permission_revision() -> Subquery:
    """The current revision, for an annotation on the query that reads the user."""
    return Subquery(PermissionRevision.objects.filter(pk=1).values("revision")[:1])


def users_with_revision() -> Any:
    """Users, each read with the current permission revision (what lets `_load` use the cache)."""
    return User._default_manager.annotate(**{REVISION_ATTRIBUTE: permission_revision()})


def _cache_key(user_obj: Any, revision: int) -> str:
    return f"pult:permissions:{user_obj.pk}:{revision}"


def _permission_rows(source: str, **where: Any) -> Any:
    return (
        Permission.objects.filter(**where)
        .order_by()
        .values_list(Value(source, output_field=CharField()), F("content_type__app_label"), F("codename"))
    )


class PermissionsAtOnceBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The session's user, with the permission revision read in the same statement."""
        user = users_with_revision().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def _load(self, user_obj: Any) -> None:
        """From the cache under the user's revision, else one statement: the user's own permissions, their
        groups' permissions and their groups' names."""
        seconds = settings.PULT_PERMISSION_CACHE_SECONDS
        revision = getattr(user_obj, REVISION_ATTRIBUTE, None) if seconds else None
        found: dict[str, set[str]] | None = None
        if revision is not None:
            found = cache.get(_cache_key(user_obj, revision))
        if found is None:
            found = self._read(user_obj)
            if revision is not None:
                cache.set(_cache_key(user_obj, revision), found, seconds)
        user_obj._user_perm_cache = set(found[USER])
        user_obj._group_perm_cache = set(found[GROUP])
        user_obj._pult_roles = frozenset(found[ROLE])

    @staticmethod
    def _read(user_obj: Any) -> dict[str, set[str]]:
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
        return found

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
