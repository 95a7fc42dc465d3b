"""Finding a person's identifying values in free text, and the one narrow way past the append-only triggers.

`Identifiers.scrub` replaces every occurrence of a person's name (whole, and each of its words), e-mail
addresses, phone and fax numbers (in any way of writing them: +36 30 123 4567, 06-30/123-4567,
301234567) and postal address, with or without accents, by ``[törölve]``.

`triggers_suspended` lifts named database triggers of an append-only table for the duration of one
savepoint: on PostgreSQL ``ALTER TABLE … DISABLE TRIGGER`` (transactional, invisible to other sessions, and
undone by the same savepoint), on SQLite the trigger is dropped and re-created from its stored definition.
A failure inside rolls the savepoint back, trigger included. Only the erasure and retention code call it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from customers.models import phone_digits

PLACEHOLDER = "[törölve]"
ERASED_EMAIL = "torolt@erased.invalid"
# Words of a name that identify nobody on their own.
_NAME_NOISE = {"dr", "ifj", "id", "özv", "ozv", "prof", "né", "ne", "úr", "ur"}
_SEPARATORS = r"[\s\-/().]*"


def fold(text: str) -> str:
    """Without accents (Kovács → Kovacs), case kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _literal(value: str) -> str:
    words = [re.escape(word) for word in value.split()]
    return r"\s+".join(words)


def _phone_pattern(digits: str) -> str:
    """Any way of writing the national number `digits`, with or without +36 / 06 and separators."""
    body = _SEPARATORS.join(re.escape(digit) for digit in digits)
    return rf"(?<!\d)(?:(?:\+\s*36|0036|36|06){_SEPARATORS})?{body}(?!\d)"


@dataclass(frozen=True)
class Identifiers:
    """The identifying values of one person, compiled for searching free text."""

    values: tuple[str, ...]
    pattern: re.Pattern[str] | None

    @classmethod
    def build(
        cls,
        *,
        names: Iterable[str] = (),
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        addresses: Iterable[str] = (),
    ) -> Identifiers:
        literals: set[str] = set()
        words: set[str] = set()
        numbers: set[str] = set()
        for name in names:
            name = (name or "").strip()
            if len(name) < 2:
                continue
            literals.update({name, fold(name)})
            for word in re.split(r"[\s,.]+", name):
                if len(word) >= 3 and word.lower() not in _NAME_NOISE:
                    words.update({word, fold(word)})
        for value in (*emails, *addresses):
            value = (value or "").strip()
            if len(value) >= 3:
                literals.update({value, fold(value)})
        for phone in phones:
            phone = (phone or "").strip()
            digits = phone_digits(phone)
            if len(digits) >= 6:
                numbers.add(digits)
                literals.add(phone)
        parts = [_literal(value) for value in sorted(literals, key=len, reverse=True)]
        parts += [_phone_pattern(digits) for digits in sorted(numbers, key=len, reverse=True)]
        # A letter or digit next to the word makes it another word; an underscore does not (bodnar_level.pdf).
        parts += [rf"(?<![^\W_]){re.escape(word)}(?![^\W_])" for word in sorted(words, key=len, reverse=True)]
        pattern = re.compile("|".join(f"(?:{part})" for part in parts), re.IGNORECASE) if parts else None
        return cls(values=tuple(sorted(literals | numbers)), pattern=pattern)

    def scrub(self, text: str) -> str:
        if not text or self.pattern is None:
            return text
        return self.pattern.sub(PLACEHOLDER, text)

    def scrub_data(self, value: Any) -> Any:
        """The same for a JSON value: every string in it, at any depth."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_data(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub_data(item) for key, item in value.items()}
        return value

    def found_in(self, text: str) -> bool:
        return bool(text) and self.pattern is not None and self.pattern.search(text) is not None

    def search_terms(self) -> list[str]:
        """Plain substrings to narrow a database query before `scrub` looks at the rows in Python."""
        return [value for value in self.values if not value.isdigit()]


def scrub_rows(rows: Iterable[Any], fields: Sequence[str], identifiers: Identifiers, **fixed: Any) -> int:
    """Scrub `fields` of each model instance (and set `fixed` values); write only the rows that change.

    Writes with QuerySet.update, so `auto_now` dates (the ticket's last change) stay as they were.
    """
    changed = 0
    for row in rows:
        values: dict[str, Any] = {}
        for field in fields:
            old = getattr(row, field)
            new = identifiers.scrub_data(old)
            if new != old:
                values[field] = new
        for field, new in fixed.items():
            if getattr(row, field) != new:
                values[field] = new
        if values:
            type(row)._base_manager.filter(pk=row.pk).update(**values)
            changed += 1
    return changed


@contextmanager
def triggers_suspended(table: str, names: Sequence[str]) -> Iterator[None]:
    """Lift the named triggers of `table` inside one savepoint; they are back before it is released."""
    quote = connection.ops.quote_name
    with transaction.atomic():
        saved: list[tuple[str, str]] = []
        present: list[str] = []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger"
                    " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgname = ANY(%s)",
                    [table, list(names)],
                )
                present = [row[0] for row in cursor.fetchall()]
                # ALTER TABLE is refused while the table has pending (deferred foreign-key) trigger events:
                # check them now; they are deferred again below, as Django's constraints are by default.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for name in present:
                    cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER {quote(name)}")
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
                saved = [(row[0], row[1]) for row in cursor.fetchall() if row[0] in names]
                for name, _definition in saved:
                    cursor.execute(f"DROP TRIGGER {quote(name)}")
            else:  # pragma: no cover - Pult runs on SQLite and PostgreSQL only
                raise RuntimeError(f"Redaction knows the triggers of SQLite and PostgreSQL, not {connection.vendor}.")
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for name in present:
                    cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER {quote(name)}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                for _name, definition in saved:
                    cursor.execute(definition)
