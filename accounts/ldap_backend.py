"""Signing in with the company's LDAP directory or Active Directory (django-auth-ldap), on the staff login form.

On when ``PULT_LDAP_SERVER_URI`` is set (config/settings.py adds the backend after the local-password one, so
the break-glass administrator's local password is tried first). The person's DN is found with the service
account (``PULT_LDAP_BIND_DN``) under ``PULT_LDAP_USER_SEARCH_BASE`` with ``PULT_LDAP_USER_FILTER``, their
password is checked by binding as them, their groups are searched under ``PULT_LDAP_GROUP_SEARCH_BASE``, and
accounts.directory turns the groups into roles. Attempts go through the login form, so its throttling counts
wrong directory passwords like wrong local ones; its two-factor rules apply too (an LDAP bind checks only a
password).
"""

from __future__ import annotations

from typing import Any

import ldap
import ldap.dn
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_auth_ldap import config as ldap_config
from django_auth_ldap.backend import LDAPBackend, LDAPSettings, ldap_error

from accounts.backends import PermissionsAtOnceBackend
from accounts.choices import DirectorySource
from accounts.directory import (
    RoleMapping,
    directory_sign_in_record,
    directory_sign_in_refuse_roleless,
    directory_user_link,
    linkable_local_user,
    linked_user,
    sign_on_refuse,
)
from accounts.models import User

DIRECTORY_UNREACHABLE = _("The company directory cannot be reached. Try again in a few minutes.")

# PULT_LDAP_GROUP_TYPE: how the directory records membership, and which entries are groups.
GROUP_TYPES: dict[str, tuple[type[ldap_config.LDAPGroupType], str]] = {
    "groupOfNames": (ldap_config.GroupOfNamesType, "(objectClass=groupOfNames)"),
    "nestedGroupOfNames": (ldap_config.NestedGroupOfNamesType, "(objectClass=groupOfNames)"),
    "groupOfUniqueNames": (ldap_config.GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
    "posixGroup": (ldap_config.PosixGroupType, "(objectClass=posixGroup)"),
    "activeDirectory": (ldap_config.ActiveDirectoryGroupType, "(objectClass=group)"),
    "nestedActiveDirectory": (ldap_config.NestedActiveDirectoryGroupType, "(objectClass=group)"),
}


def normalise_dn(dn: str) -> str:
    """One spelling of a DN for comparing (spaces after commas and case do not matter)."""
    try:
        return str(ldap.dn.dn2str(ldap.dn.str2dn(dn))).casefold()
    except ldap.DECODING_ERROR:
        return dn.casefold()


def role_mapping() -> RoleMapping:
    return RoleMapping.from_setting(
        settings.PULT_LDAP_ROLE_GROUPS, setting="PULT_LDAP_ROLE_GROUPS", normalise=normalise_dn
    )


def django_auth_ldap_settings() -> dict[str, Any]:
    """django-auth-ldap's settings, made from Pult's PULT_LDAP_* settings."""
    try:
        group_type, group_filter = GROUP_TYPES[settings.PULT_LDAP_GROUP_TYPE]
    except KeyError:
        raise ImproperlyConfigured(
            f"PULT_LDAP_GROUP_TYPE={settings.PULT_LDAP_GROUP_TYPE!r} is not one of {', '.join(GROUP_TYPES)}"
        ) from None
    timeout = settings.PULT_LDAP_TIMEOUT_SECONDS
    options: dict[int, Any] = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout}
    if settings.PULT_LDAP_CA_FILE:
        options[ldap.OPT_X_TLS_CACERTFILE] = settings.PULT_LDAP_CA_FILE
    if settings.PULT_LDAP_START_TLS or settings.PULT_LDAP_SERVER_URI.startswith("ldaps:"):
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: makes a TLS context from the options above
    return {
        "SERVER_URI": settings.PULT_LDAP_SERVER_URI,
        "BIND_DN": settings.PULT_LDAP_BIND_DN,
        "BIND_PASSWORD": settings.PULT_LDAP_BIND_PASSWORD,
        "START_TLS": settings.PULT_LDAP_START_TLS,
        "CONNECTION_OPTIONS": options,
        "USER_SEARCH": ldap_config.LDAPSearch(
            settings.PULT_LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, settings.PULT_LDAP_USER_FILTER
        ),
        "GROUP_SEARCH": ldap_config.LDAPSearch(settings.PULT_LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE, group_filter),
        "GROUP_TYPE": group_type(),
        "USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "ALWAYS_UPDATE_USER": True,
        "FIND_GROUP_PERMS": False,
        "CACHE_TIMEOUT": 0,
    }


