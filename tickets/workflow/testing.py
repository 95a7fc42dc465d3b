"""Testing and the decision on the result (seeds g–i): the test log, returning to the executor, judging solved."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.choices import TestOutcome
from tickets.models import TestLogEntry, Ticket
from tickets.workflow.core import InvalidInput, _apply, _required

# --- g)–i) test and decide ------------------------------------------------------------------------


def log_test(
    *,
    ticket: Ticket | int,
    actor: Any,
    note: str,
    outcome: TestOutcome | str = TestOutcome.NOTE,
    expected_version: int | None = None,
) -> Ticket:
    """Seed i: an entry of the agent's test log."""
    note = _required(note, _("Describe what was tested."))
    if outcome not in TestOutcome.values:
        raise InvalidInput(_("Unknown test outcome."))

    def change(locked: Ticket) -> dict[str, Any]:
        TestLogEntry.objects.create(ticket=locked, author=actor, note=note, outcome=outcome)
        return {"outcome": str(outcome)}

    return _apply(
        ticket=ticket, actor=actor, step_name="log_test", expected_version=expected_version, note=note, change=change
    )


def return_to_executor(*, ticket: Ticket | int, actor: Any, reason: str, expected_version: int | None = None) -> Ticket:
    """Seed h: the test failed; the ticket goes back to the executor (step f) with the reason."""
    reason = _required(reason, _("Give the reason for returning the ticket."))

    def change(locked: Ticket) -> None:
        locked.completed_at = None

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="return_to_executor",
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def accept_solved(
    *, ticket: Ticket | int, actor: Any, test_note: str = "", note: str = "", expected_version: int | None = None
) -> Ticket:
    """Seed h: the agent judges the ticket solved. The testing must be on the test log (seed i)."""

    def change(locked: Ticket) -> None:
        if test_note.strip():
            TestLogEntry.objects.create(ticket=locked, author=actor, note=test_note.strip(), outcome=TestOutcome.PASSED)
        tested = TestLogEntry.objects.filter(ticket=locked)
        if locked.completed_at is not None:
            tested = tested.filter(logged_at__gte=locked.completed_at)
        if not tested.exists():
            raise InvalidInput(_("Log the testing of the result before judging the ticket solved."))
        locked.solved_at = timezone.now()

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="accept_solved",
        expected_version=expected_version,
        note=note or test_note,
        change=change,
    )
