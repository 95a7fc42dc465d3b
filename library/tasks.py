"""Background work of the library. Tasks take ids, are safe to run twice, and are queued on commit."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from library.extraction import version_text_extract


@db_task(context=False)
def extract_version_text_task(version_id: int) -> None:
    """Read an uploaded version's text for search (queued by library.services after the upload commits)."""
    version_text_extract(version_id=version_id)
