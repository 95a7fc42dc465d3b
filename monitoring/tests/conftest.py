"""PostgreSQL and Redis on this machine, started the documented way if they are not running yet.

The deployment tests need both in every pass of the suite, also the SQLite one (CI starts PostgreSQL only for
the second pass)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(port: int, what: str) -> None:
    deadline = time.monotonic() + 60
    while not _listening(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start listening on 127.0.0.1:{port}")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def postgres_running() -> str:
    """The URL of the local PostgreSQL server's maintenance database (user postgres, as in the README)."""
    if not _listening(5432):
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(  # noqa: S603 - fixed arguments
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],  # noqa: S607
            check=True,
        )
        _wait_for(5432, "PostgreSQL")
    return "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def redis_running() -> str:
    if not _listening(6379):
        command = [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--appendonly",
            "no",
            "--save",
        ]
        subprocess.run([*command, ""], check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed arguments
        _wait_for(6379, "Redis")
    return "redis://127.0.0.1:6379"


def settings_process(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` after django.setup() in a fresh process whose environment is exactly the given settings."""
    import sys

    from django.conf import settings

    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PULT_", "DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "AWS_", "DB_"))
    }
    full_env = inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "test-subprocess",
        "PULT_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter with fixed code
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
