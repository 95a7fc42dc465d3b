"""What is kept on a ticket, over the JSON API: attachments, work logs and feedback.

Every read is scoped by tickets.selectors (404 for a ticket the caller may not see), every write is a
tickets.workflow step with the caller as the actor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Router, Schema, Status, UploadedFile

from api.auth import caller
from api.errors import with_errors
from api.routers.tickets import (
    AttachmentOut,
    FeedbackIn,
    SequencePath,
    WorkLogOut,
    YearPath,
)
from api.schemas import LongText, Ref, UserRef, Version
from common.files import download
from tickets import selectors, workflow
from tickets.choices import Channel, FeedbackOutcome
from tickets.models import Attachment, WorkLogEntry

router = Router()

TICKET = "/tickets/{year}/{sequence}"


def _deny_unless(user: Any, step: str) -> None:
    if not workflow.role_allows(user, step):
        raise PermissionDenied(
            _("Your role does not allow this step: %(step)s.") % {"step": workflow.TRANSITIONS[step].label}
        )


# --- attachments ----------------------------------------------------------------------------------


@router.get(
    f"{TICKET}/attachments",
    response=with_errors({200: list[AttachmentOut]}),
    tags=["attachments"],
    summary="List a ticket's attachments",
)
def list_attachments(request: HttpRequest, year: int = YearPath, sequence: int = SequencePath) -> Any:
    ticket = selectors.get_for(caller(request), year=year, sequence=sequence)
    return list(ticket.attachments.all())


@router.post(
    f"{TICKET}/attachments",
    response=with_errors({201: list[AttachmentOut]}),
    tags=["attachments"],
    summary="Upload attachments",
)
def upload_attachments(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    description: str = Form("", max_length=250),
    expected_version: int | None = Form(None, ge=1, le=2**31),
    year: int = YearPath,
    sequence: int = SequencePath,
) -> Status[Any]:
    """Multipart upload (field `files`, repeatable); each file within the attachment size limit."""
    user = caller(request)
    ticket = selectors.get_for(user, year=year, sequence=sequence)
    _deny_unless(user, "attach")
    if "\x00" in description:
        raise workflow.InvalidInput(_("The description contains characters that cannot be stored."))
    before = set(ticket.attachments.values_list("pk", flat=True))
    workflow.attach_files(
        ticket=ticket, actor=user, files=files, description=description, expected_version=expected_version
    )
    return Status(201, list(ticket.attachments.exclude(pk__in=before)))


@router.get(
    "/attachments/{attachment_id}/download",
    response=with_errors({200: None}),
    tags=["attachments"],
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int = Path(..., ge=1, le=2**62)) -> FileResponse:
    """The file, only if its ticket is visible to the caller (404 otherwise)."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id, ticket__in=selectors.visible_to(caller(request)))
        .only("file", "original_name")
        .first()
    )
    if attachment is None:
        raise Http404()
    return download(attachment.file, attachment.original_name)


# --- work logs ------------------------------------------------------------------------------------


class WorkLogIn(Schema):
    minutes: int = Field(ge=1, le=24 * 60)
    note: LongText
    expected_version: Version | None = None


@router.get(
    f"{TICKET}/work-logs", response=with_errors({200: list[WorkLogOut]}), tags=["work logs"], summary="List work logs"
)
def list_work_logs(request: HttpRequest, year: int = YearPath, sequence: int = SequencePath) -> Any:
    ticket = selectors.get_for(caller(request), year=year, sequence=sequence)
    return list(ticket.work_logs.select_related("author"))


@router.post(f"{TICKET}/work-logs", response=with_errors({201: WorkLogOut}), tags=["work logs"], summary="Log work")
def create_work_log(
    request: HttpRequest, body: WorkLogIn, year: int = YearPath, sequence: int = SequencePath
) -> Status[Any]:
    """Seed f: the assigned executor's work-log entry (the log_work step)."""
    user = caller(request)
    ticket = selectors.get_for(user, year=year, sequence=sequence)
    _deny_unless(user, "log_work")
    workflow.log_work(
        ticket=ticket, actor=user, minutes=body.minutes, note=body.note, expected_version=body.expected_version
    )
    entry = WorkLogEntry.objects.filter(ticket=ticket, author=user).select_related("author").latest("logged_at", "id")
    return Status(201, entry)


# --- feedback -------------------------------------------------------------------------------------


class FeedbackOut(Schema):
    id: int
    channel: Channel
    received_at: dt.datetime
    content: str
    outcome: FeedbackOutcome
    contact: Ref | None
    registered_by: UserRef
    registered_at: dt.datetime


class FeedbackCreateIn(FeedbackIn):
    reopen: bool = Field(False, description="Reopen the ticket (it goes back to `new`), or record only.")


@router.get(
    f"{TICKET}/feedback", response=with_errors({200: list[FeedbackOut]}), tags=["feedback"], summary="List feedback"
)
def list_feedback(request: HttpRequest, year: int = YearPath, sequence: int = SequencePath) -> Any:
    ticket = selectors.get_for(caller(request), year=year, sequence=sequence)
    return list(ticket.feedback.select_related("contact", "registered_by"))


@router.post(
    f"{TICKET}/feedback", response=with_errors({201: FeedbackOut}), tags=["feedback"], summary="Register feedback"
)
def create_feedback(
    request: HttpRequest, body: FeedbackCreateIn, year: int = YearPath, sequence: int = SequencePath
) -> Status[Any]:
    """Seed l: the user's feedback on the ticket; `reopen` reopens a closed or rejected ticket."""
    user = caller(request)
    ticket = selectors.get_for(user, year=year, sequence=sequence)
    _deny_unless(user, "reopen" if body.reopen else "record_feedback")
    feedback = workflow.register_feedback(
        ticket=ticket,
        actor=user,
        content=body.content,
        reopen=body.reopen,
        channel=body.channel,
        received_at=body.received_at,
        expected_version=body.expected_version,
    )
    return Status(201, type(feedback).objects.select_related("contact", "registered_by").get(pk=feedback.pk))
