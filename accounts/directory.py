"""Company sign-on, the part LDAP (accounts.ldap_backend) and OpenID Connect (accounts.oidc) share: which
Pult roles a person's directory groups give, the directory account behind a Pult account, and applying
both at every sign-in.

The role-group settings (``PULT_LDAP_ROLE_GROUPS``, ``PULT_OIDC_ROLE_GROUPS``: ``role=group; role=group``) make
the directory the owner of every role they name: at each sign-in such a role is given when one of its groups
holds the person and taken away when none does. Roles no group maps stay with the administrators (the admin,
and its second-administrator approval for the sensitive roles): the directory never touches them. A role a
mapping gives is the directory administrator's decision, so it is applied at once; each change is written to
the user's history in the admin (by the system user, naming the source and the groups) and to the security log;
a sensitive role (accounts.roles.SEPARATED_ROLES) also to the access log, and the data-protection officers are told.

A person whose groups give no role is refused: the directory names who may use Pult, not only what they may
do. A local account is taken over by a directory identity only when the source's *_LINK_LOCAL_ACCOUNTS setting
allows it; a directory account's local password is unusable, so leaving the directory (or its groups) ends
access to Pult at the next sign-in. Portal accounts are never linked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import DirectorySource
from accounts.models import DirectoryLink, User
from accounts.roles import STAFF_ROLES, Role
from accounts.services import SYSTEM_USERNAME, system_user

logger = logging.getLogger("pult.security")

NO_ROLE = gettext_lazy(
    "Your company account is not in any group that has a role in Pult. Ask your administrator to add you to one."
)
NOT_LINKED = gettext_lazy(
    "A Pult account with this name already exists and is not linked to the company directory. "
    "Ask an administrator to link it."
)
PORTAL_ACCOUNT = gettext_lazy("This is a customer portal account. Log in on the customer portal.")
_REFUSAL_ATTRIBUTE = "_pult_sign_on_refusal"

# Sent in the sign-in's transaction when the directory gave or took roles, with `user`, `change` (a RoleChange),
# `source` and `groups`: the privacy app puts the sensitive ones on the access log and tells the data-protection
# officers, as it does for roles given in the admin (accounts.grants).
directory_roles_changed = Signal()


@dataclass(frozen=True)
class RoleMapping:
    """Directory groups to Pult roles, from one role-group setting. Groups are compared after ``normalise``."""

    pairs: tuple[tuple[Role, str], ...]
    normalise: Callable[[str], str] = str.casefold

    @classmethod
    def from_setting(
        cls, pairs: Iterable[tuple[str, str]], *, setting: str, normalise: Callable[[str], str] = str.casefold
    ) -> RoleMapping:
        problems = role_mapping_problems(pairs)
        if problems:
            raise ImproperlyConfigured(f"{setting}: {problems[0]}")
        return cls(tuple((Role(role), normalise(group)) for role, group in pairs), normalise)

    @property
    def managed(self) -> frozenset[Role]:
        """The roles the directory owns: given and taken away at each sign-in."""
        return frozenset(role for role, _group in self.pairs)

    def roles_for(self, groups: Iterable[str]) -> frozenset[Role]:
        held = {self.normalise(group) for group in groups}
        return frozenset(role for role, group in self.pairs if group in held)


def role_mapping_problems(pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [
        f"{role!r} is not a role (one of {', '.join(Role.values)})" for role, _group in pairs if role not in Role.values
    ]


@checks.register(checks.Tags.security)
def check_role_groups(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A role-group setting that names an unknown role stops the start (a typo must not drop a role silently)."""
    errors: list[checks.CheckMessage] = []
    for number, setting in enumerate(("PULT_LDAP_ROLE_GROUPS", "PULT_OIDC_ROLE_GROUPS")):
        for problem in role_mapping_problems(getattr(settings, setting, [])):
            errors.append(checks.Error(f"{setting}: {problem}", id=f"pult.E01{number}"))
    return errors


@dataclass(frozen=True)
class RoleChange:
    added: frozenset[Role]
    removed: frozenset[Role]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


# --- refusals: a sign-in the directory allowed but Pult does not --------------------------------------------


def sign_on_refuse(request: HttpRequest | None, message: Any) -> None:
    """Keep the reason on the request, for the login page to show instead of "wrong password"."""
    if request is not None:
        setattr(request, _REFUSAL_ATTRIBUTE, str(message))


def sign_on_refusal(request: HttpRequest | None) -> str | None:
    return getattr(request, _REFUSAL_ATTRIBUTE, None) if request is not None else None


# --- the directory account behind a Pult account ----------------------------------------------------------


