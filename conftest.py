from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import Role
from common.testing.factories import ContactFactory, ModuleFactory, user_with_role


@pytest.fixture(autouse=True)
def _real_smtp_backend(settings: Any) -> None:
    """Django's test set-up swaps in an in-memory mail backend; Pult's tests send to a real SMTP server
    (the smtp_server fixture), and a send without one fails loudly instead of vanishing."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    """One user per role, keyed by the role's value; plus a second executor."""
    result = {role.value: user_with_role(role, username=role.value) for role in Role}
    result["other_executor"] = user_with_role(Role.EXECUTOR, username="other_executor")
    return result


@pytest.fixture
def contact(db: Any) -> Any:
    return ContactFactory()


@pytest.fixture
def module(db: Any) -> Any:
    return ModuleFactory()


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps what it receives, for tests to read back."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    sink = SmtpSink()
    sink.controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    yield sink
    sink.controller.stop()


DOVECOT_CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{base}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class ImapServer:
    """A real IMAP server (Dovecot from Debian's packages) on 127.0.0.1, private to one test."""

    USER, PASSWORD = "desk@pult.test", "titok"

    def __init__(self) -> None:
        import pwd
        import shutil
        import socket
        import subprocess
        import tempfile
        import time
        from pathlib import Path

        self.base = Path(tempfile.mkdtemp(prefix="dv"))  # short: Dovecot's socket paths must stay short
        self.base.chmod(0o755)
        nobody = pwd.getpwnam("nobody")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        for name in ("run", "state", "mail"):
            (self.base / name).mkdir()
        shutil.chown(self.base / "mail", nobody.pw_uid, nobody.pw_gid)
        (self.base / "users").write_text(f"{self.USER}:{{PLAIN}}{self.PASSWORD}\n")
        config = self.base / "dovecot.conf"
        config.write_text(DOVECOT_CONFIG.format(base=self.base, uid=nobody.pw_uid, gid=nobody.pw_gid, port=self.port))
        self.process = subprocess.Popen(  # noqa: S603 - Debian's dovecot with our own configuration
            ["/usr/sbin/dovecot", "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {(self.base / 'dovecot.log').read_text(errors='replace')}")

    def client(self) -> Any:
        import imaplib

        connection = imaplib.IMAP4("127.0.0.1", self.port)
        connection.login(self.USER, self.PASSWORD)
        return connection

    def append(self, *messages: bytes) -> None:
        connection = self.client()
        for raw in messages:
            connection.append("INBOX", None, None, raw)
        connection.logout()

    def flags(self) -> list[str]:
        connection = self.client()
        connection.select("INBOX")
        _status, data = connection.fetch("1:*", "(FLAGS)")
        connection.logout()
        return [item.decode() for item in data if isinstance(item, bytes)]

    def stop(self) -> None:
        import shutil

        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def imap_server() -> Any:
    server = ImapServer()
    yield server
    server.stop()
