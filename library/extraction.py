"""Reading an uploaded version's text for search, in the worker (library.tasks), never in the request: a
hostile file (a zip bomb) costs the worker a refusal within library.text's limits, and the upload is kept.
"""

from __future__ import annotations

from django.db import transaction

from library.choices import FileType, TextRefusal, TextStatus
from library.models import Document, DocumentVersion
from library.text import Extraction, extract, fold

# Types whose text is read for search; the others (images) have none.
TEXT_TYPES = {FileType.PDF, FileType.DOCX, FileType.ODT, FileType.XLSX, FileType.TEXT}


def search_text_of(document: Document, version: DocumentVersion | None) -> str:
    """Document.search_text: the folded title, summary, module and the version's text."""
    parts = [document.title, document.summary]
    if document.module is not None:
        parts += [document.module.name, document.module.code]
    if version is not None:
        parts.append(version.extracted_text)
    return fold("\n".join(parts))


def version_text_extract(*, version_id: int) -> DocumentVersion | None:
    """Read a version's file for search (the worker's task): the text, or why it was refused, on the version;
    the document's search text and index entry follow when it is the current version.

    Safe to run twice or concurrently: only a version still pending is read, and the result is written under
    the row lock only if it is still pending. The file is read outside any transaction."""
    version = DocumentVersion.objects.filter(pk=version_id, text_status=TextStatus.PENDING).first()
    if version is None:
        return None
    try:
        with version.file.open("rb") as handle:
            # The whole file (its size was checked at the upload); read(limit) would reserve the limit at once.
            data = handle.read()
    except (OSError, ValueError):
        result = Extraction("", TextStatus.REFUSED, TextRefusal.UNREADABLE)
    else:
        result = extract(data, version.content_type)
        del data
    with transaction.atomic():
        # The document first, as library.services locks it, then the version.
        document = Document.objects.select_for_update(of=("self",)).select_related("module").get(pk=version.document_id)
        locked = DocumentVersion.objects.select_for_update().filter(pk=version_id, text_status=TextStatus.PENDING)
        version = locked.first()
        if version is None:
            return None
        version.extracted_text = result.text
        version.text_status = result.status
        version.text_refusal = result.refusal
        version.save(update_fields=["extracted_text", "text_status", "text_refusal"])
        if document.current_id == version.pk:
            document.current = version
            document.search_text = search_text_of(document, version)
            document.save(update_fields=["search_text"])  # and the index entry (search.signals)
    return version
