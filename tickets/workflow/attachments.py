"""Files on a ticket: stored with the step that brings them, and deleted again if its transaction fails."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from common import filetypes
from tickets.models import Attachment, Ticket
from tickets.workflow.core import InvalidInput, _apply


@contextmanager
def files_discarded_on_error() -> Iterator[list[str]]:
    """Files stored inside a transaction are deleted again if it fails (the rows roll back; files would not)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _store_attachment(
    ticket: Ticket, actor: Any, upload: UploadedFile, *, description: str, stored: list[str]
) -> Attachment:
    size = upload.size or 0
    if size > settings.PULT_MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            _("The file “%(name)s” is larger than the limit of %(limit)s MB.")
            % {"name": upload.name, "limit": settings.PULT_MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    # The type comes from the bytes, not from the sender's word; programs are refused.
    try:
        content_type = filetypes.upload_type(upload)
    except ValueError as program:
        raise InvalidInput(str(program)) from None
    attachment = Attachment(
        ticket=ticket,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=size,
        description=description,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    stored.append(attachment.file.name or "")
    attachment.save()
    return attachment


def attach_files(
    *,
    ticket: Ticket | int,
    actor: Any,
    files: Iterable[UploadedFile],
    description: str = "",
    expected_version: int | None = None,
) -> Ticket:
    uploads = list(files)
    if not uploads:
        raise InvalidInput(_("Choose a file to attach."))

    with files_discarded_on_error() as stored:

        def change(locked: Ticket) -> dict[str, Any]:
            names = [
                _store_attachment(locked, actor, upload, description=description, stored=stored).original_name
                for upload in uploads
            ]
            return {"files": names}

        return _apply(
            ticket=ticket,
            actor=actor,
            step_name="attach",
            expected_version=expected_version,
            note=description,
            change=change,
        )
