"""The answer deadline of a complaint: 30 calendar days from receipt, warned before, escalated after, once each."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from complaints import deadlines, selectors, services
from complaints.choices import Action, ComplaintState, MessageKind, OralOutcome, SetAsideReason
from complaints.models import Complaint, ComplaintMessage
from testkit.complaints import phone_complaint, walk_to
from testkit.factories import user_with_role
from tickets.choices import Channel

pytestmark = pytest.mark.django_db

BUDAPEST = zoneinfo.ZoneInfo("Europe/Budapest")
UTC = dt.UTC
ALERTS = (Action.DEADLINE_WARNING, Action.DEADLINE_BREACH)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BUDAPEST)


def recorded(users: Any, received_at: dt.datetime, **overrides: Any) -> Complaint:
    """A phone complaint without an e-mail address (so no acknowledgement), nobody assigned yet."""
    return phone_complaint(users, received_at=received_at, complainant_email="", **overrides)


def assigned(users: Any, received_at: dt.datetime) -> Complaint:
    officer = users["complaint_officer"]
    complaint = recorded(users, received_at)
    return services.assign_officer(complaint=complaint, actor=officer, officer=officer)


def envelope_recipients(smtp_server: Any) -> list[str]:
    return sorted(message["X-Envelope-To"] for message in smtp_server.messages)


def sweep(capture: Any, now: dt.datetime) -> int:
    """Run the sweep as the worker does: its mails go out when its transactions commit."""
    with capture(execute=True):
        return deadlines.sweep(now)


def alert_events(complaint: Complaint) -> list[Any]:
    return list(complaint.events.filter(action__in=ALERTS).order_by("at", "id"))


# --- the due date ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due", "due_utc"),
    [
        pytest.param(local(2026, 11, 2, 10, 15), local(2026, 12, 2, 23, 59, 59), None, id="plain-november"),
        # 00:30 summer time is still the previous day in UTC; the deadline falls after the October change.
        pytest.param(
            local(2026, 10, 1, 0, 30),
            local(2026, 10, 31, 23, 59, 59),
            dt.datetime(2026, 10, 31, 22, 59, 59, tzinfo=UTC),
            id="across-end-of-october-dst",
        ),
        pytest.param(
            local(2026, 10, 20, 16, 0),
            local(2026, 11, 19, 23, 59, 59),
            dt.datetime(2026, 11, 19, 22, 59, 59, tzinfo=UTC),
            id="summer-time-receipt-winter-time-deadline",
        ),
        pytest.param(
            local(2026, 3, 10, 9, 0),
            local(2026, 4, 9, 23, 59, 59),
            dt.datetime(2026, 4, 9, 21, 59, 59, tzinfo=UTC),
            id="across-end-of-march-dst",
        ),
        pytest.param(local(2026, 1, 31, 12, 0), local(2026, 3, 2, 23, 59, 59), None, id="31-january-to-2-march"),
        # 00:30 on 1 February in Budapest is still 31 January in UTC: the day of receipt is the Budapest day.
        pytest.param(local(2026, 2, 1, 0, 30), local(2026, 3, 3, 23, 59, 59), None, id="just-after-midnight"),
    ],
)
def test_the_answer_is_due_at_the_end_of_the_30th_calendar_day_in_budapest(
    users: Any, received: dt.datetime, due: dt.datetime, due_utc: dt.datetime | None
) -> None:
    complaint = recorded(users, received)
    complaint.refresh_from_db()
    assert complaint.due_at == due
    local_due = timezone.localtime(complaint.due_at, BUDAPEST)
    assert (local_due.date(), local_due.time()) == (due.date(), dt.time(23, 59, 59))
    if due_utc is not None:
        assert complaint.due_at.astimezone(UTC).replace(tzinfo=None) == due_utc.replace(tzinfo=None)
    # The warning comes 5 calendar days earlier, at the same Budapest wall-clock time.
    local_warn = timezone.localtime(complaint.warn_at, BUDAPEST)
    assert local_warn.date() == due.date() - dt.timedelta(days=5) and local_warn.time() == dt.time(23, 59, 59)
    assert complaint.next_check_at == complaint.warn_at
    assert complaint.warned_at is None and complaint.breached_at is None


def test_a_shorter_answer_period_applies_to_complaints_recorded_after_the_change(users: Any, settings: Any) -> None:
    received = local(2026, 11, 2, 10, 15)
    before = recorded(users, received)
    settings.PULT_COMPLAINT_ANSWER_DAYS = 15
    after = recorded(users, received)
    before.refresh_from_db()
    after.refresh_from_db()
    assert after.due_at == local(2026, 11, 17, 23, 59, 59)
    assert after.warn_at == local(2026, 11, 12, 23, 59, 59)
    assert before.due_at == local(2026, 12, 2, 23, 59, 59)  # already recorded: its deadline stays


def test_the_warning_period_is_configurable(users: Any, settings: Any) -> None:
    settings.PULT_COMPLAINT_WARN_DAYS = 2
    complaint = recorded(users, local(2026, 11, 2, 10, 15))
    assert complaint.warn_at == local(2026, 11, 30, 23, 59, 59)


def test_the_sweep_finds_its_work_through_the_indexed_next_check_column(users: Any) -> None:
    indexes = {index.name: index for index in Complaint._meta.indexes}
    assert indexes["complaint_next_check"].fields == ["next_check_at"]
    complaint = assigned(users, local(2026, 11, 2, 10, 15))
    with CaptureQueriesContext(connection) as queries:
        assert deadlines.sweep(complaint.warn_at - dt.timedelta(seconds=1)) == 0
    assert len(queries.captured_queries) == 1
    assert "next_check_at" in queries.captured_queries[0]["sql"]


# --- the sweep ------------------------------------------------------------------------------------


def test_the_sweep_does_nothing_before_the_warning_time(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = assigned(users, local(2026, 11, 2, 10, 15))
    assert sweep(django_capture_on_commit_callbacks, complaint.warn_at - dt.timedelta(seconds=1)) == 0
    assert smtp_server.messages == []
    assert not ComplaintMessage.objects.exists()
    complaint.refresh_from_db()
    assert complaint.warned_at is None and complaint.breached_at is None
    assert complaint.next_check_at == complaint.warn_at
    assert alert_events(complaint) == []


def test_at_the_warning_time_the_officer_is_told_once(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer = users["complaint_officer"]
    complaint = assigned(users, local(2026, 11, 2, 10, 15))
    warn_at = complaint.warn_at

    assert sweep(django_capture_on_commit_callbacks, warn_at) == 1
    assert sweep(django_capture_on_commit_callbacks, warn_at + dt.timedelta(hours=1)) == 0
    assert sweep(django_capture_on_commit_callbacks, warn_at + dt.timedelta(days=2)) == 0

    assert envelope_recipients(smtp_server) == [officer.email]
    (mail,) = smtp_server.messages
    assert complaint.number in mail["Subject"]
    assert mail["Auto-Submitted"] == "auto-generated"
    complaint.refresh_from_db()
    assert complaint.warned_at == warn_at and complaint.breached_at is None
    assert complaint.next_check_at == complaint.due_at  # next: the deadline itself
    assert complaint.state == ComplaintState.INVESTIGATING and complaint.version == 2  # not a step
    (event,) = alert_events(complaint)
    assert event.action == Action.DEADLINE_WARNING and event.actor is None
    assert event.data["told"] == [officer.display_name]
    (message,) = ComplaintMessage.objects.filter(complaint=complaint)
    assert message.kind == MessageKind.STAFF_ALERT and message.to == officer.email


def test_after_the_deadline_the_executives_and_the_officer_are_told_once(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer, executive = users["complaint_officer"], users["executive"]
    complaint = assigned(users, local(2026, 11, 2, 10, 15))
    sweep(django_capture_on_commit_callbacks, complaint.warn_at)
    smtp_server.messages.clear()

    assert sweep(django_capture_on_commit_callbacks, complaint.due_at - dt.timedelta(seconds=1)) == 0
    assert smtp_server.messages == []
    breach_time = complaint.due_at + dt.timedelta(seconds=1)
    assert sweep(django_capture_on_commit_callbacks, breach_time) == 1
    assert sweep(django_capture_on_commit_callbacks, breach_time + dt.timedelta(minutes=5)) == 0
    assert sweep(django_capture_on_commit_callbacks, breach_time + dt.timedelta(days=30)) == 0

    assert envelope_recipients(smtp_server) == sorted([officer.email, executive.email])
    assert all(complaint.number in mail["Subject"] for mail in smtp_server.messages)
    complaint.refresh_from_db()
    assert complaint.breached_at == breach_time and complaint.next_check_at is None
    warning, breach = alert_events(complaint)
    assert (warning.action, breach.action) == (Action.DEADLINE_WARNING, Action.DEADLINE_BREACH)
    assert sorted(breach.data["told"]) == sorted([officer.display_name, executive.display_name])
    assert ComplaintMessage.objects.filter(complaint=complaint, kind=MessageKind.STAFF_ALERT).count() == 3


def test_a_complaint_first_swept_after_its_deadline_gets_only_the_escalation(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer, executive = users["complaint_officer"], users["executive"]
    complaint = assigned(users, local(2026, 11, 2, 10, 15))
    late = complaint.due_at + dt.timedelta(days=1)

    assert sweep(django_capture_on_commit_callbacks, late) == 1
    assert sweep(django_capture_on_commit_callbacks, late + dt.timedelta(hours=1)) == 0

    assert envelope_recipients(smtp_server) == sorted([officer.email, executive.email])
    (breach,) = alert_events(complaint)
    assert breach.action == Action.DEADLINE_BREACH
    assert sorted(breach.data["told"]) == sorted([officer.display_name, executive.display_name])
    complaint.refresh_from_db()
    assert complaint.breached_at == late and complaint.next_check_at is None


def test_an_unassigned_complaints_warning_goes_to_every_complaint_officer(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = users["complaint_officer"]
    second = user_with_role(Role.COMPLAINT_OFFICER, username="second_officer")
    user_with_role(Role.COMPLAINT_OFFICER, username="former_officer", is_active=False)
    complaint = recorded(users, local(2026, 11, 2, 10, 15))  # recorded by the agent: nobody has it yet
    assert complaint.officer is None

    assert sweep(django_capture_on_commit_callbacks, complaint.warn_at) == 1
    assert sweep(django_capture_on_commit_callbacks, complaint.warn_at + dt.timedelta(hours=1)) == 0

    assert envelope_recipients(smtp_server) == sorted([first.email, second.email])
    (warning,) = alert_events(complaint)
    assert warning.action == Action.DEADLINE_WARNING
    assert sorted(warning.data["told"]) == sorted([first.display_name, second.display_name])


def test_an_unassigned_complaints_escalation_goes_to_the_executives_and_every_officer(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    second = user_with_role(Role.COMPLAINT_OFFICER, username="second_officer")
    complaint = recorded(users, local(2026, 11, 2, 10, 15))
    assert sweep(django_capture_on_commit_callbacks, complaint.due_at + dt.timedelta(seconds=1)) == 1
    expected = [users["complaint_officer"].email, second.email, users["executive"].email]
    assert envelope_recipients(smtp_server) == sorted(expected)


def _answered(users: Any, received: dt.datetime) -> Complaint:
    return walk_to(recorded(users, received), ComplaintState.ANSWERED, users)


def _set_aside(users: Any, received: dt.datetime) -> Complaint:
    return services.set_aside(
        complaint=recorded(users, received),
        actor=users["complaint_officer"],
        reason=SetAsideReason.REPEATED,
        note="Azonos egy korábbi panasszal.",
    )


def _settled(users: Any, received: dt.datetime) -> Complaint:
    return recorded(
        users,
        received,
        channel=Channel.IN_PERSON,
        place_received="1117 Budapest, Fehérvári út 1.",
        oral_outcome=OralOutcome.SETTLED,
        immediate_statement="A terhelést a helyszínen visszautaltuk.",
        record_place="",
    )


@pytest.mark.parametrize("close", [_answered, _set_aside, _settled], ids=["answered", "set-aside", "settled"])
def test_a_closed_complaint_is_neither_warned_nor_escalated(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any, close: Any
) -> None:
    received = local(2026, 11, 2, 10, 15)
    open_one = assigned(users, received)  # the control: the same deadline, still open
    complaint = close(users, received)
    assert complaint.state not in (ComplaintState.RECORDED, ComplaintState.INVESTIGATING)

    assert sweep(django_capture_on_commit_callbacks, open_one.warn_at) == 1
    assert sweep(django_capture_on_commit_callbacks, open_one.due_at + dt.timedelta(days=1)) == 1

    assert alert_events(complaint) == []
    assert not ComplaintMessage.objects.filter(complaint=complaint, kind=MessageKind.STAFF_ALERT).exists()
    assert all(complaint.number not in mail["Subject"] for mail in smtp_server.messages)
    complaint.refresh_from_db()
    assert complaint.warned_at is None and complaint.breached_at is None and complaint.next_check_at is None
    assert len(alert_events(open_one)) == 2


def test_a_complaint_answered_after_its_warning_is_not_escalated(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = assigned(users, local(2026, 11, 2, 10, 15))
    sweep(django_capture_on_commit_callbacks, complaint.warn_at)
    assert len(smtp_server.messages) == 1
    complaint = walk_to(complaint, ComplaintState.ANSWERED, users)
    assert complaint.next_check_at is None

    assert sweep(django_capture_on_commit_callbacks, complaint.due_at + dt.timedelta(days=1)) == 0
    assert len(smtp_server.messages) == 1
    assert [event.action for event in alert_events(complaint)] == [Action.DEADLINE_WARNING]
    complaint.refresh_from_db()
    assert complaint.breached_at is None


# --- the register list, the start page's counts, the periodic task --------------------------------


def test_the_overdue_filter_of_the_register_shows_only_overdue_complaints(client: Any, users: Any) -> None:
    now = timezone.now()
    overdue = recorded(users, now - dt.timedelta(days=40))
    fresh = recorded(users, now - dt.timedelta(days=1))
    answered_late = _answered(users, now - dt.timedelta(days=45))
    client.force_login(users["complaint_officer"])

    everything = client.get("/complaints/")
    assert everything.status_code == 200
    for complaint in (overdue, fresh, answered_late):
        assert complaint.number in everything.content.decode()

    response = client.get("/complaints/?overdue=on")
    assert response.status_code == 200
    page = response.content.decode()
    assert overdue.number in page
    assert fresh.number not in page
    assert answered_late.number not in page


def test_the_deadline_counts_for_the_start_page(users: Any) -> None:
    officer = users["complaint_officer"]
    now = timezone.now()
    overdue = recorded(users, now - dt.timedelta(days=40))
    soon = recorded(users, now - dt.timedelta(days=27))
    later = recorded(users, now - dt.timedelta(days=2))
    _answered(users, now - dt.timedelta(days=40))  # closed: not counted

    assert overdue.due_at <= now and soon.warn_at <= now < soon.due_at and now < later.warn_at
    assert selectors.deadline_counts(officer, now) == {"open": 3, "soon": 1, "overdue": 1}
    # The counts are as of the given moment.
    assert selectors.deadline_counts(officer, later.warn_at) == {"open": 3, "soon": 1, "overdue": 2}
    assert selectors.deadline_counts(officer, later.due_at) == {"open": 3, "soon": 0, "overdue": 3}
    # An employee with no access to the register sees nothing.
    assert selectors.deadline_counts(users["executor"], now) == {"open": 0, "soon": 0, "overdue": 0}


def test_the_sweep_is_a_periodic_task_of_the_worker(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from huey.contrib.djhuey import HUEY

    from complaints.tasks import complaint_deadline_sweep_task

    due_every_five_minutes = [task.name for task in HUEY.read_periodic(dt.datetime(2026, 11, 24, 10, 5))]
    assert "complaint_deadline_sweep_task" in due_every_five_minutes
    assert "complaint_deadline_sweep_task" not in [
        task.name for task in HUEY.read_periodic(dt.datetime(2026, 11, 24, 10, 7))
    ]

    officer, executive = users["complaint_officer"], users["executive"]
    now = timezone.now()
    overdue = assigned(users, now - dt.timedelta(days=40))
    near = assigned(users, now - dt.timedelta(days=27))
    later = assigned(users, now - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        complaint_deadline_sweep_task.call_local()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_deadline_sweep_task.call_local()

    assert [event.action for event in alert_events(overdue)] == [Action.DEADLINE_BREACH]
    assert [event.action for event in alert_events(near)] == [Action.DEADLINE_WARNING]
    assert alert_events(later) == []
    by_complaint = sorted(
        (mail["Subject"].count(overdue.number), mail["X-Envelope-To"]) for mail in smtp_server.messages
    )
    assert by_complaint == sorted([(1, officer.email), (1, executive.email), (0, officer.email)])
    overdue.refresh_from_db()
    assert overdue.breached_at is not None and overdue.next_check_at is None
