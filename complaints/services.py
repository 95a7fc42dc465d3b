"""The one door for complaints: recording, investigation, the executives' decision, the answer, closing.

Every function takes an explicit actor, runs in a transaction, locks the complaint row, checks the
actor's role and that the complaint does not concern them, and writes one ComplaintEvent. An illegal
step raises a WorkflowError (the same family as the ticket workflow's) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import filetypes
from common.errors import ChangedMeanwhile, DomainError, IllegalTransition, InvalidInput, NotAllowed
from common.text import header_text
from complaints import deadlines, eligibility
from complaints.choices import (
    PENDING_STATES,
    REFUSING_OUTCOMES,
    Action,
    AnswerMethod,
    ComplaintState,
    Decision,
    EntryKind,
    OralOutcome,
    Outcome,
    RedressKind,
    SetAsideReason,
)
from complaints.models import (
    Answer,
    Complaint,
    ComplaintEvent,
    ComplaintNumberSequence,
    ComplaintRecord,
    InvestigationEntry,
    Proposal,
    RedressBody,
    format_complaint_number,
)
from tickets.choices import Channel
from tickets.workflow import files_discarded_on_error

__all__ = [
    "ComplaintChangedMeanwhile",
    "IllegalTransition",
    "InvalidInput",
    "NotAllowed",
    "WorkflowError",
    "files_discarded_on_error",
]

WorkflowError = DomainError  # the shared family of refusals (common.errors), by its workflow name


class ComplaintChangedMeanwhile(ChangedMeanwhile):
    code = "complaint_changed"

    def __init__(self) -> None:
        super().__init__(
            _(
                "The complaint changed meanwhile: someone else acted on it after you opened it. "
                "Review it below; what you typed is kept in the form."
            )
        )


ORAL = (Channel.PHONE, Channel.IN_PERSON)
ELECTRONIC = (Channel.EMAIL, Channel.WEB)


@dataclass
class ComplaintInput:
    """What the desk learns of a complaint when it is recorded (§17/A(5) a)–d))."""

    channel: str
    subject: str
    description: str
    received_at: dt.datetime | None = None
    place_received: str = ""
    complainant_name: str = ""
    complainant_address: str = ""
    complainant_email: str = ""
    complainant_phone: str = ""
    county: str = ""
    evidence: str = ""
    customer: Any = None
    contact: Any = None
    module: Any = None
    ticket: Any = None
    # Oral complaints only: what happened at the desk, our statement, and where the record was taken.
    oral_outcome: str = ""
    immediate_statement: str = ""
    record_place: str = ""
    complainant_signed: bool = False
    documents: list[UploadedFile] = field(default_factory=list)


# --- permissions -----------------------------------------------------------------------------------


def is_concerned(complaint: Complaint, user: Any) -> bool:
    return bool(user is not None and user.pk and complaint.concerned.filter(pk=user.pk).exists())


def _require(actor: Any, permission: str, message: Any) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(permission):
        raise NotAllowed(message)


def _not_concerned(complaint: Complaint, actor: Any) -> None:
    """An employee the complaint concerns takes no part in handling it, whatever their role; after the
    decision they may at most read it, if the officer allows."""
    if is_concerned(complaint, actor):
        raise NotAllowed(_("The complaint concerns you, so you cannot take part in handling it."))


def may_investigate(complaint: Complaint, user: Any) -> bool:
    """The complaint's officer investigates; an unassigned complaint can be taken by any complaint officer."""
    if not user.is_active or not user.has_perm("complaints.investigate_complaint"):
        return False
    if is_concerned(complaint, user):
        return False
    return complaint.officer_id in (None, user.pk)


# --- recording ------------------------------------------------------------------------------------


def _take_number(year: int) -> int:
    ComplaintNumberSequence.objects.bulk_create(
        [ComplaintNumberSequence(year=year, last_number=0)], ignore_conflicts=True
    )
    sequence = ComplaintNumberSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _required(value: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def _event(complaint: Complaint, actor: Any, action: Action, *, before: str = "", note: str = "", **data: Any) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        action=action,
        from_state=before or complaint.state,
        to_state=complaint.state,
        note=note,
        data=data,
    )


