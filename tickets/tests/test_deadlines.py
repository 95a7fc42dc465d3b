"""Service-level deadlines: counted in working time, paused while waiting on the user, warned and escalated once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from testkit.workflow import advance, register
from tickets import deadlines, workflow
from tickets.choices import Action, Priority, Stage, State
from tickets.models import StageClock, Ticket
from worktime.calendar import BUDAPEST, add_working_minutes
from worktime.models import CalendarException, OpeningHours, ServiceLevel
from worktime.services import current_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (the recomputation, the mail) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BUDAPEST)


def local(instant: dt.datetime | None) -> dt.datetime | None:
    return instant.astimezone(BUDAPEST) if instant else None


def test_a_request_on_friday_afternoon_is_due_after_the_weekend(users, contact):
    # Normal priority: 4 working hours to verify. One hour is left on Friday (8:00–14:00).
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    assert ticket.sla_stage == Stage.VERIFY
    assert local(ticket.due_at) == at(2026, 11, 23, 10, 30)
    # The warning comes at 80%: 192 minutes.
    assert local(ticket.warn_at) == at(2026, 11, 23, 9, 42)


def test_a_request_on_a_holiday_eve_skips_the_holiday_and_the_weekend(users, contact):
    # Thursday 22 October 2026, 15:00: Friday 23 October is a national holiday.
    ticket = register(users, contact, received_at=at(2026, 10, 22, 15, 0))
    assert local(ticket.due_at) == at(2026, 10, 26, 10, 0)
    # Urgent requests have 30 minutes: Christmas Eve 2025 (a bridge day) and both Christmas days are closed.
    urgent = register(users, contact, received_at=at(2025, 12, 23, 16, 15), priority=Priority.URGENT)
    assert local(urgent.due_at) == at(2025, 12, 29, 7, 45)


def test_each_stage_has_its_own_clock_and_the_step_records_whether_the_target_was_met(users, contact):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    ticket = workflow.verify_ticket(ticket=ticket, actor=users["agent"])
    ended = ticket.events.order_by("-id").first().data["clock"]["ended"]
    assert ended["stage"] == Stage.VERIFY and ended["target_minutes"] == 240
    assert ended["met"] is False  # verified days later, well past four working hours
    clock = StageClock.objects.get(ticket=ticket, ended_at__isnull=True)
    assert clock.stage == Stage.ROUTE and ticket.sla_stage == Stage.ROUTE
    assert ticket.due_at == add_working_minutes(current_calendar(), clock.started_at, 8 * 60)
    ticket = advance(ticket, State.IN_PROGRESS, users)
    assert ticket.sla_stage == Stage.RESOLVE
    assert StageClock.objects.filter(ticket=ticket).count() == 3
    ticket = advance(ticket, State.CLOSED, users)
    assert ticket.sla_stage == "" and ticket.due_at is None
    assert not StageClock.objects.filter(ticket=ticket, ended_at__isnull=True).exists()
    assert list(StageClock.objects.filter(ticket=ticket).values_list("stage", flat=True)) == [
        Stage.VERIFY,
        Stage.ROUTE,
        Stage.RESOLVE,
        Stage.NOTIFY,
    ]


def test_reopening_starts_a_new_verification_clock(users, contact):
    ticket = advance(register(users, contact), State.CLOSED, users)
    workflow.register_feedback(ticket=ticket, actor=users["agent"], content="Megint rossz.", reopen=True)
    ticket.refresh_from_db()
    assert ticket.sla_stage == Stage.VERIFY and ticket.due_at is not None


def test_the_clock_pauses_while_waiting_on_the_user_and_resumes_on_the_answer(users, contact):
    agent = users["agent"]
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    due_before = ticket.due_at
    ticket = workflow.ask_user(ticket=ticket, actor=agent, question="Melyik nyomtatót használja?")
    assert ticket.waiting_since is not None and ticket.due_at is None and ticket.sla_stage == Stage.RESOLVE
    assert ticket.events.order_by("-id").first().action == Action.WAIT_FOR_USER
    with pytest.raises(workflow.IllegalTransition):
        workflow.ask_user(ticket=ticket, actor=agent, question="Még egy kérdés")

    ticket = workflow.user_answered(ticket=ticket, actor=agent, answer="HP LaserJet")
    assert ticket.waiting_since is None
    clock = StageClock.objects.get(ticket=ticket, ended_at__isnull=True)
    assert clock.pauses == 1
    # The deadline is what was left when the clock stopped, counted from the answer: never earlier than before.
    assert ticket.due_at == add_working_minutes(
        current_calendar(), clock.running_since, clock.target_minutes - clock.counted / dt.timedelta(minutes=1)
    )
    assert ticket.due_at >= due_before
    event = ticket.events.order_by("-id").first()
    assert event.action == Action.USER_ANSWERED and event.data["clock_resumed"] is True
    question = ticket.consultations.get(kind="user_question")
    assert question.answer == "HP LaserJet" and question.answered_by == agent
    with pytest.raises(workflow.IllegalTransition):
        workflow.user_answered(ticket=ticket, actor=agent, answer="Még egyszer")


def test_a_reply_from_the_user_resumes_the_clock(users, contact):
    ticket = advance(register(users, contact), State.VERIFIED, users)
    ticket = workflow.ask_user(ticket=ticket, actor=users["agent"], question="Küldjön képernyőképet!")
    ticket = workflow.receive_message(
        ticket=ticket, actor=users["agent"], text="Csatolom.", sender=contact.email, channel="email", details={}
    )
    assert ticket.waiting_since is None and ticket.due_at is not None
    assert ticket.events.order_by("-id").first().data["clock_resumed"] is True


def test_a_stage_entered_while_waiting_starts_paused(users, contact):
    ticket = workflow.ask_user(ticket=register(users, contact), actor=users["agent"], question="Ki a kapcsolattartó?")
    ticket = workflow.verify_ticket(ticket=ticket, actor=users["agent"])
    assert ticket.sla_stage == Stage.ROUTE and ticket.due_at is None
    ticket = workflow.user_answered(ticket=ticket, actor=users["agent"], answer="Kovács Éva")
    assert ticket.due_at is not None


def test_a_priority_change_moves_the_deadline(users, contact):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    ticket = workflow.clarify_ticket(
        ticket=ticket,
        actor=users["agent"],
        subject=ticket.subject,
        module=None,
        priority=Priority.URGENT,
        contact=ticket.contact,
    )
    assert local(ticket.due_at) == at(2026, 11, 20, 13, 30)


# --- targets per customer and module --------------------------------------------------------------


def test_the_most_specific_service_level_wins(users, contact, module):
    ServiceLevel.objects.create(priority=Priority.NORMAL, module=module, verify_minutes=60)
    ServiceLevel.objects.create(priority=Priority.NORMAL, customer=contact.customer, verify_minutes=90)
    ServiceLevel.objects.create(priority=Priority.NORMAL, customer=contact.customer, module=module, verify_minutes=30)
    received = at(2026, 11, 24, 8, 0)
    assert local(register(users, contact, received_at=received, module=module).due_at) == at(2026, 11, 24, 8, 30)
    assert local(register(users, contact, received_at=received).due_at) == at(2026, 11, 24, 9, 30)


# --- the calendar changes: every open deadline moves ------------------------------------------------


def test_an_added_closure_and_changed_hours_move_open_deadlines(users, contact, committed):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    closed = advance(register(users, contact, received_at=at(2026, 11, 20, 13, 0)), State.CLOSED, users)
    with committed():
        CalendarException.objects.create(date=dt.date(2026, 11, 23), reason="Leltár")
    ticket.refresh_from_db()
    assert local(ticket.due_at) == at(2026, 11, 24, 10, 30)
    tuesday = OpeningHours.objects.get(weekday=1)
    tuesday.opens = dt.time(9, 0)
    with committed():
        tuesday.save()
    ticket.refresh_from_db()
    assert local(ticket.due_at) == at(2026, 11, 24, 12, 0)
    closed.refresh_from_db()
    assert closed.due_at is None


def test_a_changed_target_moves_open_deadlines(users, contact, committed):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    level = ServiceLevel.objects.get(priority=Priority.NORMAL, customer=None, module=None)
    level.verify_minutes = 120
    with committed():
        level.save()
    ticket.refresh_from_db()
    assert local(ticket.due_at) == at(2026, 11, 23, 8, 30)


# --- warnings and escalation ----------------------------------------------------------------------


def test_a_late_ticket_is_warned_then_escalated_exactly_once(users, contact, smtp_server, committed):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))  # warn 9:42, due 10:30 on Monday
    with committed():
        assert deadlines.sweep(now=at(2026, 11, 23, 9, 41)).warned == []
    with committed():
        assert deadlines.sweep(now=at(2026, 11, 23, 9, 45)).warned == [ticket.pk]
    with committed():
        assert deadlines.sweep(now=at(2026, 11, 23, 9, 50)).warned == []
    assert [message["X-Envelope-To"] for message in smtp_server.messages] == [users["agent"].email]
    warning = smtp_server.messages[0]
    assert ticket.number in warning["Subject"] and "Határidő közeleg" in warning["Subject"]
    assert f"/tickets/{ticket.year}/{ticket.sequence}/" in warning.get_content()

    with committed():
        assert deadlines.sweep(now=at(2026, 11, 23, 10, 31)).breached == [ticket.pk]
    with committed():
        assert deadlines.sweep(now=at(2026, 11, 24, 10, 31)).breached == []
    escalations = smtp_server.messages[1:]
    assert sorted(message["X-Envelope-To"] for message in escalations) == sorted(
        [users["manager"].email, users["agent"].email]
    )
    assert all("Határidő lejárt" in message["Subject"] for message in escalations)
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions.count(Action.SLA_WARNING) == 1 and actions.count(Action.SLA_BREACH) == 1
    # The sweep does not change the ticket: nobody's open form goes stale.
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_a_deadline_passed_before_any_sweep_is_escalated_without_a_late_warning(users, contact, smtp_server, committed):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    with committed():
        result = deadlines.sweep(now=at(2026, 11, 23, 12, 0))
    assert result.warned == [] and result.breached == [ticket.pk]
    assert not ticket.events.filter(action=Action.SLA_WARNING).exists()


def test_the_executor_is_warned_about_the_resolution_deadline(users, contact, smtp_server, committed):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    with committed():
        deadlines.sweep(now=ticket.warn_at)
    assert [message["X-Envelope-To"] for message in smtp_server.messages] == [users["executor"].email]


def test_a_paused_ticket_is_not_warned(users, contact, smtp_server, committed):
    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    workflow.ask_user(ticket=ticket, actor=users["agent"], question="Mikor jelentkezett a hiba?")
    with committed():
        assert deadlines.sweep(now=at(2026, 11, 30, 12, 0)).breached == []
    assert smtp_server.messages == []


def test_finding_what_is_due_is_one_query_whatever_the_number_of_tickets(users, contact):
    for _ in range(3):
        register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    with CaptureQueriesContext(connection) as few:
        assert len(deadlines.due_for_check(at(2026, 11, 30, 12, 0))) == 3
    for _ in range(10):
        register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    with CaptureQueriesContext(connection) as many:
        assert len(deadlines.due_for_check(at(2026, 11, 30, 12, 0))) == 13
    assert len(few) == len(many) == 1
    assert "next_check_at" in many[0]["sql"]


def test_open_tickets_from_before_service_levels_get_a_clock_by_the_upgrade_command(users, contact):
    from io import StringIO

    from django.core.management import call_command

    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    closed = advance(register(users, contact), State.CLOSED, users)
    # As after the upgrade: the ticket existed, but no clock ran for it.
    StageClock.objects.filter(ticket=ticket).delete()
    Ticket.objects.filter(pk=ticket.pk).update(sla_stage="", due_at=None, warn_at=None)
    output = StringIO()
    call_command("recompute_deadlines", stdout=output)
    assert "Clocks started: 1" in output.getvalue()
    ticket.refresh_from_db()
    clock = StageClock.objects.get(ticket=ticket, ended_at__isnull=True)
    assert ticket.sla_stage == Stage.RESOLVE and clock.started_at == ticket.events.get(action=Action.START).at
    assert ticket.due_at == add_working_minutes(current_calendar(), clock.started_at, clock.target_minutes)
    assert not StageClock.objects.filter(ticket=closed, ended_at__isnull=True).exists()


def test_the_periodic_task_sweeps(users, contact, committed, smtp_server):
    from tickets.tasks import sla_sweep_task

    ticket = register(users, contact, received_at=at(2026, 11, 20, 13, 0))
    with committed():
        sla_sweep_task.call_local()
    assert ticket.events.filter(action=Action.SLA_BREACH).count() == 1


def test_rejecting_a_ticket_that_waits_on_the_user_ends_the_wait(users, contact):
    ticket = workflow.ask_user(ticket=register(users, contact), actor=users["agent"], question="Ki küldte?")
    ticket = workflow.reject_ticket(ticket=ticket, actor=users["agent"], reason="Téves címzett")
    assert ticket.waiting_since is None and ticket.due_at is None and ticket.sla_stage == ""
