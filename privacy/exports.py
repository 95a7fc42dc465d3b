"""The export for a data-subject access request: a ZIP of everything Pult holds about one person.

`build_export` writes the ZIP: JSON files for the person, their tickets (with the customer-visible and the
internal records of each), e-mails in and out, complaints and the access-log entries about them, the original
attachment files and the raw e-mails (.eml). The worker (`produce`) stores it under a random name in the
default storage, which the web server does not serve; the request's handler downloads it once
(`download`), after which — or after a week — the file is deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import tempfile
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from common.errors import IllegalTransition, NotAllowed
from privacy.choices import AccessKind, ExportState, RequestAction
from privacy.models import AccessLogEntry, Restriction, SubjectExport, SubjectRequest

logger = logging.getLogger(__name__)

# Fields that say nothing about the person and only make the files harder to read.
_SKIPPED = {"version", "content_hash", "phone_digits", "fax_digits", "raw", "attachment", "data"}


def _value(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    if field.is_relation:
        related = getattr(obj, field.name, None)
        if related is None:
            return None
        return getattr(related, "display_name", None) or str(related)
    value = getattr(obj, field.attname)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    if isinstance(value, bytes | memoryview):
        return None
    return value


def record(obj: models.Model, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A model row as plain JSON values, with the human label next to each choice."""
    skipped = _SKIPPED | set(skip)
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skipped:
            continue
        row[field.name] = _value(obj, field)
        if field.choices and row[field.name]:
            row[f"{field.name}_label"] = str(getattr(obj, f"get_{field.name}_display")())
    return row


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._") or "file"
    return cleaned[:120]