def complaint_record(*, actor: Any, data: ComplaintInput) -> Complaint:
    """Record a complaint from any channel. Oral ones are settled on the spot or get a record (jegyzőkönyv)."""
    _require(actor, "complaints.register_complaint", _("Your role does not allow recording complaints."))
    subject = _required(header_text(data.subject), _("The subject is required."))
    description = _required(data.description, _("The description of the complaint is required."))
    if data.channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."))
    now = timezone.now()
    received_at = data.received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("The time of receipt cannot be in the future."))
    oral = data.channel in ORAL
    if oral and data.oral_outcome not in OralOutcome.values:
        raise InvalidInput(_("Say what happened at the desk: settled on the spot, or a record is taken."))
    if oral and data.oral_outcome in (OralOutcome.SETTLED, OralOutcome.DISAGREES):
        _required(data.immediate_statement, _("Write down our statement on the complaint as given at the desk."))
    takes_record = oral and data.oral_outcome != OralOutcome.SETTLED
    if takes_record:
        _required(data.record_place, _("The place of the record is required."))
    if data.channel == Channel.IN_PERSON and not data.place_received.strip():
        raise InvalidInput(_("The place of submission is required for a complaint made in person."))

    with files_discarded_on_error() as stored, transaction.atomic():
        year = timezone.localtime(now).year
        sequence = _take_number(year)
        complaint = Complaint.objects.create(
            year=year,
            sequence=sequence,
            number=format_complaint_number(year, sequence),
            channel=data.channel,
            received_at=received_at,
            place_received=data.place_received.strip(),
            complainant_name=data.complainant_name.strip(),
            complainant_address=data.complainant_address.strip(),
            complainant_email=data.complainant_email.strip(),
            complainant_phone=data.complainant_phone.strip(),
            county=data.county,
            customer=data.customer or (data.contact.customer if data.contact else None),
            contact=data.contact,
            module=data.module,
            ticket=data.ticket,
            subject=subject,
            description=description,
            evidence=data.evidence.strip(),
            oral_outcome=data.oral_outcome if oral else "",
            immediate_statement=data.immediate_statement.strip() if oral else "",
            registered_by=actor,
            registered_at=now,
        )
        details: dict[str, Any] = {"channel": data.channel, "received_at": received_at.isoformat()}
        if data.ticket is not None:
            details["ticket"] = data.ticket.number
        _event(complaint, actor, Action.RECORD, before="", **details)
        for upload in data.documents:
            _store_entry(complaint, actor, EntryKind.DOCUMENT, _("Presented with the complaint"), upload, stored)
        if oral and data.oral_outcome == OralOutcome.SETTLED:
            _close(complaint, ComplaintState.SETTLED, now)
            complaint.save()
            _event(complaint, actor, Action.SETTLE, before=ComplaintState.RECORDED, note=complaint.immediate_statement)
        else:
            deadlines.start(complaint)
            if actor.has_perm("complaints.investigate_complaint"):
                complaint.officer = actor
            complaint.save()
        if takes_record:
            ComplaintRecord.objects.create(
                complaint=complaint,
                place=data.record_place.strip(),
                taken_at=now,
                taken_by=actor,
                complainant_signed=data.channel == Channel.IN_PERSON and data.complainant_signed,
            )
            _event(complaint, actor, Action.RECORD_TAKEN, note=str(OralOutcome(data.oral_outcome).label))
        if complaint.complainant_email and complaint.state in PENDING_STATES and data.channel in (*ELECTRONIC, *ORAL):
            from complaints.mailing import acknowledgement_queue

            acknowledgement_queue(complaint)
    return complaint


def _store_entry(
    complaint: Complaint, actor: Any, kind: str, text: Any, upload: UploadedFile | None, stored: list[str]
) -> InvestigationEntry:
    entry = InvestigationEntry(complaint=complaint, kind=kind, text=str(text), author=actor)
    if upload is not None:
        size = upload.size or 0
        if size > settings.PULT_MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                _("The file “%(name)s” is larger than the limit of %(limit)s MB.")
                % {"name": upload.name, "limit": settings.PULT_MAX_ATTACHMENT_BYTES // (1024 * 1024)}
            )
        try:
            filetypes.upload_type(upload)  # programs are refused
        except ValueError as program:
            raise InvalidInput(str(program)) from None
        entry.original_name = (upload.name or "file")[:255]
        entry.size = size
        entry.file.save(upload.name or "file", upload, save=False)
        stored.append(entry.file.name or "")
    entry.save()
    return entry


