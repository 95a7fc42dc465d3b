"""Words for the search index and for queries: folded (no accents, lower case), stop words out, Hungarian stems.

The order is fold first, then stem: the Snowball Hungarian stemmer gives different stems for "számla" (száml)
and "számlák" (számla), but the same for "szamla" and "szamlak" (szaml). PostgreSQL's `pult_hu` configuration
does the same (`unaccent`, then `hungarian_stem`), so both databases see "számla", "számlák", "szamlak" alike.

Nothing here raises on any input: a query is cut to a few words of word characters before it reaches a
database, and highlighting escapes the text and adds only <mark>.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.lookup import fold

MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 60
# Prefix matching on the last word only from this many characters of its stem ("sza" → everything).
MIN_PREFIX_CHARS = 3
# Words longer than this are not stemmed (PostgreSQL ignores words over 2047 bytes; nobody types these).
MAX_STEM_CHARS = 100

# PostgreSQL's Hungarian stop-word list (tsearch_data/hungarian.stop), the entries without accents: after
# `unaccent` only these can still match, so the same words are dropped on both databases.
STOP_WORDS = frozenset(
    """a ahogy ahol aki akik akkor alatt amely amelyek amelyekben amelyeket amelyet amelynek ami amit amolyan
    amikor abban ahhoz annak arra az azok azon azt azzal azonban be benne cikk cikkek cikkeket csak de e eddig
    egy egyes egyetlen egyik egyre ekkor el ellen ebben ehhez emilyen ennek erre ez ezt ezek ezen ezzel fel
    hanem hiszen hogy hogyan igen illetve ill ilyen ilyenkor ison itt jobban kell kellett ki lehet lehetett
    legyen lenne lenni lesz lett maga majd meg mellett mert mely melyek mi mit milyen mikor minden mindent
    mindenki mindig mint mintha mivel most nagy nagyobb nagyon ne nekem neki nem nincs olyan ott pedig persze
    s sem semmi sok sokat sokkal szemben szerint szinte teljes ugyanis vagy vagyis valaki valami valamint
    vagyok van vannak volt voltam voltak voltunk vissza vele viszont volna""".split()  # noqa: SIM905
)

# A word: letters and digits (the underscore and every punctuation mark separate words).
WORD = re.compile(r"[^\W_]+")
# A query chunk: a word, or words joined by the marks that PostgreSQL's parser keeps together
# (e-mail addresses, ticket numbers 2026/000123, hyphenated words, decimals).
CHUNK = re.compile(r"[^\W_]+(?:[@./+\-][^\W_]+)*")
TICKET_NUMBER = re.compile(r"^(\d{4})/(\d{1,6})$")
SEQUENCE = re.compile(r"^\d{1,6}$")
_local = threading.local()


def _stemmer() -> snowballstemmer.Stemmer:
    # Snowball stemmer objects keep state while they work: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("hungarian")
    return stemmer


@lru_cache(maxsize=200_000)
def stem(folded_word: str) -> str:
    """The Hungarian stem of a folded word; numbers and mixed words stay as they are."""
    if not folded_word.isalpha() or len(folded_word) > MAX_STEM_CHARS:
        return folded_word
    return str(_stemmer().stemWord(folded_word))


def terms(text: str) -> list[str]:
    """The index terms of a text: folded words without stop words, stemmed."""
    return [stem(word) for word in WORD.findall(fold(text)) if word not in STOP_WORDS]


def index_text(text: str) -> str:
    """The terms of `text` as one space-separated string (SQLite's FTS5 indexes this)."""
    return " ".join(terms(text))


@dataclass(frozen=True)
class QueryWord:
    """One word (or joined chunk such as an e-mail address) of a query."""

    raw: str  # word characters and the joining marks of CHUNK only: safe to quote for a database
    terms: tuple[str, ...]  # its stems: more than one means a phrase (adjacent words)
    prefix: bool  # the last word of the query also matches longer words


@dataclass(frozen=True)
class SearchQuery:
    words: tuple[QueryWord, ...]
    ticket_number: str = ""  # "2026/000123" when the query is a full ticket number
    sequence: int | None = None  # 123 when the query is "000123" or "123"

    def __bool__(self) -> bool:
        return bool(self.words) or bool(self.ticket_number) or self.sequence is not None

    @property
    def all_terms(self) -> list[tuple[str, bool]]:
        return [(term, word.prefix) for word in self.words for term in word.terms]


def parse_query(text: str) -> SearchQuery:
    """A user's search text as at most MAX_QUERY_WORDS words, all of which must match (AND)."""
    text = (text or "")[:2000].strip()
    words: list[QueryWord] = []
    for chunk in CHUNK.findall(text):
        if len(chunk) > MAX_WORD_CHARS:
            continue
        chunk_terms = tuple(terms(chunk))
        if not chunk_terms:
            continue  # a stop word: PostgreSQL would drop it too
        words.append(QueryWord(raw=chunk, terms=chunk_terms, prefix=False))
        if len(words) == MAX_QUERY_WORDS:
            break
    if words:
        last = words[-1]
        if len(last.terms) == 1 and last.raw.isalpha() and len(last.terms[0]) >= MIN_PREFIX_CHARS:
            words[-1] = QueryWord(raw=last.raw, terms=last.terms, prefix=True)
    number = TICKET_NUMBER.match(text)
    sequence = SEQUENCE.match(text)
    return SearchQuery(
        words=tuple(words),
        ticket_number=f"{number.group(1)}/{int(number.group(2)):06d}" if number else "",
        sequence=int(text) if sequence and int(text) > 0 else None,
    )


def _matches(word: str, query_terms: list[tuple[str, bool]]) -> bool:
    folded = fold(word)
    stemmed = stem(folded)
    for term, prefix in query_terms:
        if stemmed == term or (prefix and (stemmed.startswith(term) or folded.startswith(term))):
            return True
    return False


def _marked_words(text: str, query: SearchQuery) -> Iterator[tuple[int, int]]:
    query_terms = query.all_terms
    if not query_terms:
        return
    for match in WORD.finditer(text):
        if _matches(match.group(), query_terms):
            yield match.start(), match.end()


def _with_marks(text: str, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append("<mark>" + escape(text[start:end]) + "</mark>")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)


def highlight(text: str, query: SearchQuery) -> SafeString:
    """`text` escaped, with <mark> around the words that match the query."""
    return mark_safe(_with_marks(text, list(_marked_words(text, query))))  # noqa: S308 (escaped above)


def _first_match_near(text: str, query: SearchQuery) -> int | None:
    """Where the first matching word starts, found by a regular expression (C speed over long texts)."""
    prefixes = sorted({term for term, _prefix in query.all_terms if term}, key=len, reverse=True)
    if not prefixes:
        return None
    pattern = re.compile(
        r"(?<![^\W_])(?:" + "|".join(_accent_pattern(prefix) for prefix in prefixes) + ")", re.IGNORECASE
    )
    for candidate in pattern.finditer(text):
        word = WORD.match(text, candidate.start())
        if word is not None and _matches(word.group(), query.all_terms):
            return candidate.start()
    return None


_ACCENTS = {
    "a": "aáàâäã",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôöõő",
    "u": "uúùûüű",
    "c": "cç",
    "n": "nñ",
    "s": "sš",
    "z": "zž",
    "y": "yý",
}


def _accent_pattern(folded: str) -> str:
    return "".join(f"[{_ACCENTS[char]}]" if char in _ACCENTS else re.escape(char) for char in folded)


def snippet(text: str, query: SearchQuery, *, width: int = 200) -> SafeString:
    """A short passage of `text` around the first match, escaped, matches in <mark>; empty when none."""
    start = _first_match_near(text, query)
    if start is None:
        return mark_safe("")
    begin = max(0, start - width // 3)
    end = min(len(text), begin + width)
    if begin > 0:  # start at a word, not in the middle of one
        space = text.find(" ", begin, start)
        begin = space + 1 if space != -1 else begin
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    passage = " ".join(text[begin:end].split())
    marked = _with_marks(passage, list(_marked_words(passage, query)))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + marked + suffix)  # noqa: S308 (escaped in _with_marks)
