"""The one search interface: tickets and library documents matching a query, ranked, and their snippets.

`matching(queryset, query)` narrows any queryset of a model with a `search_entry` (Ticket, Document) to the
rows whose entry matches, and annotates `search_rank` (higher is better). It never widens the queryset, so
the caller's scope (`tickets.selectors.visible_to`) stays. The match is the database's full-text index:

* PostgreSQL: `search_vector @@ tsquery` (GIN index); rank = 1 for a subject hit (`title_vector`, a few words
  kept in the row) + ts_rank/(1+ts_rank) over the whole text, so a subject hit always comes first.
* SQLite: `id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH …)`; rank = 1 for a subject hit (a
  second MATCH limited to the title column) + the entry's bm25 score squashed into 0…1.

A full ticket number ("2026/000123") or a bare sequence ("000123") also finds the ticket by its number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    QuerySet,
    Value,
    When,
)
from django.utils.safestring import SafeString

from search.models import SearchEntry
from search.text import SearchQuery, highlight, parse_query, snippet

__all__ = [
    "COUNT_CAP",
    "SearchQuery",
    "attach_snippets",
    "matching",
    "order_by_rank",
    "parse_query",
    "ticket_ids_by_number",
]

PG_CONFIG = "pult_hu"


def _tsquery_text(query: SearchQuery) -> str:
    """to_tsquery input: each word quoted (it holds only word characters and . / @ + -), ANDed; the last
    word a prefix when the query allows it. PostgreSQL applies unaccent and the stemmer to each word."""
    parts = []
    for word in query.words:
        part = "'" + word.raw + "'"
        parts.append(part + ":*" if word.prefix else part)
    return " & ".join(parts)


def _fts5_text(query: SearchQuery, *, title_only: bool = False) -> str:
    """FTS5 MATCH input: each word's stems quoted (a phrase when it has several), ANDed; the last a prefix."""
    parts = []
    for word in query.words:
        phrase = '"' + " ".join(word.terms) + '"'
        parts.append(phrase + " *" if word.prefix else phrase)
    expression = " AND ".join(parts)
    return "{title_terms} : (" + expression + ")" if title_only else expression


class _EntryExpression(Expression):
    """SQL on the search entry joined to the outer row (through `<path>__id`)."""

    def __init__(self, entry_path: str, query: SearchQuery, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.entry: Any = F(f"{entry_path}__id")
        self.query = query

    def get_source_expressions(self) -> list[Any]:
        return [self.entry]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.entry,) = exprs

    def _entry_sql(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        sql, params = compiler.compile(self.entry)
        table = compiler.quote_name_unless_alias(self.entry.alias)
        return table, sql, list(params)


class SearchMatch(_EntryExpression):
    conditional = True

    def __init__(self, entry_path: str, query: SearchQuery) -> None:
        super().__init__(entry_path, query, BooleanField())

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        table, _id, params = self._entry_sql(compiler, connection)
        return f"{table}.search_vector @@ to_tsquery('{PG_CONFIG}', %s)", (*params, _tsquery_text(self.query))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        _table, entry_id, params = self._entry_sql(compiler, connection)
        return (
            f"{entry_id} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",  # noqa: S608 (a column)
            (*params, _fts5_text(self.query)),
        )


class SearchRank(_EntryExpression):
    def __init__(self, entry_path: str, query: SearchQuery) -> None:
        super().__init__(entry_path, query, FloatField())

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        table, _id, params = self._entry_sql(compiler, connection)
        tsquery = f"to_tsquery('{PG_CONFIG}', %s)"
        sql = (
            f"(CASE WHEN {table}.title_vector @@ {tsquery} THEN 1.0 ELSE 0.0 END"
            f" + ts_rank({table}.search_vector, {tsquery}, 32))"
        )
        text = _tsquery_text(self.query)
        return sql, (*params, text, text)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        _table, entry_id, params = self._entry_sql(compiler, connection)
        # rank is bm25 with the title weighted 10 (migration 0001) and negative: -rank / (1 - rank) lies in
        # 0…1 like PostgreSQL's ts_rank/(1+ts_rank). Interpolated are only column names from the compiler.
        title_hit = f"{entry_id} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"  # noqa: S608
        # The scores are computed once for all the matches, then looked up through an automatic index on
        # `id`; "LIMIT -1" keeps SQLite from pushing `id = …` into the subquery, which made it one FTS5
        # MATCH per row (124 → 13 ms for a word in 1,024 of 100,000 tickets).
        score = (
            "SELECT scores.score FROM (SELECT rowid AS id, -rank / (1.0 - rank) AS score FROM search_fts"  # noqa: S608
            f" WHERE search_fts MATCH %s LIMIT -1) AS scores WHERE scores.id = {entry_id}"
        )
        sql = f"(CASE WHEN {title_hit} THEN 1.0 ELSE 0.0 END + COALESCE(({score}), 0.0))"
        return sql, (*params, _fts5_text(self.query, title_only=True), *params, _fts5_text(self.query))


def ticket_ids_by_number(query: SearchQuery) -> list[int]:
    """Tickets whose number is the query (2026/000123), or whose sequence it is in any year (000123)."""
    from tickets.models import Ticket, TicketNumberSequence

    if query.ticket_number:
        return list(Ticket.objects.filter(number=query.ticket_number).values_list("pk", flat=True))
    if query.sequence is not None:
        years = TicketNumberSequence.objects.values("year")
        return list(Ticket.objects.filter(year__in=years, sequence=query.sequence).values_list("pk", flat=True))
    return []


def matching(queryset: QuerySet[Any], query: SearchQuery, *, extra_ids: Iterable[int] = ()) -> QuerySet[Any]:
    """The rows of `queryset` whose search entry matches `query` (or whose pk is in `extra_ids`), with
    `search_rank` annotated (extra ids rank first). Never a full scan: the database's text index finds them."""
    extra = sorted(set(extra_ids))
    if not query.words:
        if not extra:
            return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
        return queryset.filter(pk__in=extra).annotate(search_rank=Value(2.0, output_field=FloatField()))
    condition: Any = SearchMatch("search_entry", query)
    rank: Any = SearchRank("search_entry", query)
    if extra:
        condition = condition | _EntryOwnerIn("search_entry", query, extra)
        rank = Case(When(pk__in=extra, then=Value(2.0)), default=Value(0.0), output_field=FloatField()) + rank
    # An inner join (not Django's LEFT JOIN for a reverse one-to-one), so that SQLite may start from the
    # matching entries instead of scanning every row of `queryset`'s table.
    return queryset.filter(search_entry__isnull=False).filter(condition).annotate(search_rank=rank)


class _EntryOwnerIn(_EntryExpression):
    """The entry belongs to one of `ids` (a ticket's number matched): on the entry's table, so that
    PostgreSQL can OR it with the text index (BitmapOr) instead of scanning."""

    conditional = True

    def __init__(self, entry_path: str, query: SearchQuery, ids: list[int]) -> None:
        super().__init__(entry_path, query, BooleanField())
        self.ids = ids

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        table, _id, params = self._entry_sql(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.ids))
        return f"{table}.ticket_id IN ({placeholders})", (*params, *self.ids)


