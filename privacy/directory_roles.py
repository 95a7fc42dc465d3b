"""Separation of duties with company sign-on: a sensitive role (accounts.roles.SEPARATED_ROLES) that the company
directory's groups give or take away at a sign-in (accounts.directory) is the directory administrator's decision,
so it takes effect at once; it is written to the access log in the sign-in's transaction, by the system user, and
the data-protection officers are told by e-mail after the commit, as for roles given in the admin."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.choices import DirectorySource
from accounts.directory import RoleChange, directory_roles_changed
from accounts.models import User
from accounts.roles import SEPARATED_ROLES, Role
from accounts.selectors import staff_holding
from accounts.services import system_user
from privacy.choices import AccessAction, AccessKind
from privacy.models import AccessLogEntry
from privacy.role_grants import DPO_PERMISSION
from privacy.tasks import send_deadline_alert_task


def _limited(name: str, value: str) -> str:
    field = AccessLogEntry._meta.get_field(name)
    return value[: int(getattr(field, "max_length", 0) or 0)]


def _notice(user: User, given: list[Role], taken: list[Role], source: str) -> tuple[str, str]:
    """(subject, text) in the desk's language. The subject names no person."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "user": user.display_name,
            "source": DirectorySource(source).label,
            "given": ", ".join(str(role.label) for role in given) or "—",
            "taken": ", ".join(str(role.label) for role in taken) or "—",
        }
        subject = _("Roles changed by the company directory")
        body = (
            _(
                "At their sign-in through %(source)s, the company directory's groups changed the roles of %(user)s.\n"
                "Given: %(given)s\nTaken away: %(taken)s\n\nThe groups are kept in the company directory; "
                "ask its administrator if this is not right.\n"
            )
            % values
        )
    return subject, body


@receiver(directory_roles_changed, dispatch_uid="pult_privacy_directory_roles")
def _directory_roles_changed(sender: Any, *, user: User, change: RoleChange, source: str, **kwargs: Any) -> None:
    given = sorted((role for role in change.added if role in SEPARATED_ROLES), key=lambda role: role.value)
    taken = sorted((role for role in change.removed if role in SEPARATED_ROLES), key=lambda role: role.value)
    if not (given or taken):
        return
    actor = system_user()
    for roles, action in ((given, AccessAction.ROLE_FROM_DIRECTORY), (taken, AccessAction.ROLE_REMOVED_BY_DIRECTORY)):
        for role in roles:
            with translation.override(settings.LANGUAGE_CODE):
                label = str(role.label)
            AccessLogEntry(
                user_id=actor.pk,
                action=action,
                kind=AccessKind.ROLE_GRANT,
                object_id=None,  # the person is named in `subject` (a role grant's id goes here otherwise)
                reference=_limited("reference", label),
                subject=_limited("subject", user.display_name),
            ).save(force_insert=True)
    subject, body = _notice(user, given, taken, source)
    addresses = sorted({person.email for person in staff_holding(DPO_PERMISSION) if person.email})
    for address in addresses:
        transaction.on_commit(functools.partial(send_deadline_alert_task, address, subject, body))
