"""Company sign-on's settings: off while unset, on with the PULT_LDAP_* / PULT_OIDC_* variables, and a mistake
stops the start with a message that names the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.directory import check_role_groups
from config.env import env_pairs

ROOT = Path(__file__).resolve().parents[2]
LDAP = "accounts.ldap_backend.DirectoryLdapBackend"
OIDC = "accounts.oidc.DirectoryOidcBackend"


def backends_with(**variables: str) -> subprocess.CompletedProcess[str]:
    """Pult's settings loaded in a fresh process with these environment variables."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PULT_LDAP_", "PULT_OIDC_"))}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 60, **variables}
    script = "import json; from django.conf import settings; print(json.dumps(settings.AUTHENTICATION_BACKENDS))"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_sign_on_is_off_while_unset_and_on_with_its_variables():
    assert json.loads(backends_with().stdout) == ["accounts.backends.PermissionsAtOnceBackend"]
    result = backends_with(
        PULT_LDAP_SERVER_URI="ldaps://dc1.example.hu",
        PULT_LDAP_USER_SEARCH_BASE="ou=people,dc=example,dc=hu",
        PULT_LDAP_GROUP_SEARCH_BASE="ou=groups,dc=example,dc=hu",
        PULT_OIDC_CLIENT_ID="pult",
        PULT_OIDC_ISSUER="https://sso.example.hu/realms/staff",
    )
    assert json.loads(result.stdout) == ["accounts.backends.PermissionsAtOnceBackend", LDAP, OIDC]


def test_an_incomplete_sign_on_configuration_stops_the_start():
    result = backends_with(PULT_LDAP_SERVER_URI="ldaps://dc1.example.hu")
    assert result.returncode != 0 and "PULT_LDAP_USER_SEARCH_BASE" in result.stderr
    result = backends_with(PULT_OIDC_CLIENT_ID="pult")
    assert result.returncode != 0 and "PULT_OIDC_ISSUER" in result.stderr
    result = backends_with(
        PULT_OIDC_CLIENT_ID="pult", PULT_OIDC_ISSUER="https://x", PULT_OIDC_LINK_LOCAL_ACCOUNTS="yes"
    )
    assert result.returncode != 0 and "PULT_OIDC_LINK_LOCAL_ACCOUNTS" in result.stderr


def test_role_groups_are_read_as_role_equals_group_with_dns_kept_whole(monkeypatch, tmp_path):
    monkeypatch.setenv(
        "PULT_LDAP_ROLE_GROUPS", "agent=cn=pult-agents,ou=groups,dc=example,dc=hu; manager = cn=Vezetők,dc=example"
    )
    assert env_pairs("PULT_LDAP_ROLE_GROUPS") == [
        ("agent", "cn=pult-agents,ou=groups,dc=example,dc=hu"),
        ("manager", "cn=Vezetők,dc=example"),
    ]
    (tmp_path / "roles").write_text("agent=6f1c2a\nexecutor=9b7e0d\n")
    monkeypatch.delenv("PULT_OIDC_ROLE_GROUPS", raising=False)
    monkeypatch.setenv("PULT_OIDC_ROLE_GROUPS_FILE", str(tmp_path / "roles"))
    assert env_pairs("PULT_OIDC_ROLE_GROUPS") == [("agent", "6f1c2a"), ("executor", "9b7e0d")]
    monkeypatch.setenv("PULT_LDAP_ROLE_GROUPS", "agent: pult-agents")
    with pytest.raises(ImproperlyConfigured, match="PULT_LDAP_ROLE_GROUPS"):
        env_pairs("PULT_LDAP_ROLE_GROUPS")


def test_a_role_group_setting_naming_an_unknown_role_fails_the_system_check(settings):
    settings.PULT_LDAP_ROLE_GROUPS = [("agent", "cn=a"), ("agnet", "cn=b")]
    settings.PULT_OIDC_ROLE_GROUPS = [("superhero", "x")]
    errors = check_role_groups()
    assert [error.id for error in errors] == ["pult.E010", "pult.E011"]
    assert "'agnet' is not a role" in errors[0].msg
