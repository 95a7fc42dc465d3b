"""Retention: a complaint's record and answer are kept 3 years from the answer, then its personal data goes."""

from __future__ import annotations

import datetime as dt
import smtplib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from complaints import mailing, retention, selectors, services
from complaints.choices import (
    Action,
    AnswerMethod,
    ComplaintState,
    EntryKind,
    MessageKind,
    MessageStatus,
    OralOutcome,
    Outcome,
    SetAsideReason,
)
from complaints.models import (
    Answer,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    ComplaintRecord,
    InvestigationEntry,
    Proposal,
    PurgeLogEntry,
)
from testkit.complaints import phone_complaint, walk_to
from tickets.choices import Channel

pytestmark = pytest.mark.django_db

COMPLAINANT = {
    "complainant_name": "Tóth Piroska",
    "complainant_address": "7621 Pécs, Király utca 12.",
    "complainant_email": "toth.piroska@ugyfel.example",
    "complainant_phone": "+36 70 987 6543",
    "county": "baranya",
    "description": "Tóth Piroska decemberi díját kétszer vonták le a 11773016-es számláról.",
    "evidence": "Tóth Piroska bankszámlakivonata, 2026. november",
    "record_place": "Pécs, Király utcai ügyfélszolgálati iroda",
}
STATEMENT = "Piroskának elmondtuk, hogy a második terhelés a késedelmi díj."
FINDING = "A bank szerint Tóth Piroska számláját egyszer terhelték."
DOCUMENT = "Tóth Piroska levele a bankjától"
FILE_NAME = "toth-piroska-kivonat.pdf"
ANSWER_TEXT = "Tisztelt Tóth Piroska! Panaszát kivizsgáltuk és a díjat visszautaljuk."
ANSWER_REASONS = "A 11773016-es számlán két terhelés látszik."
# What must not survive the purge anywhere in the complaint's rows (walk_to's own texts included).
PERSONAL = [
    "Piroska",
    "Tóth",
    "Pécs",
    "Király",
    "987 6543",
    "11773016",
    "toth.piroska",
    "kivonat",
    "Kovács Éva",
    "Kárász",
    "A panaszt elutasítjuk.",
    "Megalapozott javaslat.",
]


def years_later(moment: dt.datetime, years: int) -> dt.datetime:
    local = timezone.localtime(moment)
    return local.replace(year=local.year + years)


def blank(value: str) -> bool:
    """Removed: empty, or the purge's placeholder."""
    return value.strip() in ("", retention.REMOVED)


def stored_text(complaint: Complaint) -> str:
    """Every stored value of the complaint and of every row that belongs to it, as one text."""
    complaint = Complaint.objects.get(pk=complaint.pk)
    rows: list[Any] = [complaint]
    for model in (
        ComplaintRecord,
        ComplaintEvent,
        InvestigationEntry,
        Proposal,
        Answer,
        ComplaintMessage,
        PurgeLogEntry,
    ):
        rows += list(model.objects.filter(complaint=complaint))
    return "\n".join(str(getattr(row, field.attname)) for row in rows for field in row._meta.concrete_fields)


def investigated(users: Any, **overrides: Any) -> Complaint:
    """A phone complaint the complainant disagreed with at the desk, with a finding and a document."""
    officer = users["complaint_officer"]
    data = COMPLAINANT | {"oral_outcome": OralOutcome.DISAGREES, "immediate_statement": STATEMENT} | overrides
    complaint = phone_complaint(users, **data)
    complaint = services.add_entry(complaint=complaint, actor=officer, kind=EntryKind.FINDING, text=FINDING)
    upload = SimpleUploadedFile(FILE_NAME, b"%PDF-1.4 Toth Piroska 11773016", content_type="application/pdf")
    return services.add_entry(complaint=complaint, actor=officer, kind=EntryKind.DOCUMENT, text=DOCUMENT, upload=upload)


def answered_by_email(users: Any, capture: Any) -> Complaint:
    """Recorded (acknowledged by e-mail), investigated, decided and answered by e-mail."""
    with capture(execute=True):
        complaint = investigated(users, received_at=timezone.now() - dt.timedelta(days=3))
    complaint = walk_to(complaint, ComplaintState.DECIDED, users, outcome=Outcome.UPHELD)
    with capture(execute=True):
        services.prepare_answer(
            complaint=complaint,
            actor=users["complaint_officer"],
            text=ANSWER_TEXT,
            reasons=ANSWER_REASONS,
            method=AnswerMethod.EMAIL,
            email=COMPLAINANT["complainant_email"],
        )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED
    return complaint


