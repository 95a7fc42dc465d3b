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


# Every control character (CR, LF, TAB, NUL …) and the Unicode line and paragraph separators.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\s]+")


def header_text(text: str) -> str:
    """`text` as it may stand in a one-line field that ends up in a mail header (a subject): every line break
    and control character becomes one space. A CR or LF in a header is refused by the mail library, so a
    subject typed or pasted with one must never reach it."""
    return _HEADER_BREAKS.sub(" ", text or "").strip()
