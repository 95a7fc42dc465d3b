"""A real IMAP server (Dovecot from Debian's packages) on 127.0.0.1, private to one test or benchmark."""

from __future__ import annotations

from typing import Any

DOVECOT_CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
{ssl}
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
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


class ImapServer:
    """A real IMAP server (Dovecot from Debian's packages) on 127.0.0.1, private to one test."""

    USER, PASSWORD = "desk@pult.test", "titok"

    def __init__(self, *, tls: bool = False) -> None:
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
        self.port, self.tls_port = self._free_port(), (self._free_port() if tls else 0)
        self.ca_file = ""
        ssl_settings = "ssl = no"
        if tls:  # a self-signed certificate for 127.0.0.1: clients trust it through ca_file
            key, certificate = self.base / "key.pem", self.base / "cert.pem"
            subprocess.run(  # noqa: S603
                [
                    "/usr/bin/openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=127.0.0.1",
                    "-addext",
                    "subjectAltName=IP:127.0.0.1",
                    "-keyout",
                    str(key),
                    "-out",
                    str(certificate),
                ],
                check=True,
                capture_output=True,
            )
            self.ca_file = str(certificate)
            ssl_settings = f"ssl = required\nssl_cert = <{certificate}\nssl_key = <{key}"
        for name in ("run", "state", "mail"):
            (self.base / name).mkdir()
        shutil.chown(self.base / "mail", nobody.pw_uid, nobody.pw_gid)
        (self.base / "users").write_text(f"{self.USER}:{{PLAIN}}{self.PASSWORD}\n")
        config = self.base / "dovecot.conf"
        config.write_text(
            DOVECOT_CONFIG.format(
                base=self.base,
                uid=nobody.pw_uid,
                gid=nobody.pw_gid,
                port=self.port,
                tls_port=self.tls_port,
                ssl=ssl_settings,
            )
        )
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

    @staticmethod
    def _free_port() -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    def client(self) -> Any:
        import imaplib
        import ssl

        connection: imaplib.IMAP4
        if self.tls_port:
            context = ssl.create_default_context(cafile=self.ca_file)
            connection = imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=context)
        else:
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