def answered_by_letter(users: Any, **overrides: Any) -> Complaint:
    data = {"complainant_email": "", **overrides}
    complaint = walk_to(phone_complaint(users, **data), ComplaintState.ANSWERED, users)
    complaint.refresh_from_db()
    return complaint


# --- the purge ------------------------------------------------------------------------------------


def test_three_years_after_the_answer_the_personal_data_is_removed_and_logged(
    users: Any, settings: Any, tmp_path: Path, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    complaint = answered_by_email(users, django_capture_on_commit_callbacks)
    document = InvestigationEntry.objects.get(complaint=complaint, kind=EntryKind.DOCUMENT)
    stored_file = Path(document.file.path)
    assert stored_file.is_file() and stored_file.is_relative_to(tmp_path)
    kinds = set(ComplaintMessage.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert kinds == {MessageKind.ACKNOWLEDGEMENT, MessageKind.ANSWER}
    assert any("Piroska" in event.note for event in complaint.events.all())
    for word in ("Piroska", "11773016", "toth.piroska", "kivonat", "Király"):
        assert word in stored_text(complaint)  # the scan below sees what it looks for
    kept = {
        name: getattr(complaint, name)
        for name in (
            "number",
            "year",
            "sequence",
            "channel",
            "received_at",
            "registered_at",
            "decided_at",
            "answered_at",
            "closed_at",
            "due_at",
            "state",
            "outcome",
            "retain_until",
        )
    }
    assert complaint.retain_until == years_later(complaint.answered_at, 3)
    events_before = complaint.events.count()

    now = years_later(complaint.answered_at, 3) + dt.timedelta(days=1)
    assert retention.purge_expired(now) == 1

    complaint.refresh_from_db()
    for name in (
        "complainant_name",
        "complainant_address",
        "complainant_email",
        "complainant_phone",
        "description",
        "evidence",
        "immediate_statement",
    ):
        assert blank(getattr(complaint, name)), name
    assert {name: getattr(complaint, name) for name in kept} == kept
    assert complaint.state == ComplaintState.ANSWERED and complaint.outcome == Outcome.UPHELD
    assert complaint.purged_at == now
    assert blank(complaint.record.place)
    entries = list(InvestigationEntry.objects.filter(complaint=complaint))
    assert len(entries) == 2
    assert all(blank(entry.text) and not entry.file and blank(entry.original_name) for entry in entries)
    assert not stored_file.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    for proposal in Proposal.objects.filter(complaint=complaint):
        assert blank(proposal.resolution) and blank(proposal.reasons) and blank(proposal.decision_reason)
        assert blank(proposal.final_resolution)
    (answer,) = Answer.objects.filter(complaint=complaint)
    assert blank(answer.text) and blank(answer.reasons) and blank(answer.email) and blank(answer.postal_address)
    assert answer.sent_at is not None  # when it was sent stays
    for message in ComplaintMessage.objects.filter(complaint=complaint):
        assert blank(message.body) and COMPLAINANT["complainant_email"] != message.to
    events = list(complaint.events.all())
    assert len(events) == events_before + 1
    assert all(blank(event.note) for event in events)
    assert [event.action for event in events if event.action == Action.PURGED] == [Action.PURGED]
    leftovers = [word for word in PERSONAL if word in stored_text(complaint)]
    assert leftovers == []

    (log,) = PurgeLogEntry.objects.all()
    assert log.complaint_id == complaint.pk and log.number == complaint.number
    assert log.retained_until == kept["retain_until"] and log.purged_at == now

    # Running again changes nothing and logs nothing.
    assert retention.purge_expired(now) == 0
    assert retention.purge_expired(now + dt.timedelta(days=400)) == 0
    assert PurgeLogEntry.objects.count() == 1
    assert complaint.events.filter(action=Action.PURGED).count() == 1
    assert Complaint.objects.get(pk=complaint.pk).purged_at == now


def test_a_complaint_answered_two_years_ago_is_kept_whole(users: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    complaint = walk_to(investigated(users, complainant_email=""), ComplaintState.ANSWERED, users)
    complaint.refresh_from_db()
    stored_file = Path(InvestigationEntry.objects.get(complaint=complaint, kind=EntryKind.DOCUMENT).file.path)
    before = stored_text(complaint)

    assert retention.purge_expired(years_later(complaint.answered_at, 2)) == 0
    assert retention.purge_expired(complaint.retain_until - dt.timedelta(seconds=1)) == 0

    complaint.refresh_from_db()
    assert stored_text(complaint) == before
    assert complaint.complainant_name == COMPLAINANT["complainant_name"] and complaint.purged_at is None
    assert complaint.record.place == COMPLAINANT["record_place"]
    assert stored_file.is_file()
    assert not PurgeLogEntry.objects.exists()
    assert not complaint.events.filter(action=Action.PURGED).exists()


def test_a_complaint_still_waiting_for_its_answer_is_never_purged(users: Any) -> None:
    complaint = phone_complaint(users, complainant_email="", received_at=timezone.now() - dt.timedelta(days=60))
    assert complaint.retain_until is None
    assert retention.purge_expired(years_later(complaint.received_at, 10)) == 0
    complaint.refresh_from_db()
    assert complaint.complainant_name == "Kovács Éva" and complaint.purged_at is None


def _settled(users: Any) -> Complaint:
    return phone_complaint(
        users,
        **COMPLAINANT
        | {
            "complainant_email": "",
            "channel": Channel.IN_PERSON,
            "place_received": "Pécs, Király utcai ügyfélszolgálati iroda",
            "oral_outcome": OralOutcome.SETTLED,
            "immediate_statement": STATEMENT,
            "record_place": "",
            "received_at": timezone.now() - dt.timedelta(days=20),
        },
    )


def _set_aside(users: Any) -> Complaint:
    complaint = phone_complaint(
        users, **COMPLAINANT | {"complainant_email": "", "received_at": timezone.now() - dt.timedelta(days=20)}
    )
    return services.set_aside(
        complaint=complaint,
        actor=users["complaint_officer"],
        reason=SetAsideReason.REPEATED,
        note="Tóth Piroska ugyanezt már bejelentette.",
    )


@pytest.mark.parametrize("close", [_settled, _set_aside], ids=["settled", "set-aside"])
def test_a_settled_or_set_aside_complaint_is_kept_three_years_from_its_closing(users: Any, close: Any) -> None:
    complaint = close(users)
    complaint.refresh_from_db()
    assert complaint.state in (ComplaintState.SETTLED, ComplaintState.SET_ASIDE)
    assert complaint.answered_at is None and complaint.closed_at is not None
    assert complaint.closed_at - complaint.received_at > dt.timedelta(days=19)
    assert complaint.retain_until == years_later(complaint.closed_at, 3)

    # Three years from receipt is not enough: the period runs from the closing.
    assert retention.purge_expired(years_later(complaint.received_at, 3) + dt.timedelta(days=1)) == 0
    assert retention.purge_expired(years_later(complaint.closed_at, 3) - dt.timedelta(seconds=1)) == 0
    assert Complaint.objects.get(pk=complaint.pk).purged_at is None

    now = years_later(complaint.closed_at, 3) + dt.timedelta(days=1)
    assert retention.purge_expired(now) == 1
    complaint.refresh_from_db()
    assert complaint.purged_at == now and complaint.state in (ComplaintState.SETTLED, ComplaintState.SET_ASIDE)
    assert blank(complaint.complainant_name) and blank(complaint.description) and blank(complaint.immediate_statement)
    assert blank(complaint.place_received)
    assert [word for word in PERSONAL if word in stored_text(complaint)] == []
    assert PurgeLogEntry.objects.get().number == complaint.number


def test_a_shorter_retention_period_applies_to_complaints_closed_after_the_change(users: Any, settings: Any) -> None:
    earlier = answered_by_letter(users)
    settings.PULT_COMPLAINT_RETENTION_YEARS = 1
    later = answered_by_letter(users, complainant_name="Nagy Gizella")
    assert later.retain_until == years_later(later.answered_at, 1)
    assert earlier.retain_until == years_later(earlier.answered_at, 3)

    assert retention.purge_expired(years_later(later.answered_at, 1) - dt.timedelta(seconds=1)) == 0
    assert retention.purge_expired(years_later(later.answered_at, 1) + dt.timedelta(days=1)) == 1
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert later.purged_at is not None and blank(later.complainant_name)
    assert earlier.purged_at is None and earlier.complainant_name == "Kovács Éva"
    assert list(PurgeLogEntry.objects.values_list("number", flat=True)) == [later.number]

    assert retention.purge_expired(years_later(earlier.answered_at, 3) + dt.timedelta(days=1)) == 1
    earlier.refresh_from_db()
    assert earlier.purged_at is not None
    assert PurgeLogEntry.objects.count() == 2


def test_the_purge_removes_the_place_of_the_record(users: Any) -> None:
    complaint = answered_by_letter(users, record_place="Szeged, Kárász utcai iroda")
    record = ComplaintRecord.objects.get(complaint=complaint)
    assert record.place == "Szeged, Kárász utcai iroda"
    retention.purge_expired(complaint.retain_until + dt.timedelta(days=1))
    record.refresh_from_db()
    assert blank(record.place)
    assert record.taken_at is not None  # when it was taken stays


def test_a_purged_complaint_is_no_longer_found_by_the_complainants_name(users: Any, settings: Any) -> None:
    officer = users["complaint_officer"]
    settings.PULT_COMPLAINT_RETENTION_YEARS = 1
    purged = answered_by_letter(users)
    settings.PULT_COMPLAINT_RETENTION_YEARS = 3
    recent = answered_by_letter(users)

    def search(text: str) -> list[str]:
        filters = selectors.ComplaintFilter(states=[], channels=[], text=text)
        return sorted(selectors.register_list(user=officer, filters=filters).values_list("number", flat=True))

    assert search("Kovács Éva") == sorted([purged.number, recent.number])
    assert retention.purge_expired(purged.retain_until + dt.timedelta(days=1)) == 1
    assert search("Kovács Éva") == [recent.number]
    assert search("Kovács") == [recent.number]
    assert search(purged.number) == [purged.number]  # the register keeps the number


def test_an_smtp_refusal_naming_the_complainant_does_not_survive_the_purge(users: Any, settings: Any) -> None:
    """A refused acknowledgement keeps the server's reply, which names the complainant's address."""
    import socket

    from aiosmtpd.controller import Controller

    class Refusing:
        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        complaint = phone_complaint(users, **COMPLAINANT)
        acknowledgement = ComplaintMessage.objects.get(complaint=complaint, kind=MessageKind.ACKNOWLEDGEMENT)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            mailing.send(acknowledgement.pk)  # what the worker runs
    finally:
        controller.stop()
    acknowledgement.refresh_from_db()
    assert acknowledgement.status == MessageStatus.FAILED
    assert COMPLAINANT["complainant_email"] in acknowledgement.last_error

    complaint = walk_to(complaint, ComplaintState.ANSWERED, users, outcome=Outcome.UPHELD)
    assert retention.purge_expired(complaint.retain_until + dt.timedelta(days=1)) == 1
    acknowledgement.refresh_from_db()
    assert blank(acknowledgement.body)
    assert COMPLAINANT["complainant_email"] not in acknowledgement.last_error
    assert [word for word in PERSONAL if word in stored_text(complaint)] == []


# --- the timeline is append-only --------------------------------------------------------------------


def test_the_timeline_refuses_ordinary_updates_and_deletes(users: Any) -> None:
    complaint = walk_to(phone_complaint(users, complainant_email=""), ComplaintState.INVESTIGATING, users)
    events = ComplaintEvent.objects.filter(complaint=complaint)
    before = list(events.values_list("pk", "action", "note", "data"))
    assert len(before) >= 3

    with pytest.raises(PermissionError):
        ComplaintEvent.objects.filter(complaint=complaint).update(note="x")
    with pytest.raises(PermissionError):
        ComplaintEvent.objects.filter(complaint=complaint).delete()
    with pytest.raises(PermissionError):
        ComplaintEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        complaint.events.update(note="x")
    with pytest.raises(PermissionError):
        complaint.events.all().delete()
    event = events.first()
    event.note = "x"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError), transaction.atomic():  # bulk_update runs in a transaction of its own
        ComplaintEvent.objects.bulk_update([event], ["note"])

    assert list(ComplaintEvent.objects.filter(complaint=complaint).values_list("pk", "action", "note", "data")) == (
        before
    )


# --- the periodic task ----------------------------------------------------------------------------


def test_the_purge_is_a_nightly_task_of_the_worker(users: Any) -> None:
    from huey.contrib.djhuey import HUEY

    from complaints.tasks import complaint_retention_task

    assert "complaint_retention_task" in [task.name for task in HUEY.read_periodic(dt.datetime(2026, 11, 24, 2, 30))]
    assert "complaint_retention_task" not in [
        task.name for task in HUEY.read_periodic(dt.datetime(2026, 11, 24, 3, 30))
    ]

    expired = answered_by_letter(users)
    recent = answered_by_letter(users)
    # As if the first complaint had been answered three years and two days ago.
    long_ago = years_later(timezone.now(), -3) - dt.timedelta(days=2)
    Complaint.objects.filter(pk=expired.pk).update(
        answered_at=long_ago, closed_at=long_ago, retain_until=services.retention_end(long_ago)
    )

    complaint_retention_task.call_local()
    complaint_retention_task.call_local()

    expired.refresh_from_db()
    recent.refresh_from_db()
    assert expired.purged_at is not None and blank(expired.complainant_name) and blank(expired.description)
    assert recent.purged_at is None and recent.complainant_name == "Kovács Éva"
    assert list(PurgeLogEntry.objects.values_list("number", flat=True)) == [expired.number]
