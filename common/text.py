"""Plain-text helpers for what people type into text areas (browsers send CR LF line ends)."""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def normalize_newlines(text: str) -> str:
    return _LINE_BREAK.sub("\n", text)


def lines(text: str) -> list[str]:
    """The non-empty lines of `text`, each stripped."""
    return [line.strip() for line in _LINE_BREAK.split(text or "") if line.strip()]


def one_line(text: str) -> str:
    """A multi-line text (a postal address) on one line: "Kft., Kovács Éva, 1111 Budapest"."""
    return ", ".join(lines(text))
