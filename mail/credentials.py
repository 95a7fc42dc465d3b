"""Mailbox passwords: never stored, only named. The name is an environment variable, read when the mailbox is
fetched, with the usual `<NAME>_FILE` convention for secrets kept in files (as in config/env.py)."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

from django.utils.translation import gettext

# Only variables meant for mailbox passwords: otherwise an administrator could name SECRET_KEY or
# DATABASE_URL and have it sent as the "password" to an IMAP server of their choice.
ENV_NAME_PATTERN = r"^PULT_IMAP_[A-Z0-9_]{1,54}$"


class MissingPassword(Exception):
    """The variable that should hold a mailbox's password is not set (or its file cannot be read)."""


class PasswordSource(Enum):
    ENVIRONMENT = "environment"
    FILE = "file"
    UNREADABLE_FILE = "unreadable_file"
    MISSING = "missing"


def password_source(name: str) -> PasswordSource:
    """Where the password would come from right now, in this process; never the value."""
    if not name:
        return PasswordSource.MISSING
    if os.environ.get(name):
        return PasswordSource.ENVIRONMENT
    file_name = os.environ.get(f"{name}_FILE")
    if not file_name:
        return PasswordSource.MISSING
    try:
        readable = bool(Path(file_name).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return PasswordSource.UNREADABLE_FILE
    return PasswordSource.FILE if readable else PasswordSource.MISSING


def password_from_environment(name: str) -> str:
    """The value of `name`, or the stripped contents of the file named by `<name>_FILE`."""
    value = os.environ.get(name) if name else None
    if value:
        return value
    file_name = os.environ.get(f"{name}_FILE") if name else None
    if file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise MissingPassword(
                gettext("The IMAP password cannot be read from %(variable)s_FILE (%(file)s): %(reason)s")
                % {"variable": name, "file": file_name, "reason": getattr(exc, "strerror", None) or exc}
            ) from exc
        if value:
            return value
    if not name:
        raise MissingPassword(gettext("No environment variable is named for the IMAP password of this mailbox."))
    raise MissingPassword(
        gettext(
            "The IMAP password is missing: set the environment variable %(variable)s (or %(variable)s_FILE, "
            "the path of a file holding it) for the worker, then fetch again."
        )
        % {"variable": name}
    )