def linked_user(*, source: DirectorySource, subject: str) -> User | None:
    link = DirectoryLink.objects.select_related("user").filter(source=source, subject=subject).first()
    return link.user if link is not None else None


def linkable_local_user(candidates: Any, *, source: DirectorySource, allowed: bool, request: HttpRequest | None) -> Any:
    """The one local account among ``candidates`` a directory identity may take over, or None when there is
    none. Refuses (``LookupError``, the reason kept on the request) when one exists that may not be taken."""
    found = list(candidates.exclude(username=SYSTEM_USERNAME)[:2])
    if not found:
        return None
    user = found[0]
    if user.contact_id is not None:
        sign_on_refuse(request, PORTAL_ACCOUNT)
        raise LookupError("portal account")
    if not allowed or len(found) > 1 or DirectoryLink.objects.filter(user=user).exists():
        sign_on_refuse(request, NOT_LINKED)
        raise LookupError("local account not linked")
    return user


@transaction.atomic
def directory_user_link(
    *, user: User, source: DirectorySource, subject: str, first_name: str = "", last_name: str = "", email: str = ""
) -> User:
    """Create (``user`` unsaved) or take over (``user`` saved) the Pult account of a directory identity: its local
    password becomes unusable, its name and e-mail come from the directory."""
    taken_over = user.pk is not None
    user.first_name = first_name[:150] or user.first_name
    user.last_name = last_name[:150] or user.last_name
    user.email = email[:254] or user.email
    user.set_unusable_password()
    user.save()
    DirectoryLink.objects.create(user=user, source=source, subject=subject)
    logger.warning(
        "Directory sign-on (%s): %s account %s for %s",
        source,
        "took over the local" if taken_over else "created the",
        user.get_username(),
        subject,
    )
    return user


def directory_sign_in_refuse_roleless(
    *,
    request: HttpRequest | None,
    user: User | None,
    source: DirectorySource,
    groups: Iterable[str],
    mapping: RoleMapping,
) -> None:
    """A person whose groups give no role is refused; an account they had loses the roles the directory owns
    (so its API tokens stop carrying them too)."""
    sign_on_refuse(request, NO_ROLE)
    if user is not None:
        directory_sign_in_record(user=user, source=source, groups=groups, mapping=mapping)


@transaction.atomic
def directory_sign_in_record(
    *, user: User, source: DirectorySource, groups: Iterable[str], mapping: RoleMapping
) -> RoleChange:
    """At every directory sign-in: remember the groups named, and make the roles the mapping owns exactly those
    the groups give (each change in the user's admin history and the security log)."""
    group_list = sorted(set(groups))
    DirectoryLink.objects.filter(user=user).update(last_sign_in_at=timezone.now(), groups=group_list)
    change = directory_roles_apply(user=user, roles=mapping.roles_for(group_list), managed=mapping.managed)
    if change:
        _record_role_change(user=user, change=change, source=source, groups=group_list)
        directory_roles_changed.send(sender=DirectoryLink, user=user, change=change, source=source, groups=group_list)
    # The admin is open to the roles that work in it (accounts.roles.STAFF_ROLES), as load_demo sets it up.
    is_staff = user.groups.filter(name__in=[role.value for role in STAFF_ROLES]).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    return change


def directory_roles_apply(*, user: User, roles: frozenset[Role], managed: frozenset[Role]) -> RoleChange:
    """Give ``roles`` and take away the other ``managed`` roles; roles outside ``managed`` are left alone."""
    held = set(user.groups.filter(name__in=[role.value for role in managed]).values_list("name", flat=True))
    wanted = {role.value for role in roles}
    added, removed = wanted - held, held - wanted
    if added:
        user.groups.add(*Group.objects.filter(name__in=added))
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    # The rest of this request reads the new roles (accounts.roles and the permission backend cache them).
    for attribute in ("_pult_roles", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attribute, None)
    return RoleChange(added=frozenset(Role(name) for name in added), removed=frozenset(Role(name) for name in removed))


def _labels(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(str(role.label) for role in roles)) or "—"


def _record_role_change(*, user: User, change: RoleChange, source: DirectorySource, groups: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):  # the desk's language, whoever signs in
        message = _("Roles from the company directory (%(source)s): given %(added)s; taken away %(removed)s.") % {
            "source": DirectorySource(source).label,
            "added": _labels(change.added),
            "removed": _labels(change.removed),
        }
    LogEntry.objects.log_actions(
        user_id=system_user().pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
    logger.warning(
        "Directory sign-on (%s) changed the roles of %s: given %s; taken away %s (groups: %s)",
        source,
        user.get_username(),
        sorted(role.value for role in change.added) or "-",
        sorted(role.value for role in change.removed) or "-",
        "; ".join(groups) or "-",
    )
