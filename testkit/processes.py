"""Run manage.py as a real process against the database the test runs on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection


def database_environment() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(db["NAME"])}
    return {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}


def manage_environment(media: Path, **extra: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL")}
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "test-subprocess",
        "MEDIA_ROOT": str(media),
        **database_environment(),
        **extra,
    }


def manage_py(*args: str, env: dict[str, str], stdin: bytes = b"", timeout: int = 120) -> Any:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        input=stdin,
        capture_output=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=timeout,
        check=False,
    )


def start_manage_py(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
