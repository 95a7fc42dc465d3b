"""The search index: one entry per ticket and per library document, with the text that is searched.

The entry is an ordinary (managed) table, so Django's test flush and transactions treat it like any other.
The database's own full-text index sits beside it, made by migration 0001 for the database in use:

* PostgreSQL: `search_vector` (subject weighted A, the rest B) and `title_vector`, generated columns with the
  `pult_hu` configuration (unaccent, then Hungarian stemming); a GIN index on `search_vector`.
* SQLite: `search_fts`, an FTS5 table with external content (this table's `title_terms` and `body_terms`,
  which hold the folded, stemmed words that `search.text` makes), kept in step by triggers.

Written only by `search.indexing`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from search.choices import EntryKind

# The most text one entry keeps: a tsvector has a 1 MB limit, and nobody needs page 300 of a PDF found.
MAX_BODY_CHARS = 200_000


class SearchEntry(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind)
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="search_entry"
    )
    document = models.OneToOneField(
        "library.Document", on_delete=models.CASCADE, null=True, blank=True, related_name="search_entry"
    )
    title = models.CharField(_("title"), max_length=250, blank=True)
    body = models.TextField(_("text"), blank=True)
    # SQLite only (empty on PostgreSQL, which makes its vectors from title and body itself).
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=EntryKind.TICKET, ticket__isnull=False, document__isnull=True)
                    | models.Q(kind=EntryKind.DOCUMENT, ticket__isnull=True, document__isnull=False)
                ),
                name="search_entry_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ticket_id or self.document_id}"
