"""Routing and execution: route (seed d), dispatch and reassign (seed e), and the executor's work (seed f)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.choices import ConsultationKind, RouteDecision
from tickets.models import Consultation, Ticket, WorkLogEntry
from tickets.workflow.core import InvalidInput, _apply, _assign_to, _check_executor, _required

# --- d) route, e) dispatch ------------------------------------------------------------------------


def route_ticket(
    *,
    ticket: Ticket | int,
    actor: Any,
    decision: RouteDecision | str,
    executor: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Seed d: solve personally, assign to an executor, or pass to the dispatcher."""
    if decision == RouteDecision.PERSONALLY:
        return _apply(
            ticket=ticket,
            actor=actor,
            step_name="route_personally",
            expected_version=expected_version,
            note=note,
            change=_assign_to(actor),
        )
    if decision == RouteDecision.EXECUTOR:
        _check_executor(executor)

        return _apply(
            ticket=ticket,
            actor=actor,
            step_name="route_to_executor",
            expected_version=expected_version,
            note=note,
            change=_assign_to(executor),
        )
    if decision == RouteDecision.DISPATCHER:
        return _apply(
            ticket=ticket, actor=actor, step_name="route_to_dispatcher", expected_version=expected_version, note=note
        )
    raise InvalidInput(_("Choose how the ticket is routed."))


def dispatch_ticket(
    *, ticket: Ticket | int, actor: Any, executor: Any, note: str = "", expected_version: int | None = None
) -> Ticket:
    """Seed e: the dispatcher assigns the ticket to an executor."""
    _check_executor(executor)

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="dispatch",
        expected_version=expected_version,
        note=note,
        change=_assign_to(executor),
    )


def reassign_ticket(
    *, ticket: Ticket | int, actor: Any, executor: Any, reason: str, expected_version: int | None = None
) -> Ticket:
    """The dispatcher gives an assigned or started ticket to another executor (absence, wrong person)."""
    _check_executor(executor)
    reason = _required(reason, _("Give the reason for the reassignment."))

    def change(locked: Ticket) -> dict[str, Any]:
        if locked.assignee_id == executor.pk:
            raise InvalidInput(_("The ticket is already assigned to this executor."))
        previous = locked.assignee.display_name if locked.assignee else ""
        return {**_assign_to(executor)(locked), "previous_assignee": previous}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="reassign",
        expected_version=expected_version,
        note=reason,
        change=change,
    )


# --- f) execute -----------------------------------------------------------------------------------


def start_work(*, ticket: Ticket | int, actor: Any, note: str = "", expected_version: int | None = None) -> Ticket:
    return _apply(ticket=ticket, actor=actor, step_name="start", expected_version=expected_version, note=note)


def log_work(
    *, ticket: Ticket | int, actor: Any, minutes: int, note: str, expected_version: int | None = None
) -> Ticket:
    """Seed f: an entry of the executor's continuous log, with the time spent."""
    note = _required(note, _("Describe the work done."))
    if not isinstance(minutes, int) or minutes < 1 or minutes > 24 * 60:
        raise InvalidInput(_("Minutes spent must be a whole number between 1 and 1440."))

    def change(locked: Ticket) -> dict[str, Any]:
        WorkLogEntry.objects.create(ticket=locked, author=actor, minutes=minutes, note=note)
        return {"minutes": minutes}

    return _apply(
        ticket=ticket, actor=actor, step_name="log_work", expected_version=expected_version, note=note, change=change
    )


def ask_agent(*, ticket: Ticket | int, actor: Any, question: str, expected_version: int | None = None) -> Ticket:
    """Seed f: the executor consults the agent about a problem. The agent sees it in their queue."""
    question = _required(question, _("Write the question."))

    def change(locked: Ticket) -> dict[str, Any]:
        consultation = Consultation.objects.create(
            ticket=locked, kind=ConsultationKind.EXECUTOR_QUESTION, author=actor, text=question
        )
        locked.open_questions += 1
        return {"consultation": consultation.pk}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="ask_agent",
        expected_version=expected_version,
        note=question,
        change=change,
    )


def answer_executor(
    *,
    ticket: Ticket | int,
    actor: Any,
    consultation: Consultation | int,
    answer: str,
    expected_version: int | None = None,
) -> Ticket:
    answer = _required(answer, _("Write the answer."))
    consultation_id = consultation.pk if isinstance(consultation, Consultation) else consultation

    def change(locked: Ticket) -> dict[str, Any]:
        question = (
            Consultation.objects.select_for_update()
            .filter(pk=consultation_id, ticket=locked, kind=ConsultationKind.EXECUTOR_QUESTION)
            .first()
        )
        if question is None or question.answered_at is not None:
            raise InvalidInput(_("This question does not exist or has already been answered."))
        question.answer = answer
        question.answered_by = actor
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        locked.open_questions = max(0, locked.open_questions - 1)
        return {"consultation": question.pk, "question": question.text}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="answer_executor",
        expected_version=expected_version,
        note=answer,
        change=change,
    )


def complete_work(*, ticket: Ticket | int, actor: Any, note: str, expected_version: int | None = None) -> Ticket:
    """Seed f: the executor records that the work is finished; the agent tests it next."""
    note = _required(note, _("Describe what was done."))

    def change(locked: Ticket) -> None:
        locked.completed_at = timezone.now()

    return _apply(
        ticket=ticket, actor=actor, step_name="complete", expected_version=expected_version, note=note, change=change
    )
