"""Signing in with OpenID Connect (Microsoft Entra ID, Keycloak, Google …) through mozilla-django-oidc.

On when ``PULT_OIDC_CLIENT_ID`` is set: the staff login page shows "Sign in with …", which starts the
authorisation-code flow (with PKCE, state and nonce) at the provider; the provider sends the person back to
``/account/sign-on/oidc/callback/``, where the code is exchanged for tokens, the ID token's signature (from
the provider's JWKS), issuer, audience, expiry and nonce are checked, and the claims of the ID token and the
userinfo endpoint together name the person and their groups (``PULT_OIDC_GROUPS_CLAIM``); accounts.directory
turns the groups into roles. The endpoints come from the issuer's discovery document (kept for an hour per
process) unless given one by one.

Two-factor login is the provider's: the company's sign-in applies its own MFA policy, so Pult asks for no
authenticator code after it (and does not require one for administrators signing in this way).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.backends import PermissionsAtOnceBackend
from accounts.choices import DirectorySource
from accounts.directory import (
    RoleMapping,
    directory_sign_in_record,
    directory_sign_in_refuse_roleless,
    directory_user_link,
    linkable_local_user,
    linked_user,
    sign_on_refusal,
    sign_on_refuse,
)
from accounts.models import DirectoryLink, User

logger = logging.getLogger("pult.security")

SIGN_IN_FAILED = _("Signing in with the company account did not succeed. Try again, or ask your administrator.")
PROVIDER_UNREACHABLE = _("The company sign-in service cannot be reached. Try again in a few minutes.")
DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")  # what Django's user-name validator refuses

# mozilla-django-oidc's setting → the provider metadata's key.
_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_enabled() -> bool:
    return bool(settings.PULT_OIDC_CLIENT_ID)


def button_label() -> str:
    return settings.PULT_OIDC_BUTTON_LABEL or str(_("Sign in with the company account"))


def role_mapping() -> RoleMapping:
    return RoleMapping.from_setting(settings.PULT_OIDC_ROLE_GROUPS, setting="PULT_OIDC_ROLE_GROUPS")


def provider_metadata() -> dict[str, Any]:
    """The provider's issuer and endpoints: those given in the settings, the rest from its discovery document."""
    given = {
        "issuer": settings.PULT_OIDC_ISSUER,
        "authorization_endpoint": settings.PULT_OIDC_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.PULT_OIDC_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.PULT_OIDC_USERINFO_ENDPOINT,
        "jwks_uri": settings.PULT_OIDC_JWKS_URI,
    }
    if all(value for key, value in given.items() if key != "issuer"):
        return given
    discovered = _discovery(settings.PULT_OIDC_ISSUER)
    return {key: value or discovered.get(key, "") for key, value in given.items()}


def _discovery(issuer: str) -> dict[str, Any]:
    cached = _discovered.get(issuer)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.PULT_OIDC_TIMEOUT_SECONDS)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was fetched for.
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ImproperlyConfigured(
            f"PULT_OIDC_ISSUER={issuer!r}, but its discovery document names {document.get('issuer')!r}"
        )
    _discovered[issuer] = (time.monotonic() + DISCOVERY_SECONDS, document)
    return document


def mozilla_setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, made from Pult's PULT_OIDC_* settings."""
    values: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": settings.PULT_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.PULT_OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": " ".join(settings.PULT_OIDC_SCOPES),
        "OIDC_RP_SIGN_ALGO": settings.PULT_OIDC_SIGN_ALGORITHM,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": settings.PULT_OIDC_TIMEOUT_SECONDS,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_callback",
        "OIDC_CREATE_USER": True,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "LOGIN_REDIRECT_URL": settings.LOGIN_REDIRECT_URL,
    }
    if name in values:
        return values[name]
    if name in _ENDPOINTS:
        return provider_metadata()[_ENDPOINTS[name]]
    return import_from_settings(name, *default)


def _username(claims: dict[str, Any]) -> str:
    raw = str(claims.get(settings.PULT_OIDC_USERNAME_CLAIM) or claims.get("email") or "").strip().lower()
    return _USERNAME_UNSAFE.sub("", raw)[:150] or "oidc-" + _USERNAME_UNSAFE.sub("", str(claims["sub"]))[:140]


