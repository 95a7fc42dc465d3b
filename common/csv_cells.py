"""The one writer of spreadsheet files (CSV, and any XLSX to come): no cell is ever run as a formula.

A cell that starts with = + - @, a tab or a carriage return — or with the full-width or small forms of
those signs (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫), which Excel and LibreOffice read as the plain ones — is written with an
apostrophe in front, so the spreadsheet shows the text instead of running it (CSV injection: a module named
`=HYPERLINK(…)`, a complainant called `@SUM(…)`). Real numbers stay numbers: an int, a float or a Decimal
as it is, and text that is just a number ("-5", "12,5") unchanged, since a spreadsheet reads it as the number
and nothing else. `common/tests/test_csv_exports.py` fails when a module writes CSV or XLSX another way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\uff1d",  # ＝ full-width equals sign
    "\uff0b",  # ＋ full-width plus sign
    "\uff0d",  # － full-width hyphen-minus
    "\uff20",  # ＠ full-width commercial at
    "\ufe66",  # ﹦ small equals sign
    "\ufe62",  # ﹢ small plus sign
    "\ufe63",  # ﹣ small hyphen-minus
    "\ufe6b",  # ﹫ small commercial at
)
# A plain number as a spreadsheet reads it: a sign, digits, a decimal point or comma, an exponent.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)

Cell = str | int | float | Decimal | None


def safe_cell(value: Cell) -> Cell:
    """`value` as a spreadsheet may hold it: text that would start a formula gets an apostrophe in front."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class SafeCsvWriter:
    """csv.writer with every cell through `safe_cell` (Hungarian Excel's `;` between cells by default)."""

    def __init__(self, stream: Any, *, delimiter: str = ";") -> None:
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, row: Iterable[Cell]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Cell]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(rows: Iterable[Sequence[Cell]], *, filename: str) -> HttpResponse:
    """A CSV download of `rows`: UTF-8 with a byte-order mark (Excel then reads it as UTF-8), `;` between
    cells, every cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    SafeCsvWriter(response).writerows(rows)
    return response
