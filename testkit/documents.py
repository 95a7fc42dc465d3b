"""Checks of printed documents by the PDF's own text positions (pdfplumber), as a person holding the page
would see them: nothing outside the printable area, no page that holds only the signature, every
character extractable, and no fixed text in the other language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import pdfplumber

from testkit.catalogue import po_entries

MM = 72 / 25.4
# What office printers print: nothing may come closer to the paper's edge than this.
PRINTABLE_MARGIN = 5 * MM
A4 = (595, 842)


@dataclass
class Page:
    number: int
    width: float
    height: float
    text: str
    outside: list[str]


def pages(pdf: bytes) -> list[Page]:
    found = []
    with pdfplumber.open(BytesIO(pdf)) as document:
        for index, page in enumerate(document.pages, start=1):
            outside = [
                f"{char['text']!r} at ({char['x0'] / MM:.0f} mm, {char['top'] / MM:.0f} mm)"
                for char in page.chars
                if char["text"].strip()
                and (
                    char["x0"] < PRINTABLE_MARGIN
                    or char["x1"] > page.width - PRINTABLE_MARGIN
                    or char["top"] < PRINTABLE_MARGIN
                    or char["bottom"] > page.height - PRINTABLE_MARGIN
                )
            ]
            found.append(Page(index, float(page.width), float(page.height), page.extract_text() or "", outside))
    return found


@lru_cache(maxsize=1)
def catalogue() -> list[tuple[str, str]]:
    """(English msgid, Hungarian msgstr) of the singular entries of the Hungarian catalogue."""
    return [(e.msgid, e.msgstr) for e in po_entries() if e.msgstr and e.msgid != e.msgstr]


# Words both languages write alike, whatever the catalogue pairs them with.
SHARED_WORDS = {"e-mail", "E-mail", "Web", "Fax", "fax"}


def foreign_strings(text: str, language: str) -> list[str]:
    """Catalogue strings of the other language found as whole phrases in `text`: labels and phrases (4+
    letters, capitalised or of several words; a single lower-case word is as likely the content's own)."""
    flat = " ".join(text.split())
    found = []
    for msgid, msgstr in catalogue():
        other = msgid if language == "hu" else msgstr
        if "%(" in other or "{" in other or len(other) < 4 or "\n" in other or other in SHARED_WORDS:
            continue
        if " " not in other and not other[0].isupper():
            continue
        if re.search(r"(?<!\w)" + re.escape(other) + r"(?!\w)", flat):
            found.append(other)
    return found


def problems(pdf: bytes, *, language: str, must_contain: list[str], signature: list[str]) -> list[str]:
    """What a reader of the printed document would object to (empty: nothing)."""
    found = []
    laid_out = pages(pdf)
    for page in laid_out:
        if (round(page.width), round(page.height)) != A4:
            found.append(f"page {page.number} is not A4: {page.width:.0f}×{page.height:.0f}")
        if page.outside:
            found.append(f"page {page.number}: outside the printable area: {', '.join(page.outside[:5])}")
    text = "\n".join(page.text for page in laid_out)
    flat = " ".join(text.split())
    for expected in must_contain:
        if " ".join(expected.split()) not in flat:
            found.append(f"not extractable as written: {expected!r}")
    if len(laid_out) > 1 and signature:
        last = laid_out[-1].text
        body_lines = [line for line in last.splitlines() if line.strip() and not _is_footer(line)]
        if body_lines and all(any(part in line for part in signature) for line in body_lines):
            found.append(f"the last page holds only the signature: {body_lines}")
    foreign = foreign_strings(text, language)
    if foreign:
        found.append(f"strings of the other language: {foreign[:10]}")
    return found


def _is_footer(line: str) -> bool:
    return bool(re.search(r"\d+/\d+\s*$", line))