def _groups(claims: dict[str, Any]) -> list[str]:
    value = claims.get(settings.PULT_OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return [str(group) for group in value if isinstance(group, str | int)]


def _person(claims: dict[str, Any]) -> dict[str, str]:
    email = str(claims.get("email") or "") if claims.get("email_verified", True) is not False else ""
    first, last = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
    if not (first or last):
        first = str(claims.get("name") or "")
    return {"first_name": first[:150], "last_name": last[:150], "email": email[:254]}


class DirectoryOidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with Pult's settings, accounts and roles (accounts.directory)."""

    get_settings = staticmethod(mozilla_setting)  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The provider's endpoints are read when a sign-in comes back from it, not for every password login.
        self.UserModel = User

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not oidc_enabled() or request is None or "nonce" not in kwargs:
            return None  # a password login, or OpenID Connect is off
        if not (request.GET.get("code") and request.GET.get("state")):
            return None
        try:
            metadata = provider_metadata()
            self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
            self.OIDC_OP_USER_ENDPOINT = metadata["userinfo_endpoint"]
            self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
            self.issuer = str(metadata.get("issuer") or "")
            self.OIDC_RP_CLIENT_ID = settings.PULT_OIDC_CLIENT_ID
            self.OIDC_RP_CLIENT_SECRET = settings.PULT_OIDC_CLIENT_SECRET
            self.OIDC_RP_SIGN_ALGO = settings.PULT_OIDC_SIGN_ALGORITHM
            self.OIDC_RP_IDP_SIGN_KEY = None
            return super().authenticate(request, **kwargs)
        except requests.RequestException as error:
            logger.warning("OpenID Connect sign-in: the provider did not answer as expected: %s", error)
            sign_on_refuse(request, PROVIDER_UNREACHABLE)
        except (SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError) as error:
            logger.warning("OpenID Connect sign-in refused: %s", error)
        return None

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        """The signature, expiry and nonce (mozilla-django-oidc), and that the token is this client's, from this
        issuer (OpenID Connect Core 3.1.3.7)."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.PULT_OIDC_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        if self.issuer and str(payload.get("iss", "")).rstrip("/") != self.issuer.rstrip("/"):
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims with the userinfo endpoint's (Entra ID puts the groups only in the ID token)."""
        userinfo: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo endpoint names another person than the ID token.")
        return {**payload, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not claims.get("sub"):
            return False
        mapping = role_mapping()
        if not mapping.roles_for(_groups(claims)):
            directory_sign_in_refuse_roleless(
                request=self.request,
                user=linked_user(source=DirectorySource.OIDC, subject=str(claims["sub"])),
                source=DirectorySource.OIDC,
                groups=_groups(claims),
                mapping=mapping,
            )
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> list[User]:
        """The account this person signed in with before; else a local one to take over, when allowed. Refuses
        a new account whose user name is taken by an account that may not be taken over."""
        user = linked_user(source=DirectorySource.OIDC, subject=str(claims["sub"]))
        if user is not None:
            return [user]
        link = settings.PULT_OIDC_LINK_LOCAL_ACCOUNTS
        email = _person(claims)["email"]
        try:
            if link == "email" and email:
                local = linkable_local_user(
                    User.objects.filter(email__iexact=email),
                    source=DirectorySource.OIDC,
                    allowed=True,
                    request=self.request,
                )
                if local is not None:
                    return [local]
            local = linkable_local_user(
                User.objects.filter(username__iexact=_username(claims)),
                source=DirectorySource.OIDC,
                allowed=link == "username",
                request=self.request,
            )
        except LookupError as refusal:
            raise SuspiciousOperation(str(refusal)) from refusal
        return [local] if local is not None else []

    def create_user(self, claims: dict[str, Any]) -> User:
        user = directory_user_link(
            user=User(username=_username(claims)),
            source=DirectorySource.OIDC,
            subject=str(claims["sub"]),
            **_person(claims),
        )
        return self._signed_in(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        if not DirectoryLink.objects.filter(user=user).exists():  # a local account taken over
            user = directory_user_link(
                user=user, source=DirectorySource.OIDC, subject=str(claims["sub"]), **_person(claims)
            )
        else:
            # The directory is the truth for the name and e-mail: kept as it says at every sign-in.
            wanted = {field: value for field, value in _person(claims).items() if value}
            changed = [field for field, value in wanted.items() if getattr(user, field) != value]
            for field in changed:
                setattr(user, field, wanted[field])
            if changed:
                user.save(update_fields=changed)
        return self._signed_in(user, claims)

    def _signed_in(self, user: User, claims: dict[str, Any]) -> User:
        directory_sign_in_record(user=user, source=DirectorySource.OIDC, groups=_groups(claims), mapping=role_mapping())
        return user

    # The session's user and the permissions come from Pult's permission backend (one statement, cached).
    def get_user(self, user_id: Any) -> Any:
        return PermissionsAtOnceBackend().get_user(user_id)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False


@method_decorator(login_not_required, name="dispatch")
class OidcStartView(OIDCAuthenticationRequestView):
    """ "Sign in with …": off (404) unless OpenID Connect is configured; sends the browser to the provider."""

    get_settings = staticmethod(mozilla_setting)  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the provider's endpoint is read in get(), when someone clicks

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except (requests.RequestException, ValueError, KeyError, ImproperlyConfigured) as error:
            logger.warning("OpenID Connect sign-in: the provider's discovery document cannot be read: %s", error)
            messages.error(request, PROVIDER_UNREACHABLE)
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.PULT_OIDC_CLIENT_ID
        return super().get(request)  # type: ignore[no-any-return]


@method_decorator(login_not_required, name="dispatch")
class OidcCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back: signed in, or the login page saying why not."""

    get_settings = staticmethod(mozilla_setting)  # type: ignore[assignment]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().get(request)  # type: ignore[no-any-return]

    def login_failure(self) -> HttpResponse:
        messages.error(self.request, sign_on_refusal(self.request) or SIGN_IN_FAILED)
        return redirect("login")
