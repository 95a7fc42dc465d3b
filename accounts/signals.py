"""Every change to who holds which permission or role moves `PermissionRevision` on, in the change's own
transaction, so the cached permissions (accounts.backends) are read again from the next request.

What changes them: a user's groups or own permissions, a group's permissions (from either side of the
relation: `user.groups.add`, `group.user_set.remove`, `group.permissions.set`, …), a group's name (a role is a
group's name), and deleting a group or a permission (their memberships go with them, without m2m signals).
Migrations move it on too (`sync_roles` and new permissions).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from accounts.models import PermissionRevision, User

_CHANGING = {"post_add", "post_remove", "post_clear"}


def bump_permission_revision() -> None:
    if not PermissionRevision.objects.filter(pk=1).update(revision=F("revision") + 1):
        PermissionRevision.objects.get_or_create(pk=1, defaults={"revision": 1})


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="pult_permissions_user_groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="pult_permissions_user_permissions")
@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="pult_permissions_group_permissions")
def _memberships_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in _CHANGING:
        bump_permission_revision()


@receiver(post_save, sender=Group, dispatch_uid="pult_permissions_group_saved")
@receiver(post_delete, sender=Group, dispatch_uid="pult_permissions_group_deleted")
@receiver(post_delete, sender=Permission, dispatch_uid="pult_permissions_permission_deleted")
def _group_or_permission_changed(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        bump_permission_revision()


@receiver(post_migrate, dispatch_uid="pult_permissions_after_migrate")
def _after_migrate(sender: Any, **kwargs: Any) -> None:
    if sender.label == "accounts":
        bump_permission_revision()
