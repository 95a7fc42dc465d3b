"""The complaint register over the JSON API: the same scoping as the pages (selectors.visible_to)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from api.errors import with_errors
from complaints import selectors
from privacy.choices import AccessAction
from privacy.services import record_access

router = Router(tags=["complaints"])


class BoundedPagination(LimitOffsetPagination):
    """Limit and offset within what a database can take: a hostile value gets 422, not a server error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=100)
        offset: int = Field(0, ge=0, le=10**9)


class ComplaintOut(Schema):
    number: str
    year: int
    sequence: int
    state: str
    channel: str
    subject: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    answered_at: dt.datetime | None
    outcome: str


class ComplaintDetailOut(ComplaintOut):
    description: str
    complainant_name: str
    officer: str | None

    @staticmethod
    def resolve_officer(complaint: object) -> str | None:
        officer = getattr(complaint, "officer", None)
        return officer.display_name if officer is not None else None


def _require_register(request: HttpRequest) -> None:
    user = request.user
    if not (user.has_perm("complaints.view_complaints") or user.has_perm("complaints.register_complaint")):
        raise HttpError(403, str(_("Your role does not allow seeing complaints.")))


# Text without a NUL character (PostgreSQL refuses it in parameters): 422, like every other API text.
NO_NUL = r"^[^\x00]*$"


@router.get("/", response=with_errors({200: list[ComplaintOut]}))
@paginate(BoundedPagination)
def list_complaints(
    request: HttpRequest,
    q: str = Query("", max_length=200, pattern=NO_NUL),
    state: str = Query("", max_length=40, pattern=NO_NUL),
    overdue: bool = False,
):  # type: ignore[no-untyped-def]
    """The register, newest first; `q` searches number, subject and complainant."""
    _require_register(request)
    filters = selectors.ComplaintFilter(states=[state] if state else [], channels=[], text=q, overdue=overdue)
    return selectors.register_list(user=request.user, filters=filters)


@router.get("/{year}/{sequence}", response=with_errors({200: ComplaintDetailOut}))
def get_complaint(
    request: HttpRequest, year: int = Path(..., ge=1, le=9999), sequence: int = Path(..., ge=1, le=10**9)
):  # type: ignore[no-untyped-def]
    _require_register(request)
    complaint = selectors.get_for(request.user, year=year, sequence=sequence)
    record_access(
        request,
        action=AccessAction.API_VIEW,
        obj=complaint,
        contact=complaint.contact_id,
        subject=complaint.complainant_name,
    )
    return complaint
