"""Reads of the library, always scoped to what the user may read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from common.collation import hungarian
from library.choices import Visibility
from library.models import Document, DocumentVersion
from library.text import fold


def is_staff_reader(user: Any) -> bool:
    """A staff member (not a portal account) who may open the library's staff pages."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "contact_id", None) is None
        and user.has_perm("library.view_document")
    )


def visible_to(user: Any) -> QuerySet[Document]:
    """Staff see every non-archived document; a portal account the customers' and public ones; anyone
    else the public ones."""
    documents = Document.objects.filter(is_archived=False)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return documents.filter(visibility=Visibility.PUBLIC)
    if getattr(user, "contact_id", None) is not None:
        return documents.filter(visibility__in=[Visibility.CUSTOMERS, Visibility.PUBLIC])
    return documents


def page_scope(user: Any) -> QuerySet[Document]:
    """What a staff page may show: the visible documents, and the archived ones to those who manage them
    (so that they can be looked up and brought back)."""
    if not is_staff_reader(user):
        return Document.objects.none()
    if user.has_perm("library.manage_documents"):
        return Document.objects.all()
    return visible_to(user)


def search(documents: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents whose text holds every word of `query` (the search app's full-text index: accents, case and
    Hungarian word forms aside; the last word may be the start of a word); by title. An empty query: all."""
    if fold(query):
        from search.selectors import matching, parse_query

        documents = matching(documents, parse_query(query))
    return documents.order_by(hungarian("title"), "id")


def with_list_columns(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.select_related("category", "module", "current")


def document_list(
    user: Any, *, query: str = "", category: Any = None, module: Any = None, archived: bool = False
) -> QuerySet[Document]:
    documents = page_scope(user)
    documents = documents.filter(is_archived=True) if archived else documents.filter(is_archived=False)
    if category is not None:
        documents = documents.filter(category=category)
    if module is not None:
        documents = documents.filter(module=module)
    return with_list_columns(search(documents, query))


def get_for(user: Any, pk: int) -> Document:
    """The document `pk` if a staff page may show it to `user`; otherwise 404, as if it did not exist."""
    document = page_scope(user).select_related("category", "module", "current", "created_by").filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    return document


def versions(document: Document) -> QuerySet[DocumentVersion]:
    """Every version of the document, the newest first."""
    return document.versions.select_related("created_by").order_by("-number")


def version_for(user: Any, pk: int, number: int) -> DocumentVersion:
    """A version of a document a staff page may show to `user`; 404 otherwise."""
    version = (
        DocumentVersion.objects.select_related("document")
        .filter(document__in=page_scope(user), document_id=pk, number=number)
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


def linked_to_ticket(user: Any, ticket: Any) -> QuerySet[Document]:
    """The library documents linked to `ticket` that `user` may read, by title."""
    if not is_staff_reader(user):
        return Document.objects.none()
    return (
        visible_to(user)
        .filter(ticket_links__ticket=ticket)
        .select_related("category", "current")
        .order_by(hungarian("title"), "id")
    )


def linked_tickets(user: Any, document: Document) -> QuerySet[Any]:
    """The tickets the document is linked to that `user` may see."""
    from tickets.selectors import visible_to as tickets_visible_to

    return (
        tickets_visible_to(user)
        .filter(library_links__document=document)
        .only("id", "year", "sequence", "number", "subject", "state")
        .order_by("-year", "-sequence")
    )
