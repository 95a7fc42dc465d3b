"""Writing the access log. The only write here is one INSERT per look at a person's data."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.clients import client_ip
from common.errors import ChangedMeanwhile, DomainError, IllegalTransition, InvalidInput, NotAllowed
from customers.models import Contact
from privacy.choices import (
    EXPORT_KINDS,
    OPEN_REQUEST_STATES,
    AccessAction,
    AccessKind,
    ExportState,
    ObjectionDecision,
    RequestAction,
    RequestChannel,
    RequestKind,
    RequestState,
)
from privacy.models import (
    AccessLogEntry,
    Restriction,
    SubjectExport,
    SubjectRequest,
    SubjectRequestEvent,
    SubjectRequestNumberSequence,
)

EXPORT_LIFETIME = dt.timedelta(days=7)

logger = logging.getLogger(__name__)

_KIND_OF_MODEL = {
    "ticket": AccessKind.TICKET,
    "letter": AccessKind.LETTER,
    "contact": AccessKind.CONTACT,
    "complaint": AccessKind.COMPLAINT,
    "subjectrequest": AccessKind.SUBJECT_REQUEST,
}

WorkflowError = DomainError  # the shared family of refusals (common.errors), by its workflow name


def _field_length(name: str) -> int:
    field = AccessLogEntry._meta.get_field(name)
    return int(getattr(field, "max_length", 0) or 0)


def _who(request_or_user: Any) -> tuple[Any, HttpRequest | None]:
    """The acting user: an API caller (token or session) first, then the page's logged-in user."""
    if isinstance(request_or_user, HttpRequest):
        user = getattr(request_or_user, "auth", None) or getattr(request_or_user, "user", None)
        return user, request_or_user
    return request_or_user, None


def record_access(
    request_or_user: Any,
    *,
    action: AccessAction,
    obj: models.Model | None,
    contact: Any = None,
    subject: str = "",
    kind: AccessKind | None = None,
    reference: str = "",
) -> AccessLogEntry | None:
    """Note that the caller viewed or exported `obj` (a ticket, contact, complaint …) of a person.

    Pass what the view already has (the contact or only its id, the person's name): this reads nothing.
    It never raises into the page: a log that cannot be written goes to the error log and the page goes on.
    """
    try:
        user, request = _who(request_or_user)
        if kind is None:
            kind = _KIND_OF_MODEL[obj._meta.model_name or ""] if obj is not None else AccessKind.ACCESS_LOG
        if contact is None and obj is not None and kind == AccessKind.CONTACT:
            contact = obj
        if not subject and contact is not None and not isinstance(contact, int):
            subject = contact.name
        if not reference and obj is not None:
            reference = str(getattr(obj, "number", "") or "")
        entry = AccessLogEntry(
            user_id=user.pk if user is not None and getattr(user, "is_authenticated", False) else None,
            action=action,
            kind=kind,
            object_id=obj.pk if obj is not None else None,
            reference=reference[: _field_length("reference")],
            contact_id=contact if contact is None or isinstance(contact, int) else contact.pk,
            subject=subject[: _field_length("subject")],
            ip_address=client_ip(request) if request is not None else None,
            path=request.get_full_path()[: _field_length("path")] if request is not None else "",
        )
        with transaction.atomic():
            entry.save(force_insert=True)
    except Exception:
        logger.exception("The access log entry could not be written (%s %s).", action, kind)
        return None
    return entry


# --- data-subject requests: the one door ------------------------------------------------------------
#
# Every function takes an explicit actor (a data-protection officer), runs in a transaction, locks the
# request row, checks the permission and the state, and writes one SubjectRequestEvent. A refused step
# raises a WorkflowError (the ticket workflow's family, so pages show its message) and changes nothing.

HANDLE_PERMISSION = "privacy.handle_subject_request"


class RequestChangedMeanwhile(ChangedMeanwhile):
    code = "request_changed"

    def __init__(self) -> None:
        super().__init__(
            _("The request changed meanwhile: someone else acted on it after you opened it. Review it below.")
        )


class ErasureNotPossible(IllegalTransition):
    """The retention rules refuse the erasure now; the message says why."""

    code = "erasure_refused"


def may_handle(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(HANDLE_PERMISSION))


def _require(actor: Any) -> None:
    if not may_handle(actor):
        raise NotAllowed(_("Only the data-protection officer handles data-subject requests."))