class _Writer:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names: set[str] = set()

    def json(self, name: str, data: Any) -> None:
        self.archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2, default=str))

    def file(self, folder: str, name: str, opener: Any) -> str | None:
        """Copy a stored file into the ZIP; returns its path there, or None when it is missing."""
        path = f"files/{folder}/{_safe_name(name)}"
        stem, dot, ext = path.rpartition(".")
        counter = 1
        while path in self.names:
            counter += 1
            path = f"{stem}-{counter}{dot}{ext}" if dot else f"{path}-{counter}"
        try:
            with opener() as source, self.archive.open(path, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
        except (OSError, ValueError):
            logger.warning("Export: the file %s is missing from the storage.", name)
            return None
        self.names.add(path)
        return path

    def raw(self, folder: str, name: str, data: bytes) -> str:
        path = f"files/{folder}/{_safe_name(name)}"
        self.archive.writestr(path, data)
        self.names.add(path)
        return path


def _tickets(contact: Any, writer: _Writer) -> tuple[list[dict[str, Any]], list[int]]:
    from tickets.models import Ticket

    if contact is None:
        return [], []
    tickets = (
        Ticket.objects.filter(contact=contact)
        .select_related("customer", "module", "registered_by", "assignee", "contact")
        .prefetch_related(
            "events__actor",
            "work_logs__author",
            "test_logs__author",
            "consultations__author",
            "notifications__recorded_by",
            "feedback__registered_by",
            "attachments__uploaded_by",
            "letters__prepared_by",
            "ratings",
        )
        .order_by("received_at", "id")
    )
    result = []
    for ticket in tickets:
        attachments = []
        for attachment in ticket.attachments.all():
            row = record(attachment)
            row["file_in_export"] = writer.file(
                f"tickets/{ticket.year}-{ticket.sequence}",
                attachment.original_name or "file",
                lambda attachment=attachment: attachment.file.open("rb"),
            )
            attachments.append(row)
        result.append(
            {
                **record(ticket),
                "events": [record(event) for event in ticket.events.all()],
                "work_log": [record(entry) for entry in ticket.work_logs.all()],
                "test_log": [record(entry) for entry in ticket.test_logs.all()],
                "consultations": [record(entry) for entry in ticket.consultations.all()],
                "notifications": [record(entry) for entry in ticket.notifications.all()],
                "feedback": [record(entry) for entry in ticket.feedback.all()],
                "ratings": [record(entry) for entry in ticket.ratings.all()],
                "letters": [record(entry) for entry in ticket.letters.all()],
                "attachments": attachments,
            }
        )
    return result, [ticket.pk for ticket in tickets]


def _messages(email: str, ticket_ids: list[int], writer: _Writer) -> dict[str, list[dict[str, Any]]]:
    from mail.models import InboundMessage, OutboundMessage

    inbound_filter = Q(ticket_id__in=ticket_ids)
    outbound_filter = Q(ticket_id__in=ticket_ids)
    if email:
        inbound_filter |= Q(sender_address__iexact=email)
        outbound_filter |= Q(to__iexact=email)
    received = []
    for message in InboundMessage.objects.filter(inbound_filter).select_related("ticket").order_by("received_at", "id"):
        row = record(message, skip=["mailbox"])
        row["ticket"] = message.ticket.number if message.ticket else None
        row["raw_in_export"] = writer.raw("emails", f"in-{message.pk}.eml", bytes(message.raw))
        received.append(row)
    sent = []
    for outbound in (
        OutboundMessage.objects.filter(outbound_filter).select_related("ticket").order_by("created_at", "id")
    ):
        row = record(outbound, skip=["requested_by"])
        if outbound.attachment:
            row["attachment_in_export"] = writer.raw(
                "emails", f"out-{outbound.pk}-{outbound.attachment_name or 'attachment'}", bytes(outbound.attachment)
            )
        sent.append(row)
    return {"received": received, "sent": sent}


def _complaints(contact: Any, email: str) -> tuple[list[dict[str, Any]], list[int]]:
    from complaints.choices import MessageKind
    from complaints.models import Complaint

    condition = Q(pk__in=[])
    if contact is not None:
        condition |= Q(contact=contact)
    if email:
        condition |= Q(complainant_email__iexact=email)
    complaints = (
        Complaint.objects.filter(condition)
        .select_related("customer", "contact", "module", "ticket", "officer", "registered_by")
        .prefetch_related("events__actor", "answers__prepared_by", "messages")
        .order_by("received_at", "id")
    )
    result = []
    for complaint in complaints:
        result.append(
            {
                **record(complaint, skip=["next_check_at", "warn_at"]),
                "events": [record(event) for event in complaint.events.all()],
                "answers": [
                    record(answer, skip=["conciliation_body", "seat_conciliation_body", "authority"])
                    for answer in complaint.answers.all()
                ],
                "messages": [
                    record(message, skip=["answer", "attach_record"])
                    for message in complaint.messages.all()
                    if message.kind != MessageKind.STAFF_ALERT
                ],
            }
        )
    return result, [complaint.pk for complaint in complaints]


def _access_log(contact: Any, ticket_ids: list[int], complaint_ids: list[int]) -> list[dict[str, Any]]:
    condition = Q(kind=AccessKind.TICKET, object_id__in=ticket_ids) | Q(
        kind=AccessKind.COMPLAINT, object_id__in=complaint_ids
    )
    if contact is not None:
        condition |= Q(contact_id=contact.pk)
    entries = AccessLogEntry.objects.filter(condition).select_related("user").order_by("at", "id")
    return [record(entry, skip=["contact", "path"]) for entry in entries]


def _person(subject_request: SubjectRequest) -> dict[str, Any]:
    from accounts.models import User

    contact = subject_request.contact
    person: dict[str, Any] = {
        "request": subject_request.number,
        "requester_name": subject_request.requester_name,
        "requester_email": subject_request.requester_email,
        "exported_at": timezone.localtime().isoformat(),
    }
    if contact is None:
        return person
    person["contact"] = record(contact)
    person["customer"] = record(contact.customer, skip=["notes"]) if contact.customer_id else None
    account = User.objects.filter(contact=contact).first()
    if account is not None:
        person["portal_account"] = {
            "username": account.username,
            "email": account.email,
            "date_joined": timezone.localtime(account.date_joined).isoformat(),
            "last_login": timezone.localtime(account.last_login).isoformat() if account.last_login else None,
            "is_active": account.is_active,
        }
    person["restrictions"] = [
        record(restriction, skip=["contact"]) for restriction in Restriction.objects.filter(contact=contact)
    ]
    return person


def _readme(subject_request: SubjectRequest) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("Data held about you by %(company)s") % {"company": settings.PULT_COMPANY_NAME},
            _("Request number: %(number)s") % {"number": subject_request.number},
            _("Prepared: %(when)s") % {"when": formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")},
            "",
            _("What this file contains:"),
            _("person.json – your contact data, your organisation, your portal account and any restriction"),
            _("tickets.json – your requests with their timeline, work and test log, consultations, notifications,")
            + " "
            + _("letters, feedback, ratings and attachments"),
            _("messages.json – the e-mails we received from you or about your requests, and those we sent"),
            _("complaints.json – your complaints, their timeline, our answers and the e-mails about them"),
            _("access_log.json – which of our staff looked at your data, and when"),
            _("files/ – the original attached files and the e-mails exactly as received (.eml)"),
            "",
            _("The .json files are plain text (UTF-8); any text editor or spreadsheet program opens them."),
        ]
    return "\r\n".join(lines) + "\r\n"


def build_export(subject_request: SubjectRequest, out: IO[bytes]) -> dict[str, int]:
    """Write the person's ZIP to `out`; returns how many records of each kind it holds."""
    contact = subject_request.contact
    email = (contact.email if contact is not None else "") or subject_request.requester_email
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive)
        archive.writestr("README.txt", _readme(subject_request).encode("utf-8"))
        writer.json("person.json", _person(subject_request))
        tickets, ticket_ids = _tickets(contact, writer)
        writer.json("tickets.json", tickets)
        messages = _messages(email, ticket_ids, writer)
        writer.json("messages.json", messages)
        complaints, complaint_ids = _complaints(contact, email)
        writer.json("complaints.json", complaints)
        entries = _access_log(contact, ticket_ids, complaint_ids)
        writer.json("access_log.json", entries)
    return {
        "tickets": len(tickets),
        "messages": len(messages["received"]) + len(messages["sent"]),
        "complaints": len(complaints),
        "access_log": len(entries),
        "files": len(writer.names),
    }


