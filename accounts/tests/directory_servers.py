"""Real directory servers for the sign-on tests, each private to one test: Debian's OpenLDAP (slapd) with a
generated slapd.conf and an mdb database in a temporary directory, loaded with ldapadd; and a real OpenID
Connect provider (node oidc-provider, accounts/tests/oidc_provider/provider.mjs)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUFFIX = "dc=pult,dc=test"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{SUFFIX}", "directory-admin-secret"
READER_DN, READER_PASSWORD = f"cn=pult-reader,ou=services,{SUFFIX}", "reader-secret-1234"
PEOPLE, GROUPS = f"ou=people,{SUFFIX}", f"ou=groups,{SUFFIX}"
OIDC_PROVIDER_DIR = Path(__file__).parent / "oidc_provider"

SLAPD_CONF = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {base}/slapd.pid
argsfile {base}/slapd.args
{tls}
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{admin_dn}"
rootpw {admin_password}
directory {base}/db
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def group_dn(name: str) -> str:
    return f"cn={name},{GROUPS}"


@dataclass
class Person:
    uid: str
    password: str
    given_name: str
    surname: str
    email: str
    groups: list[str] = field(default_factory=list)


class LdapServer:
    """slapd on 127.0.0.1 at a free port, with StartTLS offered (a certificate for 127.0.0.1 signed by
    ``ca_file``), ``ou=people`` and ``ou=groups`` (groupOfNames), and a read-only service account."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="slapd"))
        (self.base / "db").mkdir()
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.ca_file = str(self._certificates())
        (self.base / "slapd.conf").write_text(
            SLAPD_CONF.format(
                base=self.base,
                suffix=SUFFIX,
                admin_dn=ADMIN_DN,
                admin_password=ADMIN_PASSWORD,
                tls=f"TLSCertificateFile {self.base}/server.pem\nTLSCertificateKeyFile {self.base}/server.key",
            )
        )
        self.process = subprocess.Popen(  # noqa: S603
            ["/usr/sbin/slapd", "-d", "0", "-f", str(self.base / "slapd.conf"), "-h", f"{self.uri}/"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"slapd did not start: {self._stderr()}") from None
                time.sleep(0.1)
        self.ldapadd(
            f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: pult
o: Pult Test Kft.

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: ou=services,{SUFFIX}
objectClass: organizationalUnit
ou: services

dn: {READER_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: pult-reader
userPassword: {READER_PASSWORD}
"""
        )

    def _certificates(self) -> Path:
        """A CA and a server certificate for 127.0.0.1 signed by it (openssl), for StartTLS."""
        base = self.base

        def openssl(*args: str) -> None:
            subprocess.run(["/usr/bin/openssl", *args], check=True, capture_output=True)  # noqa: S603

        ca_key, ca, key, request = (f"{base}/{name}" for name in ("ca.key", "ca.pem", "server.key", "server.csr"))
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Pult Test CA",
                "-keyout", ca_key, "-out", ca)  # fmt: skip
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", request)
        (base / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
        openssl("x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
                "-extfile", f"{base}/ext.cnf", "-out", f"{base}/server.pem")  # fmt: skip
        return base / "ca.pem"

    def _stderr(self) -> str:
        if self.process.poll() is None:
            return ""
        return (self.process.stderr.read() if self.process.stderr else b"").decode(errors="replace")[-2000:]

    def ldapadd(self, ldif: str) -> None:
        result = subprocess.run(  # noqa: S603
            ["/usr/bin/ldapadd", "-x", "-H", self.uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
            input=ldif.encode(),
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"ldapadd failed: {result.stderr.decode(errors='replace')}")

    def ldapmodify(self, ldif: str) -> None:
        result = subprocess.run(  # noqa: S603
            ["/usr/bin/ldapmodify", "-x", "-H", self.uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD],
            input=ldif.encode(),
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"ldapmodify failed: {result.stderr.decode(errors='replace')}")

    def add_person(self, person: Person) -> None:
        self.ldapadd(
            f"""dn: uid={person.uid},{PEOPLE}
objectClass: inetOrgPerson
uid: {person.uid}
cn: {person.given_name} {person.surname}
givenName: {person.given_name}
sn: {person.surname}
mail: {person.email}
userPassword: {person.password}
"""
        )

    def add_group(self, name: str, *members: str) -> None:
        """A groupOfNames (it needs one member at least: the service account is one, so a group can empty)."""
        lines = "".join(f"member: uid={uid},{PEOPLE}\n" for uid in members) + f"member: {READER_DN}\n"
        self.ldapadd(f"dn: {group_dn(name)}\nobjectClass: groupOfNames\ncn: {name}\n{lines}")

    def remove_member(self, group: str, uid: str) -> None:
        self.ldapmodify(f"dn: {group_dn(group)}\nchangetype: modify\ndelete: member\nmember: uid={uid},{PEOPLE}\n")

    def add_member(self, group: str, uid: str) -> None:
        self.ldapmodify(f"dn: {group_dn(group)}\nchangetype: modify\nadd: member\nmember: uid={uid},{PEOPLE}\n")

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """Pult's PULT_LDAP_* settings for this server."""
        return {
            "PULT_LDAP_SERVER_URI": self.uri,
            "PULT_LDAP_BIND_DN": READER_DN,
            "PULT_LDAP_BIND_PASSWORD": READER_PASSWORD,
            "PULT_LDAP_START_TLS": False,
            "PULT_LDAP_CA_FILE": "",
            "PULT_LDAP_USER_SEARCH_BASE": PEOPLE,
            "PULT_LDAP_USER_FILTER": "(uid=%(user)s)",
            "PULT_LDAP_GROUP_SEARCH_BASE": GROUPS,
            "PULT_LDAP_GROUP_TYPE": "groupOfNames",
            "PULT_LDAP_LINK_LOCAL_ACCOUNTS": False,
            "PULT_LDAP_TIMEOUT_SECONDS": 5,
            **overrides,
        }

    def stop(self) -> None:
        stop_server(self.process, self.base)


def stop_server(process: subprocess.Popen[bytes], base: Path) -> None:
    """End a test server's process (politely, then by force), close its pipes and remove its folder."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()
    shutil.rmtree(base, ignore_errors=True)


CLIENT_ID, CLIENT_SECRET = "pult-desk", "oidc-client-secret-for-tests"


class OidcProvider:
    """node oidc-provider on 127.0.0.1 at a free port, with one confidential client (Pult) and the people of
    ``users`` ({login: {"password": …, "claims": {…}}}; ``set_user`` changes one, as the company would)."""

    def __init__(self, *, redirect_uris: list[str], users: dict[str, Any]) -> None:
        if not (OIDC_PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(f"run `npm ci` in {OIDC_PROVIDER_DIR} (scripts/test does)")
        self.base = Path(tempfile.mkdtemp(prefix="oidc"))
        self.users_file = self.base / "users.json"
        self.users = dict(users)
        self.users_file.write_text(json.dumps(self.users))
        config = {
            "port": 0,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": redirect_uris,
            "users_file": str(self.users_file),
        }
        self.process = subprocess.Popen(  # noqa: S603
            ["node", str(OIDC_PROVIDER_DIR / "provider.mjs")],  # noqa: S607
            cwd=OIDC_PROVIDER_DIR,
            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"the OpenID Connect provider did not start: {line!r}")
        self.issuer = line.split(" ", 1)[1]

    def set_user(self, login: str, *, password: str, **claims: Any) -> None:
        self.users[login] = {"password": password, "claims": claims}
        self.users_file.write_text(json.dumps(self.users))

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """Pult's PULT_OIDC_* settings for this provider (endpoints from its discovery document)."""
        return {
            "PULT_OIDC_CLIENT_ID": CLIENT_ID,
            "PULT_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "PULT_OIDC_ISSUER": self.issuer,
            "PULT_OIDC_AUTHORIZATION_ENDPOINT": "",
            "PULT_OIDC_TOKEN_ENDPOINT": "",
            "PULT_OIDC_USERINFO_ENDPOINT": "",
            "PULT_OIDC_JWKS_URI": "",
            "PULT_OIDC_SCOPES": ["openid", "email", "profile", "groups"],
            "PULT_OIDC_SIGN_ALGORITHM": "RS256",
            "PULT_OIDC_GROUPS_CLAIM": "groups",
            "PULT_OIDC_USERNAME_CLAIM": "preferred_username",
            "PULT_OIDC_LINK_LOCAL_ACCOUNTS": "",
            "PULT_OIDC_BUTTON_LABEL": "",
            "PULT_OIDC_TIMEOUT_SECONDS": 10,
            **overrides,
        }

    def stop(self) -> None:
        stop_server(self.process, self.base)


OIDC_ROLE_GROUPS = [
    ("agent", "pult-agents"),
    ("manager", "pult-managers"),
    ("administrator", "pult-admins"),
    ("complaint_officer", "pult-complaints"),
]


def oidc_person(*, given_name: str, family_name: str, username: str, groups: list[str]) -> dict[str, Any]:
    """The claims a company provider gives about one of its staff (as Keycloak or Entra ID would)."""
    return {
        "given_name": given_name,
        "family_name": family_name,
        "name": f"{given_name} {family_name}",
        "preferred_username": username,
        "email": f"{username}@pult.test",
        "email_verified": True,
        "groups": groups,
    }


def configure_oidc(settings: Any, provider: OidcProvider, **overrides: Any) -> None:
    """Pult signs staff in with ``provider`` (what the PULT_OIDC_* settings do), groups mapped to roles."""
    for name, value in provider.settings(PULT_OIDC_ROLE_GROUPS=OIDC_ROLE_GROUPS, **overrides).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.oidc.DirectoryOidcBackend"]
