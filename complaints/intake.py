"""Complaints that arrive by themselves: by e-mail (the complaints mailbox, or a reply on a complaint) and
through the public complaint form. Both are recorded by the system user and acknowledged at once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.services import system_user
from complaints import services
from complaints.choices import Action, EntryKind
from complaints.models import Complaint, ComplaintMessage
from tickets.choices import Channel

COMPLAINT_NUMBER = re.compile(r"\[P-(?P<year>\d{4})/(?P<sequence>\d{5})\]")


def _referenced(parsed: Any) -> Complaint | None:
    """The complaint a message answers: our Message-ID in its headers, or the number in its subject."""
    ids = [parsed.in_reply_to, *parsed.references]
    ids = [value for value in ids if value]
    if ids:
        message = ComplaintMessage.objects.filter(message_id__in=ids).select_related("complaint").first()
        if message is not None:
            return message.complaint
    match = COMPLAINT_NUMBER.search(parsed.subject or "")
    if match:
        return Complaint.objects.filter(year=int(match["year"]), sequence=int(match["sequence"])).first()
    return None


def _files(raw: bytes, parsed: Any) -> list[UploadedFile]:
    files: list[UploadedFile] = [SimpleUploadedFile("eredeti-level.eml", raw, content_type="message/rfc822")]
    files += [SimpleUploadedFile(a.filename, a.content, content_type=a.content_type) for a in parsed.attachments]
    return files


def complaint_from_email(*, raw: bytes, parsed: Any, received_at: dt.datetime, new: bool) -> Complaint | None:
    """A reply on a complaint is added to it; a new message to the complaints mailbox is a new complaint."""
    complaint = _referenced(parsed)
    if complaint is not None and complaint.purged_at is None:
        message_received(complaint=complaint, text=parsed.text, sender=parsed.sender_address, files=_files(raw, parsed))
        return complaint
    if not new:
        return None
    return services.complaint_record(
        actor=system_user(),
        data=services.ComplaintInput(
            channel=Channel.EMAIL,
            subject=(parsed.subject or "").strip()[:250] or str(_("(no subject)")),
            description=parsed.text.strip() or str(_("(the e-mail has no text; see the attached original)")),
            received_at=received_at,
            complainant_name=parsed.sender_name[:200],
            complainant_email=parsed.sender_address[:254],
            documents=_files(raw, parsed),
        ),
    )


def message_received(*, complaint: Complaint, text: str, sender: str, files: list[UploadedFile]) -> None:
    """The complainant wrote again: the message and its files join the investigation, on the timeline."""
    actor = system_user()
    with services.files_discarded_on_error() as stored, transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        entries = [services._store_entry(locked, actor, EntryKind.MESSAGE, text or "—", None, stored)]
        for upload in files:
            entries.append(services._store_entry(locked, actor, EntryKind.DOCUMENT, upload.name, upload, stored))
        services._event(locked, actor, Action.MESSAGE, note=text, sender=sender, entry=entries[0].pk)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