def produce(export_pk: int) -> SubjectExport:
    """The worker's part: build and store the ZIP. Safe to run twice (a finished export is left alone)."""
    from privacy.services import _event

    export = SubjectExport.objects.select_related("request__contact").get(pk=export_pk)
    if export.state != ExportState.PREPARING:
        return export
    try:
        with tempfile.TemporaryFile() as spool:
            counts = build_export(export.request, spool)
            size = spool.tell()
            spool.seek(0)
            with transaction.atomic():
                locked = SubjectExport.objects.select_for_update().get(pk=export_pk)
                if locked.state != ExportState.PREPARING:
                    return locked  # another run finished it meanwhile
                locked.file.save("export.zip", File(spool), save=False)
                locked.size, locked.state, locked.ready_at = size, ExportState.READY, timezone.now()
                locked.save(update_fields=["file", "size", "state", "ready_at"])
                _event(locked.request, None, RequestAction.EXPORT_READY, export=locked.pk, contents=counts)
    except Exception as error:
        logger.exception("The export %s could not be built.", export_pk)
        with transaction.atomic():
            SubjectExport.objects.filter(pk=export_pk, state=ExportState.PREPARING).update(
                state=ExportState.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
            )
            _event(export.request, None, RequestAction.EXPORT_FAILED, export=export_pk)
    export.refresh_from_db()
    return export


class ExportGone(Exception):
    """Downloaded already, expired, or never built: the page says which (410)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def download(*, export_pk: int, actor: Any) -> tuple[IO[bytes], SubjectExport]:
    """Open the ZIP for its one download and mark it downloaded; the stored file is deleted after commit.

    The open handle keeps the bytes readable for the response while the file itself is already gone.
    """
    from privacy.services import _event, delete_stored_file_on_commit, may_handle

    if not may_handle(actor):
        raise NotAllowed(_("Only the data-protection officer handles data-subject requests."))
    with transaction.atomic():
        export = SubjectExport.objects.select_for_update().select_related("request").filter(pk=export_pk).first()
        if export is None:
            raise IllegalTransition(_("There is no such export."))
        if export.request.handler_id != actor.pk:
            raise NotAllowed(_("Only the request's handler can download its export."))
        if export.state == ExportState.DOWNLOADED:
            raise ExportGone(
                _("This export was already downloaded on %(when)s and has been deleted. Prepare a new one if needed.")
                % {
                    "when": formats.date_format(timezone.localtime(export.downloaded_at), "SHORT_DATETIME_FORMAT")
                    if export.downloaded_at
                    else ""
                }
            )
        if export.state == ExportState.EXPIRED or (
            export.state == ExportState.READY and export.expires_at <= timezone.now()
        ):
            raise ExportGone(_("This export has expired and has been deleted. Prepare a new one if needed."))
        if export.state != ExportState.READY:
            raise ExportGone(_("This export is not ready."))
        try:
            handle = export.file.open("rb")
        except (OSError, ValueError) as missing:
            raise ExportGone(_("The export file is missing. Prepare a new one.")) from missing
        now = timezone.now()
        export.state, export.downloaded_at, export.downloaded_by, export.deleted_at = (
            ExportState.DOWNLOADED, now, actor, now,
        )  # fmt: skip
        export.save(update_fields=["state", "downloaded_at", "downloaded_by", "deleted_at"])
        _event(export.request, actor, RequestAction.EXPORT_DOWNLOADED, export=export.pk)
        delete_stored_file_on_commit(export)
    return handle, export


def expire(now: dt.datetime | None = None) -> int:
    """Delete every ready export past its week. Returns how many."""
    from privacy.services import _event, delete_stored_file_on_commit

    now = now or timezone.now()
    count = 0
    for pk in SubjectExport.objects.filter(state=ExportState.READY, expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            export = SubjectExport.objects.select_for_update().select_related("request").get(pk=pk)
            if export.state != ExportState.READY:
                continue
            export.state, export.deleted_at = ExportState.EXPIRED, now
            export.save(update_fields=["state", "deleted_at"])
            _event(export.request, None, RequestAction.EXPORT_EXPIRED, export=export.pk)
            delete_stored_file_on_commit(export)
        count += 1
    return count
