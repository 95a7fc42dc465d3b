"""The deadline of a data-subject request: one calendar month from receipt (end of that day, Budapest),
extendable once by two months with a reason; the handler is warned a week before and on the day, once each."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

from privacy import deadlines, services
from privacy.choices import RequestAction, RequestState
from privacy.models import SubjectRequest
from privacy.tests.factories import subject_request

BUDAPEST = zoneinfo.ZoneInfo("Europe/Budapest")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BUDAPEST)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (local(2026, 3, 10, 9, 0), local(2026, 4, 10, 23, 59, 59)),
        (local(2026, 1, 31, 16, 0), local(2026, 2, 28, 23, 59, 59)),  # short month: its last day
        (local(2028, 1, 31, 16, 0), local(2028, 2, 29, 23, 59, 59)),  # leap year
        (local(2026, 3, 31, 8, 0), local(2026, 4, 30, 23, 59, 59)),  # 31 → a 30-day month
        (local(2026, 12, 15, 10, 0), local(2027, 1, 15, 23, 59, 59)),  # over the year's end
        # Received just after midnight Budapest time, still the previous day in UTC: Budapest's date counts.
        (dt.datetime(2026, 5, 31, 22, 30, tzinfo=dt.UTC), local(2026, 7, 1, 23, 59, 59)),
    ],
)
def test_the_answer_is_due_at_the_end_of_the_same_day_a_calendar_month_later(received, due) -> None:
    assert deadlines.due_for(received) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (local(2026, 1, 31, 16, 0), local(2026, 4, 30, 23, 59, 59)),
        (local(2026, 11, 30, 9, 0), local(2027, 2, 28, 23, 59, 59)),
        (local(2026, 3, 10, 9, 0), local(2026, 6, 10, 23, 59, 59)),
    ],
)
def test_an_extension_adds_two_more_calendar_months(received, due) -> None:
    assert deadlines.due_for(received, extended=True) == due


def test_a_registered_request_carries_its_deadline_and_number(users) -> None:
    first = subject_request(users, requester_name="Kiss Anna", received_at=local(2026, 1, 31, 16, 0))
    second = subject_request(users, requester_name="Nagy Béla", received_at=local(2026, 2, 2, 9, 0))
    assert first.due_at == local(2026, 2, 28, 23, 59, 59)
    assert (first.number, second.number) == ("A-2026/00001", "A-2026/00002")
    assert first.state == RequestState.RECEIVED


def test_extending_needs_a_reason_and_moves_the_deadline_once(users) -> None:
    officer = users["data_protection_officer"]
    request = subject_request(users, requester_name="Kiss Anna", received_at=local(2026, 1, 31, 16, 0))
    with pytest.raises(services.InvalidInput):
        services.request_extend(request=request, actor=officer, reason="   ")
    request.refresh_from_db()
    assert request.extended_at is None and request.due_at == local(2026, 2, 28, 23, 59, 59)

    request = services.request_extend(request=request, actor=officer, reason="Sok ügyirat, összetett kérelem")
    assert request.state == RequestState.EXTENDED
    assert request.due_at == local(2026, 4, 30, 23, 59, 59)
    assert request.extension_reason == "Sok ügyirat, összetett kérelem"
    event = request.events.get(action=RequestAction.EXTEND)
    assert event.note == "Sok ügyirat, összetett kérelem" and event.actor == officer

    with pytest.raises(services.IllegalTransition, match="már egyszer meghosszabbították"):
        services.request_extend(request=request, actor=officer, reason="Még egyszer")
    request.refresh_from_db()
    assert request.due_at == local(2026, 4, 30, 23, 59, 59)
    assert request.events.filter(action=RequestAction.EXTEND).count() == 1


def _alerts(request: SubjectRequest) -> list[str]:
    return list(
        request.events.filter(action__in=[RequestAction.DEADLINE_WARNING, RequestAction.DEADLINE_DAY]).values_list(
            "action", flat=True
        )
    )


def test_the_handler_is_warned_a_week_before_and_on_the_day_once_each(
    users, smtp_server, django_capture_on_commit_callbacks: Any
) -> None:
    officer = users["data_protection_officer"]
    request = subject_request(users, requester_name="Kiss Anna", received_at=local(2026, 3, 10, 9, 0))
    due = local(2026, 4, 10, 23, 59, 59)

    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.sweep(now=local(2026, 4, 2, 12, 0)) == 0  # more than a week before: nothing
        assert deadlines.sweep(now=local(2026, 4, 4, 0, 5)) == 1  # the week before
        assert deadlines.sweep(now=local(2026, 4, 5, 0, 5)) == 0  # not again
    assert len(smtp_server.messages) == 1
    warning = smtp_server.messages[0]
    assert warning["X-Envelope-To"] == officer.email
    assert "A-2026/00001" in warning["Subject"] and "Kiss Anna" not in warning.get_content()
    assert "/privacy/requests/2026/1/" in warning.get_content()

    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.sweep(now=local(2026, 4, 10, 8, 30)) == 1  # the day itself
        assert deadlines.sweep(now=local(2026, 4, 10, 20, 0)) == 0
        assert deadlines.sweep(now=local(2026, 4, 12, 8, 0)) == 0  # after the deadline: no more mail
    assert len(smtp_server.messages) == 2
    assert _alerts(request) == [RequestAction.DEADLINE_WARNING, RequestAction.DEADLINE_DAY]
    request.refresh_from_db()
    assert request.due_at == due and request.next_check_at is None


def test_a_closed_request_gets_no_warning(users, smtp_server, django_capture_on_commit_callbacks: Any) -> None:
    request = subject_request(users, requester_name="Kiss Anna", received_at=local(2026, 3, 10, 9, 0))
    services.request_complete(request=request, actor=users["data_protection_officer"], answer="Megválaszolva.")
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.sweep(now=local(2026, 4, 10, 9, 0)) == 0
    assert smtp_server.messages == [] and _alerts(request) == []


def test_an_extension_restarts_the_warnings_for_the_new_deadline(
    users, smtp_server, django_capture_on_commit_callbacks: Any
) -> None:
    officer = users["data_protection_officer"]
    request = subject_request(users, requester_name="Kiss Anna", received_at=local(2026, 3, 10, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.sweep(now=local(2026, 4, 4, 9, 0))
        services.request_extend(request=request, actor=officer, reason="Összetett kérelem")
        assert deadlines.sweep(now=local(2026, 4, 10, 9, 0)) == 0  # the old deadline no longer counts
        assert deadlines.sweep(now=local(2026, 6, 4, 9, 0)) == 1
    assert len(smtp_server.messages) == 2
    assert "2026. 06. 10." in smtp_server.messages[1]["Subject"]