class DirectoryLdapBackend(LDAPBackend):
    """django-auth-ldap's backend with Pult's settings, accounts and roles (accounts.directory)."""

    _settings: LDAPSettings | None = None

    @property
    def settings(self) -> LDAPSettings:
        if self._settings is None:
            self._settings = LDAPSettings(self.settings_prefix, django_auth_ldap_settings())
        return self._settings

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        # Staff sign in with the directory on the staff login page only (never through the portal's login).
        if not settings.PULT_LDAP_SERVER_URI or request is None or request.path != reverse("login"):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        """The Pult account of a person whose directory password was right: theirs, a local one taken over
        (when allowed), or a new one. Refused when their groups give no role."""
        request = ldap_user._request
        subject = username.strip().lower()
        mapping = role_mapping()
        user = linked_user(source=DirectorySource.LDAP, subject=subject)
        if not mapping.roles_for(ldap_user.group_dns):
            directory_sign_in_refuse_roleless(
                request=request, user=user, source=DirectorySource.LDAP, groups=ldap_user.group_dns, mapping=mapping
            )
            raise ldap_user.AuthenticationFailed("no group of the user has a role in Pult")
        if user is not None:
            return user, False
        try:
            local = linkable_local_user(
                User.objects.filter(username__iexact=subject),
                source=DirectorySource.LDAP,
                allowed=settings.PULT_LDAP_LINK_LOCAL_ACCOUNTS,
                request=request,
            )
        except LookupError as refusal:
            raise ldap_user.AuthenticationFailed(str(refusal)) from refusal
        attributes = ldap_user.attrs or {}
        user = directory_user_link(
            user=local or User(username=subject),
            source=DirectorySource.LDAP,
            subject=subject,
            first_name=_first(attributes, "givenName"),
            last_name=_first(attributes, "sn"),
            email=_first(attributes, "mail"),
        )
        return user, False

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is not None:
            directory_sign_in_record(
                user=user, source=DirectorySource.LDAP, groups=ldap_user.group_dns, mapping=role_mapping()
            )
        return user

    # The session's user and the permissions come from Pult's permission backend (one statement, cached):
    # a directory account's permissions are its roles', like everyone's.
    def get_user(self, user_id: Any) -> Any:
        return PermissionsAtOnceBackend().get_user(user_id)

    def get_all_permissions(self, user: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user: Any, obj: Any = None) -> set[str]:
        return set()


def _first(attributes: dict[str, list[str]], name: str) -> str:
    values = attributes.get(name) or attributes.get(name.lower()) or [""]
    return str(values[0])


@receiver(ldap_error, dispatch_uid="pult_ldap_unreachable")
def _directory_unreachable(
    sender: Any, context: str, request: HttpRequest | None = None, exception: Any = None, **kwargs: Any
) -> None:
    """An unreachable directory is said as such on the login page (the attempt still counts as a failed one:
    local passwords are tried meanwhile)."""
    if isinstance(exception, ldap.SERVER_DOWN | ldap.TIMEOUT | ldap.CONNECT_ERROR):
        sign_on_refuse(request, DIRECTORY_UNREACHABLE)
