"""Looking up people, customers and tickets the way people type them.

Accents, case and word order aside ("Onodi", "kovacs eva" and "Éva Kovács" find "Ónodi" and "Kovács Éva"),
and phone numbers in any form ("+36 30 123 4567", "06301234567" and "30/123-4567" are one number).
`matches(query, fields, phone_fields=…)` is the one condition every search box uses: each word of the
query, folded (lower case, no accents), must appear in one of `fields`, folded the same way by the
database (PostgreSQL: `unaccent(lower(…))`, from the extension the search app installs; SQLite:
`pult_fold`, registered here on every connection); or, when the query is a phone number, its digits must
appear in one of `phone_fields`, reduced by the database to bare digits without the +36/06 prefix as
`phone_digits` does in Python (`PhoneDigits`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import CharField, F, Func, Q

SQLITE_FUNCTION = "pult_fold"
SQLITE_DIGITS_FUNCTION = "pult_phone_digits"
# A word of a query: what lies between spaces and the separators people put in names and lists.
_SEPARATORS = re.compile(r"[\s,;()]+")
# Combining marks of every block (accents, and those of compatibility forms: "ﬁ" → "fi" keeps none).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# A query that is only a phone number: digits and the signs people write them with.
_PHONE_LIKE = re.compile(r"^[\d\s+/().-]+$")
MIN_PHONE_DIGITS = 6


def fold(text: str) -> str:
    """Lower case without accents: "Ónodi Árpád" → "onodi arpad" (ő → o, ű → u); the search index's and the
    library's folding too."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text or "")).lower()


def words(query: str) -> list[str]:
    """The folded words of a query, each once, in the order typed."""
    return list(dict.fromkeys(word for word in _SEPARATORS.split(fold(query)) if word))


def phone_digits(value: str) -> str:
    """Digits of a phone number without the country/trunk prefix, so +36 30 123 4567 matches 06301234567."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("36") or digits.startswith("06"):
        digits = digits[2:]
    return digits


class Folded(Func):
    """A text column in lower case without accents, as `fold` writes it."""

    function = SQLITE_FUNCTION
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="unaccent(lower(%(expressions)s))", **extra)


class PhoneDigits(Func):
    """A phone column as `phone_digits` writes it: digits only, without the +36 or 06 prefix."""

    function = SQLITE_DIGITS_FUNCTION
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "regexp_replace(regexp_replace(%(expressions)s, '\\D', '', 'g'), '^(36|06)', '')"
        return self.as_sql(compiler, connection, template=template, **extra)


def matches(query: str, fields: Sequence[str], *, phone_fields: Sequence[str] = ()) -> Q:
    """The rows whose `fields` hold every word of `query`, or whose `phone_fields` hold its digits.

    An empty query matches nothing. Fields may cross relations ("customer__name")."""
    condition = Q(pk__in=[])
    found = words(query)
    if found:
        every_word = Q()
        for word in found:
            any_field = Q()
            for field in fields:
                any_field |= Q(**{f"{_annotation(field)}__contains": word})
            every_word &= any_field
        condition = every_word
    digits = phone_digits(query)
    if phone_fields and is_phone_number(query):
        for field in phone_fields:
            condition |= Q(**{f"{_annotation(field, 'digits')}__contains": digits})
    return condition


def is_phone_number(query: str) -> bool:
    return len(phone_digits(query)) >= MIN_PHONE_DIGITS and bool(_PHONE_LIKE.match(query.strip()))


def _annotation(field: str, kind: str = "folded") -> str:
    return f"{kind}_{field.replace('__', '_')}"


def aliases(fields: Sequence[str], phone_fields: Sequence[str] = ()) -> dict[str, Any]:
    """The expressions `matches` filters on: give them to `queryset.alias(**aliases(...))` first."""
    expressions: dict[str, Any] = {_annotation(field): Folded(F(field)) for field in fields}
    # A column that already keeps the bare digits (`Contact.phone_digits`) is compared as it is.
    expressions |= {
        _annotation(field, "digits"): F(field) if field.endswith("_digits") else PhoneDigits(F(field))
        for field in phone_fields
    }
    return expressions


def lookup(queryset: Any, query: str, fields: Sequence[str], *, phone_fields: Sequence[str] = ()) -> Any:
    """`queryset` narrowed to the rows matching `query` (see `matches`)."""
    condition = matches(query, fields, phone_fields=phone_fields)
    return queryset.alias(**aliases(fields, phone_fields)).filter(condition)


def _register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)
        connection.connection.create_function(SQLITE_DIGITS_FUNCTION, 1, phone_digits, deterministic=True)


connection_created.connect(_register_sqlite_function, dispatch_uid="pult-lookup-fold")
