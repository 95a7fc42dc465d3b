"""The complaint register over the JSON API: the same scoping as the pages (selectors.visible_to)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from complaints import selectors

router = Router(tags=["complaints"])


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


@router.get("/", response=list[ComplaintOut])
@paginate(LimitOffsetPagination)
def list_complaints(request: HttpRequest, q: str = "", state: str = "", overdue: bool = False):  # type: ignore[no-untyped-def]
    """The register, newest first; `q` searches number, subject and complainant."""
    _require_register(request)
    filters = selectors.ComplaintFilter(states=[state] if state else [], channels=[], text=q, overdue=overdue)
    return selectors.register_list(user=request.user, filters=filters)


@router.get("/{year}/{sequence}", response=ComplaintDetailOut)
def get_complaint(request: HttpRequest, year: int, sequence: int):  # type: ignore[no-untyped-def]
    _require_register(request)
    return selectors.get_for(request.user, year=year, sequence=sequence)
