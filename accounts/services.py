"""Writes of accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission

from accounts.models import User

SYSTEM_USERNAME = "pult-rendszer"
SYSTEM_PERMISSIONS = (
    "tickets.register_ticket",
    "tickets.register_feedback",
    "tickets.attach_file",
    "complaints.register_complaint",
)


def system_user() -> User:
    """The actor of automatic intake (mail, fax gateway): it cannot log in and holds only what intake needs.
    Read with the permission revision, like a session's user, so its permissions come from the cache."""
    from accounts.backends import users_with_revision

    user = users_with_revision().filter(username=SYSTEM_USERNAME).first()
    if user is not None:
        return user
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "rendszer", "last_name": "Pult", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.user_permissions.set(system_permissions())
    return user


def sync_system_user() -> None:
    """An existing system user gets exactly SYSTEM_PERMISSIONS (after every migrate, as the roles do)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is not None:
        user.user_permissions.set(system_permissions())


def timeline_order_set(*, user: Any, newest_first: bool) -> None:
    """The person's choice of the ticket timeline's order, kept for every ticket page they open."""
    User.objects.filter(pk=user.pk).update(timeline_newest_first=newest_first)


def is_system_actor(actor: Any) -> bool:
    """Whether `actor` is the system user of automatic intake (no query: by its reserved username)."""
    return getattr(actor, "username", None) == SYSTEM_USERNAME


def system_permissions() -> list[Permission]:
    wanted = [name.split(".", 1) for name in SYSTEM_PERMISSIONS]
    return [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in wanted]
