"""CSV cells that a spreadsheet never runs as a formula."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text typed by a person (a complainant, a module's name) never starts a formula when the file is opened."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value
