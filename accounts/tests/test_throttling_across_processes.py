"""Login throttling counts across web processes: two real gunicorns on one database, as `scripts/run` serves
with two workers and a cluster with several machines. Wrong passwords sent to each in turn lock the account
after exactly the configured number, on both; the right password is then refused on both."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import ThrottleCounter
from accounts.roles import Role
from testkit.factories import user_with_role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("gunicorn")]

PASSWORD = "Jelszo-2026!"
FAILURES = 4  # PULT_LOGIN_FAILURES_PER_ACCOUNT for the servers (not the default, so the setting is what counts)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_environment() -> dict[str, str]:
    """The test database, as the servers' settings read it from the environment."""
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        return {"SQLITE_PATH": str(database["NAME"])}
    user = urllib.parse.quote(database["USER"] or "")
    password = ":" + urllib.parse.quote(database["PASSWORD"]) if database["PASSWORD"] else ""
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or "5432"
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"}


class Server:
    """One gunicorn (one worker process) serving Pult on its own port."""

    def __init__(self, tmp_path: Path, name: str, environment: dict[str, str]) -> None:
        self.port = _free_port()
        self.log = tmp_path / f"{name}.log"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
                command, cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(self.log.read_text())
            try:
                if self.request("GET", "/health/live")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer on {self.port}: {self.log.read_text()}")

    def request(self, method: str, path: str, body: str = "", cookies: str = "") -> tuple[int, str, list[str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": cookies, "Accept-Language": "en"}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        result = response.status, response.read().decode(), response.headers.get_all("Set-Cookie") or []
        connection.close()
        return result

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[list[Server]]:
    inherited = {
        k: v for k, v in os.environ.items() if not k.startswith(("PULT_", "DATABASE_URL", "SQLITE_PATH", "REDIS_URL"))
    }
    environment = inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "PULT_VAR_DIR": str(tmp_path),
        "PULT_LOGIN_FAILURES_PER_ACCOUNT": str(FAILURES),
        **_database_environment(),
    }
    servers = [Server(tmp_path, name, environment) for name in ("web1", "web2")]
    try:
        for server in servers:
            server.wait_until_serving()
        yield servers
    finally:
        for server in servers:
            server.stop()


def login(server: Server, username: str, password: str) -> int:
    """The staff login as a browser sends it (its CSRF cookie and token); the answer's status."""
    status, page, set_cookies = server.request("GET", "/login/")
    assert status == 200, page
    cookie = next(c.split(";", 1)[0] for c in set_cookies if c.startswith(settings.CSRF_COOKIE_NAME + "="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": username, "password": password})
    status, _page, _cookies = server.request("POST", "/login/", body=form, cookies=cookie)
    return status


def test_wrong_passwords_sent_to_two_processes_in_turn_lock_the_account_after_exactly_the_limit_on_both(two_servers):
    user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    web1, web2 = two_servers
    assert login(web1, "kiss.anna", PASSWORD) == 302  # both serve the same database and accept the password
    assert login(web2, "kiss.anna", PASSWORD) == 302

    answers = [login((web1, web2)[n % 2], "kiss.anna", "wrong-password-1") for n in range(FAILURES + 4)]
    assert answers == [200] * FAILURES + [429] * 4

    # Locked everywhere, also for the right password, however often it is tried on either process.
    assert [login(server, "kiss.anna", PASSWORD) for server in (web1, web2, web1, web2)] == [429] * 4
    [counter] = ThrottleCounter.objects.filter(key__startswith="login-account:")
    assert counter.locked_until is not None and counter.locked_until > time.time() + 14 * 60
