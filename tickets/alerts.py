"""Deadline warnings and escalations: who is told, what the e-mail says, what the timeline records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from tickets import workflow
from tickets.choices import Action, Stage, State
from tickets.models import StageClock, Ticket

User = get_user_model()

# Who answers for each stage besides the ticket's assignee.
STAGE_PERMISSION = {
    Stage.VERIFY: "tickets.verify_ticket",
    Stage.ROUTE: "tickets.route_ticket",
    Stage.RESOLVE: "tickets.work_on_ticket",
    Stage.NOTIFY: "tickets.notify_user",
}


def responsible(ticket: Ticket, stage: str) -> list[Any]:
    """The person who answers for the stage: the assignee while it is being solved, the dispatchers while it
    waits for them, otherwise the agent who registered it (or every agent, when the system registered it)."""
    if stage == Stage.RESOLVE and ticket.assignee is not None and ticket.assignee.is_active:
        return [ticket.assignee]
    permission = "tickets.dispatch_ticket" if ticket.state == State.DISPATCHING else STAGE_PERMISSION[Stage(stage)]
    registrar = ticket.registered_by
    if registrar is not None and registrar.is_active and registrar.has_perm(permission):
        return [registrar]
    return list(User.objects.with_perm(permission, is_active=True, include_superusers=False).order_by("pk"))


def managers() -> list[Any]:
    return list(User.objects.filter(is_active=True, groups__name=Role.MANAGER).order_by("pk"))


def _mail(ticket: Ticket, people: list[Any], subject: str, body: str) -> list[str]:
    from mail.outbound import staff_alert_queue

    sent_to = []
    for person in people:
        if person.email:
            staff_alert_queue(ticket=ticket, to=person.email, subject=subject, body=body)
            sent_to.append(person.display_name)
    return sent_to


def _describe(clock: StageClock) -> dict[str, str]:
    ticket = clock.ticket
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "stage": str(Stage(clock.stage).label).lower(),
        "due": formats.date_format(timezone.localtime(clock.due_at), "SHORT_DATETIME_FORMAT") if clock.due_at else "",
        "url": settings.PULT_BASE_URL + reverse("tickets:detail", args=[ticket.year, ticket.sequence]),
    }


def warn(clock: StageClock) -> None:
    """The warning time has come: tell the responsible person, once."""
    with translation.override(settings.LANGUAGE_CODE):
        values = _describe(clock)
        subject = _("Deadline near: %(stage)s due %(due)s — %(subject)s") % values
        body = (
            _(
                "The %(stage)s of ticket %(number)s (“%(subject)s”) is due %(due)s.\n"
                "Please act on it before then.\n\n%(url)s\n"
            )
            % values
        )
        people = responsible(clock.ticket, clock.stage)
        told = _mail(clock.ticket, people, subject, body)
        workflow.note_event(
            clock.ticket,
            Action.SLA_WARNING,
            note=_("%(stage)s due %(due)s") % values,
            data={"stage": clock.stage, "due_at": clock.due_at.isoformat() if clock.due_at else "", "told": told},
        )


def escalate(clock: StageClock) -> None:
    """The deadline passed: tell the service-desk managers and the responsible person, once."""
    with translation.override(settings.LANGUAGE_CODE):
        values = _describe(clock)
        subject = _("Deadline missed: %(stage)s was due %(due)s — %(subject)s") % values
        body = (
            _(
                "The %(stage)s of ticket %(number)s (“%(subject)s”) was due %(due)s and is not done.\n"
                "This message goes to the service-desk managers and to the person responsible.\n\n%(url)s\n"
            )
            % values
        )
        people = managers()
        people += [person for person in responsible(clock.ticket, clock.stage) if person not in people]
        told = _mail(clock.ticket, people, subject, body)
        workflow.note_event(
            clock.ticket,
            Action.SLA_BREACH,
            note=_("%(stage)s was due %(due)s") % values,
            data={"stage": clock.stage, "due_at": clock.due_at.isoformat() if clock.due_at else "", "told": told},
        )