def _required(value: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def _take_number(year: int) -> int:
    SubjectRequestNumberSequence.objects.bulk_create(
        [SubjectRequestNumberSequence(year=year, last_number=0)], ignore_conflicts=True
    )
    sequence = SubjectRequestNumberSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _event(
    request: SubjectRequest, actor: Any, action: RequestAction, *, before: str = "", note: str = "", **data: Any
) -> SubjectRequestEvent:
    return SubjectRequestEvent.objects.create(
        request=request,
        actor=actor,
        action=action,
        from_state=before,
        to_state=request.state if before else "",
        note=note,
        data=data,
    )


def request_register(
    *,
    actor: Any,
    kind: str,
    channel: str,
    received_at: dt.datetime | None = None,
    contact: Any = None,
    requester_name: str = "",
    requester_email: str = "",
    details: str = "",
) -> SubjectRequest:
    """Record a request as it arrived; the deadline runs from `received_at` (now if not given)."""
    from privacy import deadlines

    _require(actor)
    if kind not in RequestKind.values:
        raise InvalidInput(_("Choose what the person asks for."))
    if channel not in RequestChannel.values:
        raise InvalidInput(_("Choose how the request arrived."))
    requester_name, requester_email = (requester_name or "").strip(), (requester_email or "").strip()
    if contact is None and not (requester_name or requester_email):
        raise InvalidInput(_("Choose the contact, or give the requester's name or e-mail address."))
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("The request cannot have arrived in the future."))
    with transaction.atomic():
        year = timezone.localtime(received_at).year
        request = SubjectRequest(
            year=year,
            sequence=_take_number(year),
            kind=kind,
            contact=contact,
            requester_name=requester_name[:200] or (contact.name if contact is not None else ""),
            requester_email=requester_email[:254] or (contact.email if contact is not None else ""),
            channel=channel,
            received_at=received_at,
            details=(details or "").strip(),
            registered_by=actor,
            handler=actor,
        )
        deadlines.start(request)
        request.save()
        _event(request, actor, RequestAction.REGISTER, before=RequestState.RECEIVED, note=request.details)
    return request


def _step(
    request: SubjectRequest,
    actor: Any,
    action: RequestAction,
    change: Any,
    *,
    states: tuple[str, ...] = OPEN_REQUEST_STATES,
    to_state: str | None = None,
    note: str = "",
    expected_version: int | None = None,
    handler_only: bool = False,
) -> SubjectRequest:
    """Lock, check, let `change` do the step's own work (it may return details for the event), then record."""
    from privacy import deadlines

    _require(actor)
    with transaction.atomic():
        locked = SubjectRequest.objects.select_for_update().get(pk=request.pk)
        if expected_version is not None and locked.version != expected_version:
            raise RequestChangedMeanwhile()
        if locked.state not in states:
            raise IllegalTransition(
                _("This cannot be done while the request is “%(state)s”.") % {"state": locked.get_state_display()}
            )
        if locked.handler_id is None:
            locked.handler = actor  # an unassigned request is taken by whoever acts on it
        if handler_only and locked.handler_id != actor.pk:
            raise NotAllowed(_("Only the request's handler can do this."))
        before = locked.state
        details = change(locked) or {}
        if to_state is not None:
            locked.state = to_state
        elif locked.state == RequestState.RECEIVED:
            locked.state = RequestState.IN_PROGRESS
        if locked.state not in OPEN_REQUEST_STATES:
            deadlines.stop(locked)
        locked.version += 1
        locked.save()
        _event(locked, actor, action, before=before if locked.state != before else "", note=note, **details)
    request.refresh_from_db()
    return request


def request_assign(*, request: SubjectRequest, actor: Any, handler: Any, expected_version: int | None = None) -> Any:
    if not may_handle(handler):
        raise InvalidInput(_("The handler must be a data-protection officer."))

    def change(locked: SubjectRequest) -> dict[str, Any]:
        locked.handler = handler
        return {"handler": handler.display_name}

    return _step(
        request, actor, RequestAction.ASSIGN, change, note=handler.display_name, expected_version=expected_version
    )


def request_verify_identity(
    *, request: SubjectRequest, actor: Any, method: str, expected_version: int | None = None
) -> SubjectRequest:
    method = _required(method, _("Say how the requester's identity was verified."))

    def change(locked: SubjectRequest) -> None:
        locked.identity_verified = True
        locked.identity_method = method[:300]

    return _step(request, actor, RequestAction.VERIFY_IDENTITY, change, note=method, expected_version=expected_version)


