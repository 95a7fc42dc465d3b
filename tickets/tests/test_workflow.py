"""The seed's workflow (b–l) end to end through the services, and every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from accounts.roles import ROLE_PERMISSIONS, Role
from customers.choices import NotificationChannel
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import Action, ConsultationKind, FeedbackOutcome, RouteDecision, State
from tickets.choices import TestOutcome as Outcome
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def actions_of(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("action", flat=True))


def test_executor_path_records_every_step_on_the_timeline(users, contact, module):
    agent, executor = users["agent"], users["executor"]
    received = timezone.now() - dt.timedelta(hours=3)
    ticket = register(users, contact, module=module, received_at=received)
    assert ticket.number == f"{timezone.localtime().year}/000001"
    assert ticket.state == State.NEW
    assert ticket.received_at == received and ticket.registered_at > received

    ticket = workflow.verify_ticket(ticket=ticket, actor=agent, call_summary="Felhívtam, a hiba valós.")
    ticket = workflow.route_ticket(ticket=ticket, actor=agent, decision=RouteDecision.EXECUTOR, executor=executor)
    assert ticket.state == State.ASSIGNED and ticket.assignee == executor
    ticket = workflow.start_work(ticket=ticket, actor=executor)
    ticket = workflow.log_work(ticket=ticket, actor=executor, minutes=45, note="Hibakeresés a nyomtatási sablonban.")
    ticket = workflow.ask_agent(ticket=ticket, actor=executor, question="Melyik nyomtatót használják?")
    assert ticket.open_questions == 1
    question = ticket.consultations.get(kind=ConsultationKind.EXECUTOR_QUESTION)
    ticket = workflow.answer_executor(ticket=ticket, actor=agent, consultation=question, answer="HP LaserJet.")
    assert ticket.open_questions == 0
    ticket = workflow.log_work(ticket=ticket, actor=executor, minutes=30, note="Illesztőprogram-beállítás javítva.")
    ticket = workflow.complete_work(ticket=ticket, actor=executor, note="A sablon javítva.")
    assert ticket.state == State.COMPLETED
    ticket = workflow.log_test(ticket=ticket, actor=agent, note="Próbanyomtatás rendben.", outcome=Outcome.PASSED)
    ticket = workflow.accept_solved(ticket=ticket, actor=agent)
    assert ticket.state == State.SOLVED
    ticket = workflow.record_notification(
        ticket=ticket,
        actor=agent,
        channel=NotificationChannel.EMAIL,
        recipient=contact.email,
        message="A hibát javítottuk.",
    )
    ticket = workflow.close_ticket(ticket=ticket, actor=agent)
    assert ticket.state == State.CLOSED and ticket.closed_at is not None

    assert actions_of(ticket) == [
        Action.REGISTER,
        Action.VERIFY,
        Action.ROUTE_TO_EXECUTOR,
        Action.START,
        Action.LOG_WORK,
        Action.ASK_AGENT,
        Action.ANSWER_EXECUTOR,
        Action.LOG_WORK,
        Action.COMPLETE,
        Action.LOG_TEST,
        Action.ACCEPT_SOLVED,
        Action.RECORD_NOTIFICATION,
        Action.CLOSE,
    ]
    events = list(ticket.events.order_by("at", "id"))
    assert all(event.actor in (agent, executor) for event in events)
    assert [(e.from_state, e.to_state) for e in events if e.from_state != e.to_state] == [
        ("", State.NEW),
        (State.NEW, State.VERIFIED),
        (State.VERIFIED, State.ASSIGNED),
        (State.ASSIGNED, State.IN_PROGRESS),
        (State.IN_PROGRESS, State.COMPLETED),
        (State.COMPLETED, State.SOLVED),
        (State.SOLVED, State.NOTIFIED),
        (State.NOTIFIED, State.CLOSED),
    ]
    assert sum(ticket.work_logs.values_list("minutes", flat=True)) == 75
    assert ticket.consultations.filter(kind=ConsultationKind.USER_CALL).get().text == "Felhívtam, a hiba valós."
    notification = ticket.notifications.get()
    assert (notification.channel, notification.recipient) == (NotificationChannel.EMAIL, contact.email)


def test_dispatcher_assigns_a_ticket_the_agent_could_not_route(users, contact):
    ticket = workflow.verify_ticket(ticket=register(users, contact), actor=users["agent"])
    ticket = workflow.route_ticket(ticket=ticket, actor=users["agent"], decision=RouteDecision.DISPATCHER)
    assert ticket.state == State.DISPATCHING and ticket.assignee is None
    ticket = workflow.dispatch_ticket(ticket=ticket, actor=users["dispatcher"], executor=users["executor"])
    assert ticket.state == State.ASSIGNED and ticket.assignee == users["executor"]
    assert actions_of(ticket)[-2:] == [Action.ROUTE_TO_DISPATCHER, Action.DISPATCH]


def test_agent_solving_personally_becomes_the_assignee_and_works_on_it(users, contact):
    agent = users["agent"]
    ticket = workflow.verify_ticket(ticket=register(users, contact), actor=agent)
    ticket = workflow.route_ticket(ticket=ticket, actor=agent, decision=RouteDecision.PERSONALLY)
    assert ticket.state == State.IN_PROGRESS and ticket.assignee == agent
    ticket = workflow.log_work(ticket=ticket, actor=agent, minutes=10, note="Jelszó visszaállítva.")
    ticket = workflow.complete_work(ticket=ticket, actor=agent, note="Kész.")
    ticket = workflow.accept_solved(ticket=ticket, actor=agent, test_note="Bejelentkezés működik.")
    assert ticket.state == State.SOLVED


def test_returned_ticket_goes_back_to_the_executor_and_needs_a_new_test(users, contact):
    agent, executor = users["agent"], users["executor"]
    ticket = advance(register(users, contact), State.COMPLETED, users)
    ticket = workflow.log_test(ticket=ticket, actor=agent, note="Még mindig hibás.", outcome=Outcome.FAILED)
    ticket = workflow.return_to_executor(ticket=ticket, actor=agent, reason="A fejléc továbbra is hiányzik.")
    assert ticket.state == State.IN_PROGRESS and ticket.assignee == executor
    assert ticket.events.last().note == "A fejléc továbbra is hiányzik."
    ticket = workflow.complete_work(ticket=ticket, actor=executor, note="Fejléc pótolva.")
    # The failed test belongs to the previous completion: solving needs testing of this one.
    with pytest.raises(workflow.InvalidInput):
        workflow.accept_solved(ticket=ticket, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).state == State.COMPLETED
    ticket = workflow.accept_solved(ticket=ticket, actor=agent, test_note="Fejléc megjelenik.")
    assert ticket.state == State.SOLVED


def test_agent_consults_the_user_by_phone_while_testing(users, contact):
    ticket = advance(register(users, contact), State.COMPLETED, users)
    ticket = workflow.consult_user(ticket=ticket, actor=users["agent"], summary="A felhasználó megerősítette.")
    assert ticket.state == State.COMPLETED
    call = ticket.consultations.get(kind=ConsultationKind.USER_CALL)
    assert call.contact == contact and call.author == users["agent"]


def test_request_that_is_not_genuine_is_rejected_with_reason_and_kept(users, contact):
    ticket = workflow.reject_ticket(ticket=register(users, contact), actor=users["agent"], reason="Duplikátum")
    assert ticket.state == State.REJECTED and ticket.rejection_reason == "Duplikátum"
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    with pytest.raises(workflow.InvalidInput):
        workflow.reject_ticket(ticket=register(users, contact), actor=users["agent"], reason="  ")


def test_feedback_reopens_a_closed_ticket_and_it_goes_through_the_steps_again(users, contact):
    agent = users["agent"]
    ticket = advance(register(users, contact), State.CLOSED, users)
    feedback = workflow.register_feedback(ticket=ticket, actor=agent, content="Újra nem nyomtat.", reopen=True)
    ticket.refresh_from_db()
    assert feedback.outcome == FeedbackOutcome.REOPENED
    assert ticket.state == State.NEW and ticket.reopen_count == 1 and ticket.closed_at is None
    assert actions_of(ticket)[-1] == Action.REOPEN
    ticket = advance(ticket, State.SOLVED, users)
    # The notification of the first round does not count for the second.
    with pytest.raises(workflow.IllegalTransition):
        workflow.close_ticket(ticket=ticket, actor=agent)
    ticket = advance(ticket, State.CLOSED, users)
    assert ticket.notifications.count() == 2


def test_feedback_that_needs_no_action_is_recorded_without_reopening(users, contact):
    ticket = advance(register(users, contact), State.CLOSED, users)
    feedback = workflow.register_feedback(ticket=ticket, actor=users["agent"], content="Köszönjük!", reopen=False)
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED and feedback.outcome == FeedbackOutcome.RECORDED
    assert actions_of(ticket)[-1] == Action.RECORD_FEEDBACK


def test_ticket_cannot_be_closed_before_a_notification_is_recorded(users, contact):
    ticket = advance(register(users, contact), State.SOLVED, users)
    with pytest.raises(workflow.IllegalTransition) as refused, translation.override("en"):
        workflow.close_ticket(ticket=ticket, actor=users["agent"])
    with translation.override("en"):
        assert str(refused.value.message) == "“Close” is not possible while the ticket is “To notify”."
    assert Ticket.objects.get(pk=ticket.pk).state == State.SOLVED


# --- every illegal step is refused and changes nothing --------------------------------------------


def take(step: str, ticket: Ticket, users: dict[str, Any], actor: Any = None) -> Any:
    """Take `step` with valid input, as `actor` or else as the user who would normally take it."""
    agent = actor or users["agent"]
    dispatcher = actor or users["dispatcher"]
    worker = actor or (users["executor"] if ticket.assignee_id in (None, users["executor"].pk) else users["agent"])
    executor = users["executor"]
    calls = {
        "verify": lambda: workflow.verify_ticket(ticket=ticket, actor=agent),
        "reject": lambda: workflow.reject_ticket(ticket=ticket, actor=agent, reason="Téves"),
        "route_personally": lambda: workflow.route_ticket(
            ticket=ticket, actor=agent, decision=RouteDecision.PERSONALLY
        ),
        "route_to_executor": lambda: workflow.route_ticket(
            ticket=ticket, actor=agent, decision=RouteDecision.EXECUTOR, executor=executor
        ),
        "route_to_dispatcher": lambda: workflow.route_ticket(
            ticket=ticket, actor=agent, decision=RouteDecision.DISPATCHER
        ),
        "dispatch": lambda: workflow.dispatch_ticket(ticket=ticket, actor=dispatcher, executor=executor),
        "start": lambda: workflow.start_work(ticket=ticket, actor=worker),
        "log_work": lambda: workflow.log_work(ticket=ticket, actor=worker, minutes=5, note="x"),
        "ask_agent": lambda: workflow.ask_agent(ticket=ticket, actor=worker, question="?"),
        "answer_executor": lambda: workflow.answer_executor(
            ticket=ticket, actor=agent, consultation=0, answer="válasz"
        ),
        "complete": lambda: workflow.complete_work(ticket=ticket, actor=worker, note="kész"),
        "log_test": lambda: workflow.log_test(ticket=ticket, actor=agent, note="teszt"),
        "return_to_executor": lambda: workflow.return_to_executor(ticket=ticket, actor=agent, reason="hibás"),
        "consult_user": lambda: workflow.consult_user(ticket=ticket, actor=agent, summary="hívás"),
        "accept_solved": lambda: workflow.accept_solved(ticket=ticket, actor=agent, test_note="ok"),
        "record_notification": lambda: workflow.record_notification(
            ticket=ticket, actor=agent, channel=NotificationChannel.PHONE, recipient="+36 1", message="kész"
        ),
        "prepare_letter": lambda: workflow.prepare_letter(ticket=ticket, actor=agent, text="Tisztelt Ügyfelünk!"),
        "log_unanswered_call": lambda: workflow.record_notification(
            ticket=ticket,
            actor=agent,
            channel=NotificationChannel.PHONE,
            recipient="+36 1",
            message="nem vette fel",
            outcome="not_reached",
        ),
        "close": lambda: workflow.close_ticket(ticket=ticket, actor=agent),
        "record_feedback": lambda: workflow.register_feedback(ticket=ticket, actor=agent, content="x", reopen=False),
        "reopen": lambda: workflow.register_feedback(ticket=ticket, actor=agent, content="x", reopen=True),
        "receive_message": lambda: workflow.receive_message(
            ticket=ticket, actor=agent, text="Válasz", sender="eva@example.hu", channel="email", details={}
        ),
        "receive_feedback": lambda: workflow.receive_feedback(
            ticket=ticket, actor=agent, text="Köszönöm", channel="email", received_at=timezone.now(), details={}
        ),
        **{
            name: (
                lambda name=name: workflow.record_email(
                    ticket=ticket, actor=agent, step_name=name, note="levél", details={}
                )
            )
            for name in ("email_user", "fax_user", "email_sent", "email_failed")
        },
        "clarify": lambda: workflow.clarify_ticket(
            ticket=ticket,
            actor=agent,
            subject="Pontosított tárgy",
            module=None,
            priority="high",
            contact=ticket.contact,
        ),
        "ask_user": lambda: workflow.ask_user(ticket=ticket, actor=agent, question="Melyik verziót használja?"),
        "user_answered": lambda: workflow.user_answered(ticket=ticket, actor=agent, answer="A 3.2-est."),
        "reassign": lambda: workflow.reassign_ticket(
            ticket=ticket, actor=dispatcher, executor=users["other_executor"], reason="Szabadságon van"
        ),
        "rate": lambda: workflow.rate_ticket(ticket=ticket, actor=agent, contact=ticket.contact, score=5),
    }
    return calls[step]


ILLEGAL = [
    (step_name, state)
    for step_name, step in workflow.TRANSITIONS.items()
    for state in State
    if state not in step.from_states and step_name != "attach"
]


@pytest.mark.parametrize(("step_name", "state"), ILLEGAL, ids=[f"{s}-from-{st.value}" for s, st in ILLEGAL])
def test_illegal_step_is_refused_and_changes_nothing(step_name, state, users, contact):
    ticket = advance(register(users, contact), state, users)
    before = Ticket.objects.get(pk=ticket.pk)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    with pytest.raises(workflow.IllegalTransition) as refused:
        take(step_name, ticket, users)()
    assert str(refused.value.message)
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.state, after.version, after.assignee_id) == (before.state, before.version, before.assignee_id)
    assert TicketEvent.objects.filter(ticket=ticket).count() == events_before


def test_every_state_is_reachable_and_every_open_state_has_a_way_out():
    targets = {step.to_state for step in workflow.TRANSITIONS.values() if step.to_state}
    assert targets | {State.NEW} == set(State)
    for state in set(State) - {State.CLOSED, State.REJECTED}:
        assert any(
            state in step.from_states and step.to_state not in (None, state) for step in workflow.TRANSITIONS.values()
        ), state


# --- roles -----------------------------------------------------------------------------------------

ORDER = [
    State.NEW,
    State.VERIFIED,
    State.DISPATCHING,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.SOLVED,
    State.NOTIFIED,
    State.CLOSED,
]
FIRST_STATE_OF = {
    name: next(state for state in ORDER if state in step.from_states) for name, step in workflow.TRANSITIONS.items()
}
ROLE_REFUSALS = [
    (step_name, role.value)
    for step_name, step in workflow.TRANSITIONS.items()
    if step_name not in ("attach", "answer_executor")
    for role in Role
    if step.permission not in ROLE_PERMISSIONS[role]
]


@pytest.mark.parametrize(("step_name", "role"), ROLE_REFUSALS, ids=[f"{r}-cannot-{s}" for s, r in ROLE_REFUSALS])
def test_role_without_permission_is_refused_and_nothing_changes(step_name, role, users, contact):
    ticket = advance(register(users, contact), FIRST_STATE_OF[step_name], users)
    events_before = ticket.events.count()
    with pytest.raises(workflow.NotAllowed):
        take(step_name, ticket, users, actor=users[role])()
    assert ticket.events.count() == events_before
    assert Ticket.objects.get(pk=ticket.pk).state == ticket.state


def test_only_the_dispatcher_dispatches(users, contact):
    ticket = advance(register(users, contact), State.DISPATCHING, users)
    for role in ("agent", "manager", "executor"):
        with pytest.raises(workflow.NotAllowed):
            workflow.dispatch_ticket(ticket=ticket, actor=users[role], executor=users["executor"])
    assert workflow.dispatch_ticket(ticket=ticket, actor=users["dispatcher"], executor=users["executor"]).state == (
        State.ASSIGNED
    )


def test_executor_acts_only_on_tickets_assigned_to_them(users, contact):
    ticket = advance(register(users, contact), State.ASSIGNED, users)
    with pytest.raises(workflow.NotAllowed):
        workflow.start_work(ticket=ticket, actor=users["other_executor"])
    ticket = workflow.start_work(ticket=ticket, actor=users["executor"])
    for call in (
        lambda: workflow.log_work(ticket=ticket, actor=users["other_executor"], minutes=5, note="x"),
        lambda: workflow.complete_work(ticket=ticket, actor=users["other_executor"], note="x"),
        lambda: workflow.ask_agent(ticket=ticket, actor=users["other_executor"], question="x"),
    ):
        with pytest.raises(workflow.NotAllowed):
            call()
    assert ticket.work_logs.count() == 0


def test_cannot_assign_to_someone_who_is_not_an_executor(users, contact):
    ticket = advance(register(users, contact), State.VERIFIED, users)
    with pytest.raises(workflow.InvalidInput):
        workflow.route_ticket(
            ticket=ticket, actor=users["agent"], decision=RouteDecision.EXECUTOR, executor=users["executive"]
        )
    users["executor"].is_active = False
    users["executor"].save()
    with pytest.raises(workflow.InvalidInput):
        workflow.route_ticket(
            ticket=ticket, actor=users["agent"], decision=RouteDecision.EXECUTOR, executor=users["executor"]
        )
    assert Ticket.objects.get(pk=ticket.pk).state == State.VERIFIED


def test_only_agents_and_the_manager_register(users, contact):
    for role in ("dispatcher", "executor", "complaint_officer", "executive", "administrator"):
        with pytest.raises(workflow.NotAllowed):
            workflow.register_ticket(actor=users[role], contact=contact, subject="x", description="y", channel="post")
    assert Ticket.objects.count() == 0
    assert register({"agent": users["manager"]}, contact).state == State.NEW


# --- input and concurrency -------------------------------------------------------------------------


def test_work_log_needs_sensible_minutes_and_a_note(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    for minutes, note in ((0, "x"), (-5, "x"), (2000, "x"), (10, " ")):
        with pytest.raises(workflow.InvalidInput):
            workflow.log_work(ticket=ticket, actor=users["executor"], minutes=minutes, note=note)
    assert ticket.work_logs.count() == 0


def test_answering_is_offered_only_while_a_question_is_open_even_after_the_ticket_moved_on(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    assert "answer_executor" not in workflow.allowed_steps(users["agent"], ticket)
    ticket = workflow.ask_agent(ticket=ticket, actor=users["executor"], question="Melyik adatbázis?")
    ticket = advance(ticket, State.SOLVED, users)
    assert "answer_executor" in workflow.allowed_steps(users["agent"], ticket)
    ticket = workflow.answer_executor(
        ticket=ticket, actor=users["agent"], consultation=ticket.consultations.get(), answer="Az éles."
    )
    assert ticket.open_questions == 0 and ticket.state == State.SOLVED
    assert "answer_executor" not in workflow.allowed_steps(users["agent"], ticket)


def test_answering_an_already_answered_question_is_refused(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    ticket = workflow.ask_agent(ticket=ticket, actor=users["executor"], question="Melyik verzió?")
    question = ticket.consultations.get()
    workflow.answer_executor(ticket=ticket, actor=users["agent"], consultation=question, answer="4.2")
    with pytest.raises(workflow.IllegalTransition):
        workflow.answer_executor(ticket=ticket, actor=users["agent"], consultation=question, answer="4.3")
    question.refresh_from_db()
    assert question.answer == "4.2"


def test_stale_version_is_refused_as_changed_meanwhile(users, contact):
    ticket = register(users, contact)
    seen_version = ticket.version
    workflow.consult_user(ticket=ticket, actor=users["manager"], summary="Egyeztetés", expected_version=seen_version)
    with pytest.raises(workflow.TicketChangedMeanwhile):
        workflow.verify_ticket(ticket=ticket, actor=users["agent"], expected_version=seen_version)
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW


def test_received_time_in_the_future_is_refused(users, contact):
    with pytest.raises(workflow.InvalidInput):
        register(users, contact, received_at=timezone.now() + dt.timedelta(days=1))
    assert Ticket.objects.count() == 0


# --- clarified data and reassignment --------------------------------------------------------------


def test_clarified_data_are_recorded_with_old_and_new_values(users, contact, module):
    colleague = ContactFactory(customer=contact.customer, name="Szőke Ödön")
    ticket = register(users, contact, subject="nem megy", module=None)
    ticket = workflow.clarify_ticket(
        ticket=ticket,
        actor=users["agent"],
        subject="A számlázó nem nyomtat",
        module=module,
        priority="urgent",
        contact=colleague,
        note="Visszahívás után pontosítva.",
    )
    assert (ticket.subject, ticket.module, ticket.priority, ticket.contact) == (
        "A számlázó nem nyomtat",
        module,
        "urgent",
        colleague,
    )
    event = ticket.events.last()
    assert event.action == Action.CLARIFY and event.from_state == event.to_state == State.NEW
    assert [change["field"] for change in event.data["changes"]] == ["subject", "module", "priority", "contact"]
    assert event.data["changes"][0] == {"field": "subject", "from": "nem megy", "to": "A számlázó nem nyomtat"}


def test_clarifying_refuses_a_contact_of_another_customer_and_an_empty_change(users, contact):
    ticket = register(users, contact)
    with pytest.raises(workflow.InvalidInput):
        workflow.clarify_ticket(
            ticket=ticket,
            actor=users["agent"],
            subject=ticket.subject,
            module=None,
            priority="normal",
            contact=ContactFactory(),
        )
    with pytest.raises(workflow.InvalidInput):
        workflow.clarify_ticket(
            ticket=ticket,
            actor=users["agent"],
            subject=ticket.subject,
            module=None,
            priority="normal",
            contact=contact,
        )
    assert ticket.events.count() == 1


def test_dispatcher_reassigns_a_started_ticket_and_the_new_executor_starts_again(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    ticket = workflow.reassign_ticket(
        ticket=ticket, actor=users["dispatcher"], executor=users["other_executor"], reason="Betegszabadság"
    )
    assert ticket.state == State.ASSIGNED and ticket.assignee == users["other_executor"]
    event = ticket.events.last()
    assert event.data["previous_assignee"] == users["executor"].display_name and event.note == "Betegszabadság"
    with pytest.raises(workflow.NotAllowed):
        workflow.start_work(ticket=ticket, actor=users["executor"])
    assert workflow.start_work(ticket=ticket, actor=users["other_executor"]).state == State.IN_PROGRESS
    with pytest.raises(workflow.InvalidInput):
        workflow.reassign_ticket(
            ticket=ticket, actor=users["dispatcher"], executor=users["other_executor"], reason="ugyanaz"
        )


# --- phone notification as a call log (seed j) ------------------------------------------------------


def test_a_call_that_does_not_reach_the_user_keeps_the_ticket_waiting_and_closing_refused(users, contact):
    ticket = advance(register(users, contact), State.SOLVED, users)
    ticket = workflow.record_notification(
        ticket=ticket,
        actor=users["agent"],
        channel=NotificationChannel.PHONE,
        recipient=contact.phone,
        message="Nem vette fel.",
        outcome="not_reached",
    )
    assert ticket.state == State.SOLVED and ticket.events.last().action == Action.CALL_NOT_REACHED
    with pytest.raises(workflow.IllegalTransition):
        workflow.close_ticket(ticket=ticket, actor=users["agent"])
    ticket = workflow.record_notification(
        ticket=ticket,
        actor=users["agent"],
        channel=NotificationChannel.PHONE,
        recipient=contact.phone,
        message="Hangpostára üzenetet hagytam: a hiba javítva.",
        outcome="message_left",
    )
    assert ticket.state == State.NOTIFIED
    assert workflow.close_ticket(ticket=ticket, actor=users["agent"]).state == State.CLOSED


def test_only_a_phone_call_can_fail_to_reach_the_user(users, contact):
    ticket = advance(register(users, contact), State.SOLVED, users)
    with pytest.raises(workflow.InvalidInput):
        workflow.record_notification(
            ticket=ticket,
            actor=users["agent"],
            channel=NotificationChannel.LETTER,
            recipient="Budapest",
            message="x",
            outcome="not_reached",
        )
