from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from accounts.tests.directory_servers import LdapServer, OidcProvider, configure_oidc, group_dn, oidc_person


@pytest.fixture(autouse=True)
def _fresh_login_counters() -> Any:
    """The process's cache starts (and is left) empty in each test; the failed-login counters themselves are
    rows in the database (accounts.ThrottleCounter), rolled back with each test."""
    cache.clear()
    yield
    cache.clear()


LDAP_BACKEND = "accounts.ldap_backend.DirectoryLdapBackend"


@pytest.fixture
def ldap_server(settings: Any) -> Any:
    """A real slapd with the company's groups, and Pult configured to sign staff in with it (as the
    PULT_LDAP_* settings do): agents, managers and data-protection officers come from directory groups."""
    server = LdapServer()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.PULT_LDAP_ROLE_GROUPS = [
        ("agent", group_dn("pult-agents")),
        ("manager", group_dn("pult-managers")),
        ("data_protection_officer", group_dn("pult-dpo")),
        # Spelled as an administrator might copy it: other case, spaces after the commas.
        ("executor", "CN=Pult-Executors, OU=Groups, DC=pult, DC=test"),
    ]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, LDAP_BACKEND]
    yield server
    server.stop()


@pytest.fixture
def oidc_provider(settings: Any) -> Any:
    """A real OpenID Connect provider (node oidc-provider) that knows Erika, an agent by her groups claim, and
    Pult configured to sign staff in with it (as the PULT_OIDC_* settings do)."""
    provider = OidcProvider(
        redirect_uris=["http://testserver/account/sign-on/oidc/callback/"],
        users={
            "erika": {
                "password": "Erika-company-pw-1",
                "claims": oidc_person(
                    given_name="Erika", family_name="Szabó", username="erika.szabo", groups=["pult-agents"]
                ),
            }
        },
    )
    configure_oidc(settings, provider)
    yield provider
    provider.stop()