def request_extend(
    *, request: SubjectRequest, actor: Any, reason: str, expected_version: int | None = None
) -> SubjectRequest:
    """Two more months (GDPR Art. 12(3)), once, with the reason the requester must be told."""
    from privacy import deadlines

    reason = _required(reason, _("Give the reason for extending the deadline; the requester must be told it."))

    def change(locked: SubjectRequest) -> dict[str, Any]:
        if locked.extended_at is not None:
            raise IllegalTransition(_("The deadline has already been extended once; it cannot be extended again."))
        old_due = locked.due_at
        locked.extended_at = timezone.now()
        locked.extension_reason = reason
        deadlines.start(locked)
        return {"old_due": old_due.isoformat(), "new_due": locked.due_at.isoformat()}

    return _step(
        request,
        actor,
        RequestAction.EXTEND,
        change,
        to_state=RequestState.EXTENDED,
        note=reason,
        expected_version=expected_version,
    )


def _kind_is(locked: SubjectRequest, *kinds: str) -> None:
    if locked.kind not in kinds:
        raise IllegalTransition(_("This step does not belong to this kind of request."))


def _needs_verified_contact(locked: SubjectRequest) -> Contact:
    """The contact the request is about, once the requester's identity is verified."""
    if locked.contact is None:
        raise InvalidInput(_("Choose the contact the request is about first."))
    if not locked.identity_verified:
        raise IllegalTransition(_("Verify the requester's identity first."))
    return locked.contact


def request_rectify(
    *, request: SubjectRequest, actor: Any, note: str, expected_version: int | None = None
) -> SubjectRequest:
    """Record what was corrected (the contact itself is edited in the administration)."""
    note = _required(note, _("Describe what was corrected."))

    def change(locked: SubjectRequest) -> None:
        _kind_is(locked, RequestKind.RECTIFICATION)

    return _step(request, actor, RequestAction.RECTIFY, change, note=note, expected_version=expected_version)


def request_restrict(
    *, request: SubjectRequest, actor: Any, reason: str, expected_version: int | None = None
) -> SubjectRequest:
    reason = _required(reason, _("Give the reason for restricting the processing."))

    def change(locked: SubjectRequest) -> dict[str, Any]:
        _kind_is(locked, RequestKind.RESTRICTION)
        contact = _needs_verified_contact(locked)
        restriction = Restriction.objects.create(contact=contact, request=locked, reason=reason, set_by=actor)
        return {"restriction": restriction.pk}

    return _step(request, actor, RequestAction.RESTRICT, change, note=reason, expected_version=expected_version)


def request_lift_restriction(
    *, request: SubjectRequest, actor: Any, restriction_pk: int, reason: str, expected_version: int | None = None
) -> SubjectRequest:
    reason = _required(reason, _("Give the reason for lifting the restriction."))

    def change(locked: SubjectRequest) -> dict[str, Any]:
        if locked.contact_id is None:
            raise InvalidInput(_("There is no such restriction in force for this person."))
        restriction = (
            Restriction.objects.select_for_update()
            .filter(pk=restriction_pk, contact_id=locked.contact_id, lifted_at__isnull=True)
            .first()
        )
        if restriction is None:
            raise InvalidInput(_("There is no such restriction in force for this person."))
        restriction.lifted_at, restriction.lifted_by, restriction.lift_reason = timezone.now(), actor, reason
        restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        return {"restriction": restriction.pk}

    return _step(request, actor, RequestAction.LIFT_RESTRICTION, change, note=reason, expected_version=expected_version)


def request_objection(
    *, request: SubjectRequest, actor: Any, decision: str, note: str, expected_version: int | None = None
) -> SubjectRequest:
    if decision not in ObjectionDecision.values:
        raise InvalidInput(_("Choose the decision on the objection."))
    note = _required(note, _("Give the reasons for the decision."))

    def change(locked: SubjectRequest) -> dict[str, Any]:
        _kind_is(locked, RequestKind.OBJECTION)
        return {"decision": decision}

    return _step(request, actor, RequestAction.OBJECTION, change, note=note, expected_version=expected_version)


def erasure_refusal(request: SubjectRequest) -> str | None:
    """Why the person cannot be erased now (the retention rules), or None. Reads only."""
    if request.contact is None:
        return str(_("The request names no contact whose data could be erased."))
    try:
        from retention import erasure
    except ImportError:
        return str(_("Erasure is not available in this installation."))
    refusal = erasure.erasure_refusal(request.contact)
    return str(refusal) if refusal else None


