"""Cursor pagination over a keyset: stable under inserts, one query per page whatever the table's size.

The cursor is opaque to the client: URL-safe base64 of the last row's ordering values and the ordering
it belongs to. A cursor from another ordering, or a damaged one, is refused with 422 invalid_cursor.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from api.errors import ApiError
from common.dates import within_supported_years

M = TypeVar("M", bound=Model)
MAX_LIMIT = 100
MAX_INT = 2**62


@dataclass(frozen=True)
class Keyset:
    """An ordering by unique-together fields, all in one direction; `kinds` are the fields' value types."""

    name: str
    fields: tuple[str, ...]
    kinds: tuple[type, ...]
    descending: bool = False

    def order_by(self) -> list[str]:
        return [f"-{field}" if self.descending else field for field in self.fields]

    def after(self, values: list[Any]) -> Q:
        """Rows after `values` in this ordering: (a > x) or (a = x and b > y) …"""
        op = "lt" if self.descending else "gt"
        condition = Q()
        for position, field in enumerate(self.fields):
            equal = {self.fields[i]: values[i] for i in range(position)}
            condition |= Q(**equal, **{f"{field}__{op}": values[position]})
        return condition


def _encode(keyset: Keyset, row: Any) -> str:
    values = []
    for field in keyset.fields:
        value = getattr(row, field)
        values.append(value.isoformat() if isinstance(value, dt.datetime) else value)
    raw = json.dumps({"o": keyset.name, "v": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid() -> ApiError:
    return ApiError(422, "invalid_cursor", _("The cursor is not valid: use next_cursor exactly as it was returned."))


def _plain_value(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_INT
    return kind is str and isinstance(value, str) and "\x00" not in value and len(value) <= 1000


def _decode(keyset: Keyset, cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid() from None
    if not isinstance(data, dict) or data.get("o") != keyset.name:
        raise _invalid()
    values = data.get("v")
    if not isinstance(values, list) or len(values) != len(keyset.fields):
        raise _invalid()
    decoded: list[Any] = []
    for value, kind in zip(values, keyset.kinds, strict=True):
        if _plain_value(value, kind):
            decoded.append(value)
        elif kind is dt.datetime and isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                raise _invalid() from None
            if moment.tzinfo is None or not within_supported_years(moment):
                raise _invalid()
            decoded.append(moment)
        else:
            raise _invalid()
    return decoded


def page(queryset: QuerySet[M], keyset: Keyset, *, cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """One page of `queryset` in the keyset's order, and the cursor of the next page (None on the last)."""
    queryset = queryset.order_by(*keyset.order_by())
    if cursor:
        queryset = queryset.filter(keyset.after(_decode(keyset, cursor)))
    rows = list(queryset[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], _encode(keyset, rows[limit - 1])
    return rows, None