# Ranking reads every match's vector: cheap for a few thousand, ~150 ms for 10,000 (a word in 1% of a million
# tickets). Beyond this many matches the newest come first instead, which PostgreSQL finds by walking the
# tickets' received-at index and probing the entries, stopping at the page's end.
RANK_LIMIT = 2000
# A search result list counts at most this many matches ("more than 2000"): nobody pages further, and
# counting the 250,000 tickets that hold a common word costs more than finding the first page. It is the rank
# limit, so that the list's count and the rank decision are one statement with one plan: at 1,000,000 tickets
# a LIMIT of 1,001 led PostgreSQL to a sequential scan of the entries hoping to stop early (108 ms for a word
# in 1% of the tickets) where LIMIT 2,001 reads the GIN index (14 ms).
COUNT_CAP = RANK_LIMIT


def order_by_rank(found: QuerySet[Any], *then: Any) -> QuerySet[Any]:
    """`found` (from `matching`) by rank, then `then`; by `then` alone when more than RANK_LIMIT match
    (one capped count query decides)."""
    from common.pagination import capped_count

    if capped_count(found, RANK_LIMIT) > RANK_LIMIT:
        return found.order_by(*then)
    return found.order_by(F("search_rank").desc(), *then)


def search_tickets(tickets: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Tickets of `tickets` matching the user's search text, with `search_rank`; none for a text with no word."""
    query = parse_query(text)
    return matching(tickets, query, extra_ids=ticket_ids_by_number(query))


def attach_snippets(rows: Iterable[Any], text: str, *, owner: str = "ticket") -> None:
    """Set `search_title` (highlighted) and `search_snippet` on each row of a result page: one query."""
    query = parse_query(text)
    rows = list(rows)
    if not rows or not query.words:
        return
    field = f"{owner}_id"
    bodies = dict(SearchEntry.objects.filter(**{f"{field}__in": [row.pk for row in rows]}).values_list(field, "body"))
    for row in rows:
        title = str(getattr(row, "subject", None) or getattr(row, "title", ""))
        row.search_title = highlight(title, query)
        row.search_snippet = snippet(bodies.get(row.pk, ""), query) if row.pk in bodies else SafeString("")