def _close(complaint: Complaint, state: ComplaintState, at: dt.datetime) -> None:
    """The complaint needs nothing more: the deadline stops and the retention period starts."""
    complaint.state = state
    complaint.closed_at = at
    complaint.retain_until = retention_end(at)
    deadlines.stop(complaint)


def retention_end(at: dt.datetime) -> dt.datetime:
    local = timezone.localtime(at)
    years = settings.PULT_COMPLAINT_RETENTION_YEARS
    try:
        return local.replace(year=local.year + years)
    except ValueError:  # 29 February
        return local.replace(year=local.year + years, day=28)


# --- the steps ------------------------------------------------------------------------------------


def _step(
    complaint: Complaint | int,
    actor: Any,
    expected_version: int | None,
    allowed: Iterable[str],
    change: Callable[[Complaint], None],
) -> Complaint:
    """Lock the complaint, check it is as the actor saw it and in an allowed state, apply `change`, bump."""
    pk = complaint.pk if isinstance(complaint, Complaint) else complaint
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=pk)
        _not_concerned(locked, actor)
        if expected_version is not None and locked.version != expected_version:
            raise ComplaintChangedMeanwhile()
        if locked.state not in allowed:
            raise IllegalTransition(
                _("This cannot be done while the complaint is “%(state)s”.")
                % {"state": ComplaintState(locked.state).label}
            )
        change(locked)
        locked.version += 1
        locked.save()
    return locked


def assign_officer(
    *, complaint: Complaint | int, actor: Any, officer: Any, expected_version: int | None = None
) -> Complaint:
    """A complaint officer takes the complaint, or an officer or executive hands it to another officer."""
    if not (actor.has_perm("complaints.investigate_complaint") or actor.has_perm("complaints.decide_complaint")):
        raise NotAllowed(_("Only complaint officers and executives assign complaints."))
    _require(actor, "complaints.view_complaints", _("Only complaint officers and executives assign complaints."))
    if officer is None or not officer.is_active or not officer.has_perm("complaints.investigate_complaint"):
        raise InvalidInput(_("Choose an active complaint officer."))

    def change(locked: Complaint) -> None:
        if is_concerned(locked, officer):
            raise InvalidInput(_("The complaint concerns %(name)s, who cannot handle it.") % {"name": officer})
        before = locked.state
        locked.officer = officer
        _refuse_gaps(locked, set(locked.concerned.values_list("pk", flat=True)))
        if locked.state == ComplaintState.RECORDED:
            locked.state = ComplaintState.INVESTIGATING
        _event(locked, actor, Action.ASSIGN, before=before, officer=officer.display_name)

    return _step(complaint, actor, expected_version, PENDING_STATES, change)


def set_concerned(
    *, complaint: Complaint | int, actor: Any, employees: Iterable[Any], expected_version: int | None = None
) -> Complaint:
    """Name the employees the complaint concerns; from then on they cannot see or handle it until decided."""
    _require(actor, "complaints.view_complaints", _("Only complaint officers and executives can do this."))
    if not (actor.has_perm("complaints.investigate_complaint") or actor.has_perm("complaints.decide_complaint")):
        raise NotAllowed(_("Only complaint officers and executives can do this."))
    people = list(employees)

    def change(locked: Complaint) -> None:
        if any(person.pk == actor.pk for person in people):
            raise InvalidInput(
                _(
                    "You cannot name yourself: ask another complaint officer or an executive to record that "
                    "the complaint concerns you."
                )
            )
        if locked.officer is not None and locked.officer in people:
            raise InvalidInput(
                _("%(name)s is the complaint's officer: hand the complaint to another officer first.")
                % {"name": locked.officer}
            )
        _refuse_gaps(locked, {person.pk for person in people})
        locked.concerned.set(people)
        _event(locked, actor, Action.CONCERNED, names=[person.display_name for person in people])

    return _step(complaint, actor, expected_version, PENDING_STATES, change)