def delete_stored_file_on_commit(export: SubjectExport) -> None:
    """The export's file goes from the storage once the change that retired it has committed."""
    name, storage = export.file.name or "", export.file.storage
    if name:
        transaction.on_commit(functools.partial(storage.delete, name))


def _discard_exports_of(contact_id: int) -> None:
    """An erased person's exports waiting for download are deleted with the rest of their data."""
    for export in SubjectExport.objects.select_for_update().filter(
        request__contact_id=contact_id, state__in=[ExportState.READY, ExportState.PREPARING]
    ):
        export.state, export.deleted_at = ExportState.EXPIRED, timezone.now()
        export.save(update_fields=["state", "deleted_at"])
        delete_stored_file_on_commit(export)


def request_erase(*, request: SubjectRequest, actor: Any, expected_version: int | None = None) -> Any:
    """Erase the person through the retention rules; a refusal is recorded on the timeline and raised."""
    from retention import erasure

    def change(locked: SubjectRequest) -> dict[str, Any]:
        _kind_is(locked, RequestKind.ERASURE)
        contact = _needs_verified_contact(locked)
        if locked.handler_id not in (None, actor.pk):
            raise NotAllowed(_("Only the request's handler can do this."))
        reason = str(_("Data-subject request %(number)s") % {"number": locked.number})
        report = erasure.erase_contact(contact=contact, actor=actor, reason=reason)
        _discard_exports_of(contact.pk)
        counts = getattr(report, "counts", {}) or {}
        return {"erased": {str(key): int(value) for key, value in counts.items() if value}}

    try:
        return _step(request, actor, RequestAction.ERASE, change, expected_version=expected_version)
    except erasure.ErasureRefused as refused:
        message = str(getattr(refused, "message", "") or refused)
        _step(request, actor, RequestAction.ERASURE_REFUSED, lambda locked: None, note=message)
        raise ErasureNotPossible(message) from refused


def request_export(*, request: SubjectRequest, actor: Any, expected_version: int | None = None) -> SubjectExport:
    """Queue the worker to build the ZIP of everything Pult holds about the person (logged as an export)."""
    from privacy.tasks import build_export_task

    created: list[SubjectExport] = []

    def change(locked: SubjectRequest) -> dict[str, Any]:
        _kind_is(locked, *EXPORT_KINDS)
        if locked.contact_id is None and not locked.requester_email:
            raise InvalidInput(_("Choose the contact the request is about first."))
        if not locked.identity_verified:
            raise IllegalTransition(_("Verify the requester's identity first."))
        if locked.exports.filter(state=ExportState.PREPARING).exists():
            raise IllegalTransition(_("An export is already being prepared."))
        now = timezone.now()
        export = SubjectExport.objects.create(
            request=locked, requested_by=actor, created_at=now, expires_at=now + EXPORT_LIFETIME
        )
        created.append(export)
        record_access(
            actor,
            action=AccessAction.EXPORT,
            obj=locked,
            kind=AccessKind.SUBJECT_REQUEST,
            contact=locked.contact_id,
            subject=locked.person_name,
            reference=locked.number,
        )
        transaction.on_commit(lambda: build_export_task(export.pk))
        return {"export": export.pk}

    _step(request, actor, RequestAction.EXPORT_REQUESTED, change, expected_version=expected_version, handler_only=True)
    return created[0]


def request_complete(
    *, request: SubjectRequest, actor: Any, answer: str, expected_version: int | None = None
) -> SubjectRequest:
    answer = _required(answer, _("Write the answer given to the requester."))

    def change(locked: SubjectRequest) -> None:
        locked.answer = answer
        locked.completed_at = timezone.now()

    return _step(
        request, actor, RequestAction.COMPLETE, change, to_state=RequestState.COMPLETED, note=answer,
        expected_version=expected_version,
    )  # fmt: skip


def request_refuse(
    *, request: SubjectRequest, actor: Any, reason: str, expected_version: int | None = None
) -> SubjectRequest:
    reason = _required(reason, _("Give the reason for refusing the request; the requester must be told it."))

    def change(locked: SubjectRequest) -> None:
        locked.refusal_reason = reason
        locked.completed_at = timezone.now()

    return _step(
        request, actor, RequestAction.REFUSE, change, to_state=RequestState.REFUSED, note=reason,
        expected_version=expected_version,
    )  # fmt: skip
