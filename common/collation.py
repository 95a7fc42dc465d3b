"""Hungarian alphabetical order for names: á with a, ő with ö, and "cs", "sz", "zs" as letters of their own.

PostgreSQL has the ICU collation `hu-HU-x-icu` built in. SQLite gets a collation of the same name,
registered on every new connection, so one query expression (`hungarian("name")`) orders names the same
way on both databases, and `hungarian_key` gives the same order to lists sorted in Python.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

COLLATION = "hu-HU-x-icu"

# The Hungarian alphabet. Long and short vowels share a letter (primary weight) and differ only when
# the words are otherwise equal, as in the Hungarian spelling rules (helyesírási szabályzat 15.).
_ALPHABET = [
    *("a", "b", "c", "cs", "d", "dz", "dzs", "e", "f", "g", "gy", "h", "i", "j", "k", "l", "ly", "m", "n"),
    *("ny", "o", "ö", "p", "q", "r", "s", "sz", "t", "ty", "u", "ü", "v", "w", "x", "y", "z", "zs"),
]
_PRIMARY = {letter: index for index, letter in enumerate(_ALPHABET)}
_SHORT = {"á": "a", "é": "e", "í": "i", "ó": "o", "ő": "ö", "ú": "u", "ű": "ü"}
_DIGRAPHS = ("dzs", "cs", "dz", "gy", "ly", "ny", "sz", "ty", "zs")
# A doubled digraph is written with its first letter doubled: "ssz" is "sz" + "sz", "ggy" is "gy" + "gy".
_DOUBLED = {digraph[0] + digraph: digraph for digraph in ("cs", "dz", "gy", "ly", "ny", "sz", "ty", "zs")}
_AFTER_LETTERS = len(_ALPHABET)


def _letters(word: str) -> list[str]:
    letters: list[str] = []
    index = 0
    while index < len(word):
        triple = word[index : index + 3]
        if triple in _DOUBLED:
            letters += [_DOUBLED[triple]] * 2
            index += 3
            continue
        for digraph in _DIGRAPHS:
            if word.startswith(digraph, index):
                letters.append(digraph)
                index += len(digraph)
                break
        else:
            letters.append(word[index])
            index += 1
    return letters


@lru_cache(maxsize=65536)
def hungarian_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Sort key: letters first, then long after short vowels, then lower case before upper case."""
    lowered = text.casefold()
    primary: list[int] = []
    secondary: list[int] = []
    for letter in _letters(lowered):
        short = _SHORT.get(letter, letter)
        if short in _PRIMARY:
            primary.append(_PRIMARY[short])
        elif short.isalnum():
            # Digits before letters (as ICU sorts them); other letters after z, by their unaccented form.
            base = unicodedata.normalize("NFKD", short)[0]
            primary.append(-100 + int(short) if short.isdigit() else _AFTER_LETTERS + ord(base))
        elif short.isspace():
            primary.append(-1000)  # "Kis Péter" before "Kis-Nagy" before "Kisfaludy", as ICU orders them
        else:
            primary.append(-900 + min(ord(short), 799))
        secondary.append(1 if letter in _SHORT else 0)
    tertiary = tuple(1 if character.isupper() else 0 for character in text if character.isalnum())
    return tuple(primary), tuple(secondary), tertiary


def _compare(left: str, right: str) -> int:
    left_key, right_key = hungarian_key(left), hungarian_key(right)
    return (left_key > right_key) - (left_key < right_key)


def hungarian(field: str) -> Collate:
    """`field` in Hungarian alphabetical order, for `order_by` and `Meta.ordering`."""
    return Collate(F(field), COLLATION)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


connection_created.connect(register_sqlite_collation, dispatch_uid="pult-hungarian-collation")