def _refuse_gaps(locked: Complaint, concerned: set[int]) -> None:
    """No naming and no assignment may leave a step of the procedure with nobody to take it."""
    missing = eligibility.gaps(locked, concerned)
    if missing:
        raise InvalidInput(" ".join(str(text) for text in missing))


def add_entry(
    *,
    complaint: Complaint | int,
    actor: Any,
    kind: str,
    text: str,
    upload: UploadedFile | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """The officer's investigation: a finding, a document or a consultation, each on the timeline."""
    _require(actor, "complaints.investigate_complaint", _("Only the complaint officer investigates."))
    if kind not in EntryKind.values:
        raise InvalidInput(_("Unknown kind of entry."))
    text = _required(text, _("Write what was found, which document this is, or what was discussed."))
    if kind == EntryKind.DOCUMENT and upload is None:
        raise InvalidInput(_("Choose the document's file."))

    with files_discarded_on_error() as stored:

        def change(locked: Complaint) -> None:
            _only_its_officer(locked, actor)
            before = locked.state
            locked.officer = actor
            if locked.state == ComplaintState.RECORDED:
                locked.state = ComplaintState.INVESTIGATING
            entry = _store_entry(locked, actor, kind, text, upload, stored)
            action = {"finding": Action.FINDING, "document": Action.DOCUMENT, "consultation": Action.CONSULTATION}
            details = {"entry": entry.pk} | ({"file": entry.original_name} if entry.original_name else {})
            _event(locked, actor, action[kind], before=before, note=text, **details)

        allowed = (ComplaintState.RECORDED, ComplaintState.INVESTIGATING)
        return _step(complaint, actor, expected_version, allowed, change)


def _only_its_officer(locked: Complaint, actor: Any) -> None:
    if locked.officer_id not in (None, actor.pk):
        raise NotAllowed(_("This complaint is handled by %(name)s.") % {"name": locked.officer})


def propose(
    *,
    complaint: Complaint | int,
    actor: Any,
    outcome: str,
    resolution: str,
    reasons: str,
    expected_version: int | None = None,
) -> Complaint:
    """The officer submits a proposed resolution to the executives."""
    _require(actor, "complaints.investigate_complaint", _("Only the complaint officer proposes a resolution."))
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose the proposed outcome."))
    resolution = _required(resolution, _("Write the proposed resolution."))
    reasons = _required(reasons, _("Give the reasons for the proposal."))

    def change(locked: Complaint) -> None:
        _only_its_officer(locked, actor)
        before = locked.state
        locked.officer = actor
        locked.state = ComplaintState.PROPOSED
        proposal = Proposal.objects.create(
            complaint=locked, outcome=outcome, resolution=resolution, reasons=reasons, proposed_by=actor
        )
        _event(locked, actor, Action.PROPOSE, before=before, note=resolution, proposal=proposal.pk, outcome=outcome)

    allowed = (ComplaintState.RECORDED, ComplaintState.INVESTIGATING)
    return _step(complaint, actor, expected_version, allowed, change)


def decide(
    *,
    complaint: Complaint | int,
    actor: Any,
    decision: str,
    reason: str,
    outcome: str = "",
    resolution: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """An executive approves, amends or rejects the pending proposal, always with a reason."""
    _require(actor, "complaints.decide_complaint", _("Only the company's executives decide on complaints."))
    if decision not in Decision.values:
        raise InvalidInput(_("Choose a decision."))
    reason = _required(reason, _("Give the reason for the decision."))
    if decision == Decision.AMENDED:
        if outcome not in Outcome.values:
            raise InvalidInput(_("Choose the outcome as amended."))
        resolution = _required(resolution, _("Write the resolution as amended."))

    def change(locked: Complaint) -> None:
        proposal = locked.proposals.filter(decision="").order_by("-proposed_at", "-id").first()
        if proposal is None:
            raise IllegalTransition(_("There is no proposal waiting for a decision."))
        if proposal.proposed_by_id == actor.pk:
            raise NotAllowed(_("The executives decide on a proposal, not the officer who made it."))
        now = timezone.now()
        before = locked.state
        proposal.decision, proposal.decision_reason = decision, reason
        proposal.decided_by, proposal.decided_at = actor, now
        if decision == Decision.REJECTED:
            locked.state = ComplaintState.INVESTIGATING
            action = Action.REJECT_PROPOSAL
        else:
            amended = decision == Decision.AMENDED
            proposal.final_outcome = outcome if amended else proposal.outcome
            proposal.final_resolution = resolution if amended else proposal.resolution
            locked.state = ComplaintState.DECIDED
            locked.outcome = proposal.final_outcome
            locked.decided_at = now
            action = Action.AMEND if amended else Action.APPROVE
        proposal.save()
        _event(locked, actor, action, before=before, note=reason, proposal=proposal.pk, outcome=proposal.final_outcome)

    return _step(complaint, actor, expected_version, (ComplaintState.PROPOSED,), change)


def set_visibility(
    *, complaint: Complaint | int, actor: Any, may_see: bool, expected_version: int | None = None
) -> Complaint:
    """After the decision, the officer chooses whether the employees concerned may see the complaint."""
    _require(actor, "complaints.investigate_complaint", _("Only the complaint officer chooses this."))

    def change(locked: Complaint) -> None:
        if locked.decided_at is None:
            raise IllegalTransition(_("The employees concerned cannot see the complaint before the decision."))
        _only_its_officer(locked, actor)
        locked.concerned_may_see = may_see
        _event(locked, actor, Action.VISIBILITY, may_see=may_see)

    allowed = (ComplaintState.DECIDED, ComplaintState.ANSWERED)
    return _step(complaint, actor, expected_version, allowed, change)


def set_aside(
    *, complaint: Complaint | int, actor: Any, reason: str, note: str, expected_version: int | None = None
) -> Complaint:
    """A repeated identical complaint, or one whose complainant cannot be identified: closed, kept."""
    _require(actor, "complaints.investigate_complaint", _("Only the complaint officer can do this."))
    if reason not in SetAsideReason.values:
        raise InvalidInput(_("Choose why the complaint is not investigated."))
    note = _required(note, _("Explain the reason (e.g. the number of the earlier identical complaint)."))

    def change(locked: Complaint) -> None:
        _only_its_officer(locked, actor)
        before = locked.state
        locked.set_aside_reason = reason
        _close(locked, ComplaintState.SET_ASIDE, timezone.now())
        _event(locked, actor, Action.SET_ASIDE, before=before, note=note, reason=reason)

    allowed = (ComplaintState.RECORDED, ComplaintState.INVESTIGATING)
    return _step(complaint, actor, expected_version, allowed, change)


# --- the answer -----------------------------------------------------------------------------------


def redress_for(county: str) -> tuple[RedressBody | None, RedressBody | None, RedressBody | None]:
    """(conciliation body of the county, conciliation body at the company's seat, authority of the county)."""
    bodies = {(body.kind, body.county): body for body in RedressBody.objects.all()}
    seat = settings.PULT_COMPANY_COUNTY
    return (
        bodies.get((RedressKind.CONCILIATION, county)),
        bodies.get((RedressKind.CONCILIATION, seat)),
        bodies.get((RedressKind.AUTHORITY, county)) or bodies.get((RedressKind.AUTHORITY, seat)),
    )


def latest_answer(complaint: Complaint) -> Answer | None:
    return complaint.answers.order_by("-prepared_at", "-id").first()


def prepare_answer(
    *,
    complaint: Complaint | int,
    actor: Any,
    text: str,
    reasons: str,
    method: str,
    email: str = "",
    postal_address: str = "",
    county: str = "",
    expected_version: int | None = None,
) -> Answer:
    """The officer writes the decided answer and sends it by e-mail, or prints it as a letter to post."""
    _require(actor, "complaints.investigate_complaint", _("Only the complaint officer answers."))
    text = _required(text, _("Write the answer."))
    reasons = _required(reasons, _("An answer must give its reasons."))
    if method not in AnswerMethod.values:
        raise InvalidInput(_("Choose how the answer is sent."))
    if method == AnswerMethod.EMAIL:
        email = _required(email, _("Give the e-mail address to send the answer to."))
    else:
        postal_address = _required(postal_address, _("Give the postal address to send the letter to."))
    created: list[Answer] = []

    def change(locked: Complaint) -> None:
        _only_its_officer(locked, actor)
        previous = latest_answer(locked)
        if previous is not None and _still_going(previous):
            raise IllegalTransition(_("An answer is already on its way; wait for its outcome."))
        chosen_county = county or locked.county
        answer = Answer(
            complaint=locked,
            outcome=locked.outcome,
            text=text,
            reasons=reasons,
            method=method,
            email=email.strip(),
            postal_address=postal_address.strip(),
            submission_declared=settings.PULT_CONCILIATION_SUBMISSION_DECLARED,
            prepared_by=actor,
        )
        if locked.outcome in REFUSING_OUTCOMES:
            if not chosen_county:
                raise InvalidInput(
                    _(
                        "A refusal must name the conciliation body of the complainant's county: "
                        "give the county of residence."
                    )
                )
            answer.conciliation_body, answer.seat_conciliation_body, answer.authority = redress_for(chosen_county)
            if answer.conciliation_body is None or answer.authority is None:
                raise InvalidInput(
                    _("The list of conciliation bodies and authorities has no entry for this county; complete it.")
                )
        if county and county != locked.county:
            locked.county = county
        answer.save()
        locked.officer = actor
        created.append(answer)
        _event(locked, actor, Action.ANSWER_PREPARED, note=text, answer=answer.pk, method=method)
        if method == AnswerMethod.EMAIL:
            from complaints.mailing import answer_queue

            answer_queue(answer)

    _step(complaint, actor, expected_version, (ComplaintState.DECIDED,), change)
    return created[0]


def _still_going(answer: Answer) -> bool:
    """An e-mailed answer that is queued or retrying: a second one would reach the complainant twice."""
    from complaints.choices import MessageStatus

    if answer.method != AnswerMethod.EMAIL:
        return False
    return answer.messages.filter(status__in=[MessageStatus.QUEUED, MessageStatus.FAILED]).exists()


def answer_delivered(*, answer: Answer, actor: Any, at: dt.datetime, action: Action, **details: Any) -> Complaint:
    """The answer went out (accepted by the mail server, or posted): the complaint is answered."""

    def change(locked: Complaint) -> None:
        before = locked.state
        locked.state = ComplaintState.ANSWERED
        locked.answered_at = at
        _close(locked, ComplaintState.ANSWERED, at)
        record = ComplaintRecord.objects.filter(complaint=locked, sent_at__isnull=True).first()
        if record is not None and locked.channel != Channel.IN_PERSON:
            record.sent_at = at
            record.save(update_fields=["sent_at"])
        _event(locked, actor, action, before=before, answer=answer.pk, **details)

    return _step(answer.complaint_id, actor, None, (ComplaintState.DECIDED,), change)


def answer_posted(*, answer: Answer, actor: Any, expected_version: int | None = None) -> Complaint:
    """The printed answer letter was posted: that is the provable sending of a letter."""
    _require(actor, "complaints.investigate_complaint", _("Only the complaint officer answers."))
    if answer.method != AnswerMethod.LETTER:
        raise InvalidInput(_("This answer goes by e-mail."))
    if answer.posted_at is not None:
        raise IllegalTransition(_("This letter is already marked posted."))
    now = timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=answer.complaint_id)
        if expected_version is not None and complaint.version != expected_version:
            raise ComplaintChangedMeanwhile()
        _not_concerned(complaint, actor)
        _only_its_officer(complaint, actor)
        if latest_answer(complaint) != answer:
            raise IllegalTransition(_("A newer answer replaced this one."))
        answer.posted_at = now
        answer.save(update_fields=["posted_at"])
        return answer_delivered(answer=answer, actor=actor, at=now, action=Action.ANSWER_POSTED)
