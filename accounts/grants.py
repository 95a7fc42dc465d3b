"""Giving roles, with separation of duties: a sensitive role needs a second administrator.

The data-protection officer's role and the complaint register's roles (`roles.SEPARATED_ROLES`) reach what an
administrator must not reach on their own say-so. Given in the admin, such a role becomes a pending `RoleGrant`;
it takes effect only when another administrator approves it — never the one who asked, never the one who gets
it (the database refuses that too). Every request, approval and refusal is announced by `role_grant_recorded`
in its transaction: the privacy app writes it to the access log and tells the data-protection officers.

Ordinary roles, and taking any role away, take effect at once. `roles_give_without_approval` is the one path
past the rule, for management commands that set an installation up (the demo data); no page calls it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RoleGrantState
from accounts.models import RoleGrant, User
from accounts.roles import SEPARATED_ROLES, Role

DECIDE_PERMISSION = "accounts.decide_role_grant"

logger = logging.getLogger("pult.security")

# Sent inside the transaction of a request, an approval or a refusal, with `grant`, `action` (one of the
# RoleGrantState values; "pending" for the request), `actor` and `request` (an HttpRequest or None). A receiver
# that raises undoes the step.
role_grant_recorded = Signal()


class RoleGrantRefused(Exception):
    """A decision the rules refuse; the message says why, in the user's language."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def needs_second_person(role: str) -> bool:
    return role in {separated.value for separated in SEPARATED_ROLES}


@transaction.atomic
def role_grants_request(
    *, actor: Any, user: User, roles: Iterable[str], request: HttpRequest | None = None
) -> list[RoleGrant]:
    """Ask for sensitive `roles` for `user` (the admin's form asked to give them). The user gets none of them yet.

    A role the user already holds, or already waits for, is not asked again. Returns the grants now pending."""
    held = set(user.groups.values_list("name", flat=True))
    waiting = set(RoleGrant.objects.filter(user=user, state=RoleGrantState.PENDING).values_list("role", flat=True))
    created = []
    for role in sorted(set(roles) - held - waiting):
        if not needs_second_person(role):
            raise ValueError(f"{role} is given at once, not through a grant")
        grant = RoleGrant.objects.create(user=user, role=role, requested_by=actor)
        role_grant_recorded.send(
            sender=RoleGrant, grant=grant, action=RoleGrantState.PENDING, actor=actor, request=request
        )
        created.append(grant)
    return created


def refusal_for(actor: Any, grant: RoleGrant) -> Any:
    """Why `actor` may not decide on `grant`, or None when they may."""
    if not (actor.is_active and actor.has_perm(DECIDE_PERMISSION)):
        return _("Only an administrator can approve or refuse a role.")
    if actor.pk == grant.user_id:
        return _("Nobody approves or refuses a role given to themselves: another administrator decides.")
    if actor.pk == grant.requested_by_id:
        return _("The administrator who asked for a role does not decide on it: another administrator decides.")
    if grant.state != RoleGrantState.PENDING:
        return _("This role has been decided on already.")
    return None


def _decide(*, actor: Any, grant_id: int, approve: bool, request: HttpRequest | None) -> RoleGrant:
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant_id)
        refusal = refusal_for(actor, grant)
        if refusal is not None:
            raise RoleGrantRefused(refusal)
        grant.state = RoleGrantState.APPROVED if approve else RoleGrantState.REFUSED
        grant.decided_by, grant.decided_at = actor, timezone.now()
        grant.save(update_fields=["state", "decided_by", "decided_at"])
        if approve:
            grant.user.groups.add(Group.objects.get(name=grant.role))
        role_grant_recorded.send(sender=RoleGrant, grant=grant, action=grant.state, actor=actor, request=request)
    return grant


def role_grant_approve(*, actor: Any, grant_id: int, request: HttpRequest | None = None) -> RoleGrant:
    """A second administrator approves: the user holds the role from now on."""
    return _decide(actor=actor, grant_id=grant_id, approve=True, request=request)


def role_grant_refuse(*, actor: Any, grant_id: int, request: HttpRequest | None = None) -> RoleGrant:
    """A second administrator refuses: the user does not get the role."""
    return _decide(actor=actor, grant_id=grant_id, approve=False, request=request)


def roles_give_without_approval(*, user: User, roles: Iterable[Role], reason: str) -> None:
    """Give `roles` at once, sensitive ones included, with no second person and no log entry.

    Only for management commands that set an installation up (`manage.py load_demo`), run by whoever runs the
    server, who can do anything anyway. `reason` says which one, for the reader. Never call it from a page, the
    admin or the API: those ask through `role_grants_request`."""
    names = [Role(role).value for role in roles]
    user.groups.add(*Group.objects.filter(name__in=names))
    logger.info("Roles %s given to %s without approval (%s)", ", ".join(names), user.username, reason)
