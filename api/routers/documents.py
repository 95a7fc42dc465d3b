"""The information library over the JSON API: search, read and download what the caller may read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from api.auth import caller
from api.errors import with_errors
from api.pagination import MAX_LIMIT, Keyset, page
from api.schemas import Page, Ref, Text
from library import selectors
from library.choices import Visibility
from library.models import Document
from library.services import file_response

router = Router(tags=["documents"])

BY_TITLE = Keyset("title", ("title", "id"), (str, int))


class VersionOut(Schema):
    number: int
    original_name: str
    content_type: str
    size: int
    has_file: bool
    created_at: dt.datetime


class DocumentOut(Schema):
    id: int
    title: str
    summary: str
    category: Ref
    module: Ref | None
    visibility: Visibility
    updated_at: dt.datetime
    current: VersionOut | None
    download_url: str | None = Field(description="The current version's file, if it is a file.")

    @staticmethod
    def resolve_category(obj: Any) -> dict[str, Any]:
        return {"id": obj.category.id, "name": obj.category.display_name}

    @staticmethod
    def resolve_download_url(obj: Any) -> str | None:
        return f"/api/v1/documents/{obj.id}/download" if obj.current and obj.current.file else None


class DocumentDetailOut(DocumentOut):
    markdown: str = Field(description="The current version's text, if it is a page written in Markdown.")

    @staticmethod
    def resolve_markdown(obj: Any) -> str:
        return obj.current.markdown if obj.current else ""


class DocumentPage(Page):
    items: list[DocumentOut]


class DocumentParams(Schema):
    q: Text = Field("", max_length=200, description="Words to find, accents and case aside (every word must match).")
    cursor: Text | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=MAX_LIMIT)


def _documents(user: Any) -> Any:
    if not selectors.is_staff_reader(user):
        raise PermissionDenied(_("Your role does not allow reading the library."))
    return selectors.visible_to(user).select_related("category", "module", "current")


def _document(user: Any, document_id: int) -> Document:
    document = _documents(user).filter(pk=document_id).first()
    if document is None:
        raise Http404()
    return document


@router.get("", response=with_errors({200: DocumentPage}), summary="Search documents")
def list_documents(request: HttpRequest, params: Query[DocumentParams]) -> dict[str, Any]:
    documents = selectors.search(_documents(caller(request)), params.q)
    items, next_cursor = page(documents, BY_TITLE, cursor=params.cursor, limit=params.limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{document_id}", response=with_errors({200: DocumentDetailOut}), summary="Get a document")
def get_document(request: HttpRequest, document_id: int = Path(..., ge=1, le=2**62)) -> Document:
    return _document(caller(request), document_id)


@router.get(
    "/{document_id}/download",
    response=with_errors({200: None}),
    summary="Download a document's current file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The current version's file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_document(request: HttpRequest, document_id: int = Path(..., ge=1, le=2**62)) -> FileResponse:
    document = _document(caller(request), document_id)
    if document.current is None:
        raise Http404()
    return file_response(document.current, as_attachment=True)
