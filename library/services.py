"""The one door for library writes: publishing, new versions, changes, links to tickets; and file serving.

Every function takes an explicit actor, checks the actor's permission, runs in a transaction and raises a
WorkflowError (the ticket workflow's family) with a translated message before anything is kept. Files
stored during a transaction that then fails are deleted again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, InvalidInput, NotAllowed
from library.choices import FileType, TextStatus, Visibility
from library.extraction import TEXT_TYPES, search_text_of
from library.models import Category, Document, DocumentVersion, TicketDocument
from library.tasks import extract_version_text_task
from library.text import MAX_TEXT_CHARS, clean_text, detect_type
from tickets.choices import Action
from tickets.workflow import files_discarded_on_error

__all__ = [
    "InvalidInput",
    "NotAllowed",
    "WorkflowError",
    "add_version",
    "change_document",
    "file_response",
    "link_to_ticket",
    "publish_document",
    "unlink",
]

# Types a browser may show in its own window; anything else is always a download.
INLINE_TYPES = {FileType.PDF, FileType.PNG, FileType.JPEG, FileType.TEXT}

WorkflowError = DomainError  # the shared family of refusals (common.errors), by its workflow name


def _require(actor: Any, permission: str, message: Any) -> None:
    if actor is None or not getattr(actor, "is_active", False) or not actor.has_perm(permission):
        raise NotAllowed(message)


def _required(value: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def _check_fields(title: str, category: Any, visibility: str) -> str:
    title = _required(title, _("The title is required."))
    if not isinstance(category, Category):
        raise InvalidInput(_("Choose the document's category."))
    if visibility not in Visibility.values:
        raise InvalidInput(_("Choose who may read the document."))
    return title


def _read_upload(upload: Any) -> tuple[bytes, str, str]:
    """The upload's bytes, recognised type and name; refused when too large or of a type not taken."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255] or "file"
    limit = settings.PULT_LIBRARY_MAX_FILE_BYTES
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise InvalidInput(
            _("The file “%(name)s” is larger than the limit of %(limit)s MB.")
            % {"name": name, "limit": limit // (1024 * 1024)}
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            _("The file “%(name)s” is larger than the limit of %(limit)s MB.")
            % {"name": name, "limit": limit // (1024 * 1024)}
        )
    if not data:
        raise InvalidInput(_("The file “%(name)s” is empty.") % {"name": name})
    content_type = detect_type(data)
    if content_type is None:
        raise InvalidInput(
            _(
                "The file “%(name)s” is not of a type the library takes. "
                "Upload PDF, DOCX, ODT, XLSX, PNG, JPEG or plain text."
            )
            % {"name": name}
        )
    return data, content_type, name


def _prepare_version(file: Any, markdown: str, note: str) -> dict[str, Any]:
    """Check the content of a new version before anything is written: a file or Markdown, not both."""
    markdown = (markdown or "").strip()
    if file is not None and markdown:
        raise InvalidInput(_("A version is either an uploaded file or a page written in Markdown, not both."))
    if file is None and not markdown:
        raise InvalidInput(_("Upload a file or write the page's text."))
    if len(markdown) > MAX_TEXT_CHARS:
        raise InvalidInput(_("The text is too long."))
    fields: dict[str, Any] = {"note": (note or "").strip()[:500]}
    if file is not None:
        data, content_type, name = _read_upload(file)
        fields |= {
            "data": data,
            "content_type": content_type,
            "original_name": name,
            "size": len(data),
            # Read by the worker after the commit (library.tasks), never in the request.
            "extracted_text": "",
            "text_status": TextStatus.PENDING if content_type in TEXT_TYPES else TextStatus.DONE,
        }
    else:
        markdown = clean_text(markdown)
        fields |= {"markdown": markdown, "extracted_text": markdown, "text_status": TextStatus.DONE}
    return fields


def _queue_text_extraction(version: DocumentVersion) -> None:
    if version.text_status == TextStatus.PENDING:
        transaction.on_commit(lambda: extract_version_text_task(version.pk))


def _store_version(document: Document, actor: Any, fields: dict[str, Any], stored: list[str]) -> DocumentVersion:
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    data = fields.pop("data", None)
    version = DocumentVersion(document=document, number=last + 1, created_by=actor, **fields)
    if data is not None:
        version.file.save(version.original_name, ContentFile(data), save=False)
        stored.append(version.file.name or "")
    version.save()
    return version


def publish_document(
    *,
    actor: Any,
    title: str,
    summary: str,
    category: Category,
    module: Any,
    visibility: str,
    file: Any = None,
    markdown: str = "",
    note: str = "",
) -> Document:
    """A new document with its first version."""
    _require(actor, "library.manage_documents", _("Your role does not allow publishing library documents."))
    title = _check_fields(title, category, visibility)
    fields = _prepare_version(file, markdown, note)
    with files_discarded_on_error() as stored, transaction.atomic():
        now = timezone.now()
        document = Document.objects.create(
            title=title[:250],
            summary=(summary or "").strip()[:1000],
            category=category,
            module=module,
            visibility=visibility,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        version = _store_version(document, actor, fields, stored)
        document.current = version
        document.search_text = search_text_of(document, version)
        document.save(update_fields=["current", "search_text"])
        _queue_text_extraction(version)
    return document


def add_version(
    *, document: Document, actor: Any, file: Any = None, markdown: str = "", note: str = ""
) -> DocumentVersion:
    """A new version becomes the current one; the older ones are kept and listed."""
    _require(actor, "library.manage_documents", _("Your role does not allow publishing library documents."))
    fields = _prepare_version(file, markdown, note)
    with files_discarded_on_error() as stored, transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).select_related("module").get(pk=document.pk)
        version = _store_version(locked, actor, fields, stored)
        locked.current = version
        locked.updated_at = timezone.now()
        locked.search_text = search_text_of(locked, version)
        locked.save(update_fields=["current", "updated_at", "search_text"])
        _queue_text_extraction(version)
    document.refresh_from_db()
    return version


def change_document(
    *,
    document: Document,
    actor: Any,
    title: str,
    summary: str,
    category: Category,
    module: Any,
    visibility: str,
    is_archived: bool = False,
) -> Document:
    """Change the title, summary, category, module or visibility, or archive (hide) the document."""
    _require(actor, "library.manage_documents", _("Your role does not allow editing library documents."))
    title = _check_fields(title, category, visibility)
    with transaction.atomic():
        locked = Document.objects.select_for_update(of=("self",)).select_related("current").get(pk=document.pk)
        locked.title = title[:250]
        locked.summary = (summary or "").strip()[:1000]
        locked.category = category
        locked.module = module
        locked.visibility = visibility
        locked.is_archived = bool(is_archived)
        locked.updated_at = timezone.now()
        locked.search_text = search_text_of(locked, locked.current)
        locked.save()
    document.refresh_from_db()
    return document


def link_to_ticket(*, actor: Any, document: Document, ticket: Any) -> TicketDocument:
    """Link a document to a ticket both of which the actor may see; linking twice changes nothing."""
    from library.selectors import visible_to
    from tickets.selectors import visible_to as tickets_visible_to

    _require(actor, "library.link_document", _("Your role does not allow linking documents to tickets."))
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise NotAllowed(_("You cannot link documents to this ticket."))
    if not visible_to(actor).filter(pk=document.pk).exists():
        raise InvalidInput(_("No such document in the library."))
    with transaction.atomic():
        link, created = TicketDocument.objects.get_or_create(
            ticket=ticket, document=document, defaults={"linked_by": actor}
        )
        if created:
            _on_timeline(ticket, Action.DOCUMENT_LINKED, document, actor)
    return link


def _on_timeline(ticket: Any, action: Action, document: Document, actor: Any) -> None:
    """Linking and unlinking are on the ticket's timeline, with the document's title and current version."""
    from tickets.workflow import note_event

    version = document.current.number if document.current_id and document.current else None
    note_event(ticket, action, note=document.title, data={"document": document.pk, "version": version}, actor=actor)


def unlink(*, actor: Any, document: Document, ticket: Any) -> None:
    """Remove a document's link to a ticket."""
    from tickets.selectors import visible_to as tickets_visible_to

    _require(actor, "library.link_document", _("Your role does not allow linking documents to tickets."))
    if not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise NotAllowed(_("You cannot link documents to this ticket."))
    with transaction.atomic():
        removed, _kinds = TicketDocument.objects.filter(ticket=ticket, document=document).delete()
        if removed:
            _on_timeline(ticket, Action.DOCUMENT_UNLINKED, document, actor)


def file_response(version: DocumentVersion, *, as_attachment: bool = True) -> FileResponse:
    """The version's file, as a download unless asked inline and of a type a browser shows safely."""
    if not version.file:
        raise Http404()
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404() from None
    inline = not as_attachment and version.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=version.original_name or f"document-{version.document_id}-v{version.number}",
        content_type=version.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
