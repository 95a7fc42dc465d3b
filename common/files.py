"""Serving stored files: always as a download, never sniffed, never interpreted by the browser."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def download(stored: FieldFile, filename: str) -> FileResponse:
    """The stored file as an attachment under its original name; 404 if it is gone from the storage."""
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError, ValueError) as missing:
        raise Http404("The file is missing.") from missing
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response
