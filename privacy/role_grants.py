"""Separation of duties, seen by the data-protection officer: every sensitive role asked for, approved or refused
in the admin (accounts.grants) is written to the access log in the same transaction, and the data-protection
officers are told by e-mail after the commit (with the administrators who may approve, or the one who asked)."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.choices import RoleGrantState
from accounts.grants import DECIDE_PERMISSION, role_grant_recorded
from accounts.models import RoleGrant, User
from accounts.roles import Role
from accounts.selectors import staff_holding
from common.clients import client_ip
from privacy.choices import AccessAction, AccessKind
from privacy.models import AccessLogEntry
from privacy.tasks import send_deadline_alert_task

DPO_PERMISSION = "privacy.handle_subject_request"

_ACTIONS = {
    RoleGrantState.PENDING: AccessAction.ROLE_REQUESTED,
    RoleGrantState.APPROVED: AccessAction.ROLE_APPROVED,
    RoleGrantState.REFUSED: AccessAction.ROLE_REFUSED,
}


def _limited(name: str, value: str) -> str:
    field = AccessLogEntry._meta.get_field(name)
    return value[: int(getattr(field, "max_length", 0) or 0)]


def role_grant_log(*, grant: RoleGrant, action: str, actor: User, request: HttpRequest | None) -> AccessLogEntry:
    """One access-log entry: who asked for (approved, refused) which role for whom. Raises if it cannot be
    written, so the step is undone with it: a sensitive role never changes hands unlogged."""
    with translation.override(settings.LANGUAGE_CODE):
        role = str(Role(grant.role).label)
    entry = AccessLogEntry(
        user_id=actor.pk,
        action=_ACTIONS[RoleGrantState(action)],
        kind=AccessKind.ROLE_GRANT,
        object_id=grant.pk,
        reference=_limited("reference", role),
        subject=_limited("subject", grant.user.display_name),
        ip_address=client_ip(request) if request is not None else None,
        path=_limited("path", request.get_full_path()) if request is not None else "",
    )
    entry.save(force_insert=True)
    return entry


def _recipients(grant: RoleGrant, action: str) -> list[str]:
    people = list(staff_holding(DPO_PERMISSION))
    if action == RoleGrantState.PENDING:  # those who may approve it
        people += [p for p in staff_holding(DECIDE_PERMISSION) if p.pk not in (grant.user_id, grant.requested_by_id)]
    else:
        people.append(grant.requested_by)
    addresses: list[str] = []
    for person in people:
        if person.is_active and person.email and person.email not in addresses:
            addresses.append(person.email)
    return addresses


def _notice(grant: RoleGrant, action: str, actor: User) -> tuple[str, str]:
    """(subject, text) in the desk's language. The subject names no person."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "role": Role(grant.role).label,
            "user": grant.user.display_name,
            "actor": actor.display_name,
            "requester": grant.requested_by.display_name,
            "url": settings.PULT_BASE_URL + reverse("admin:accounts_rolegrant_changelist"),
        }
        if action == RoleGrantState.PENDING:
            subject = _("Role waiting for approval: %(role)s") % values
            body = (
                _(
                    "%(actor)s asked to give %(user)s the role %(role)s. It takes effect only when another "
                    "administrator approves it (neither %(actor)s nor %(user)s):\n\n%(url)s\n"
                )
                % values
            )
        elif action == RoleGrantState.APPROVED:
            subject = _("Role approved: %(role)s") % values
            body = (
                _("%(actor)s approved the role %(role)s for %(user)s, asked by %(requester)s. It is in effect now.\n")
                % values
            )
        else:
            subject = _("Role refused: %(role)s") % values
            body = _("%(actor)s refused the role %(role)s for %(user)s, asked by %(requester)s.\n") % values
    return subject, body


@receiver(role_grant_recorded, dispatch_uid="pult_privacy_role_grant")
def _role_grant_recorded(
    sender: Any, *, grant: RoleGrant, action: str, actor: User, request: HttpRequest | None, **kwargs: Any
) -> None:
    role_grant_log(grant=grant, action=action, actor=actor, request=request)
    subject, body = _notice(grant, action, actor)
    for address in _recipients(grant, action):
        transaction.on_commit(functools.partial(send_deadline_alert_task, address, subject, body))
