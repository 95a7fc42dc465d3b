"""The complaint procedure through its one door: recording, investigation, decision, answer, closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from complaints import services
from complaints.choices import (
    Action,
    AnswerMethod,
    ComplaintState,
    Decision,
    EntryKind,
    MessageKind,
    MessageStatus,
    OralOutcome,
    Outcome,
    SetAsideReason,
)
from complaints.mailing import send
from complaints.models import Complaint, ComplaintMessage, ComplaintRecord
from testkit.complaints import pdf_text, phone_complaint, walk_to
from testkit.workflow import register
from tickets.choices import Channel

pytestmark = pytest.mark.django_db

BUDAPEST = dt.timezone(dt.timedelta(hours=1))


def test_a_phone_complaint_gets_its_own_number_a_record_and_a_30_day_deadline(users: Any) -> None:
    received = dt.datetime(2026, 11, 2, 10, 15, tzinfo=BUDAPEST)
    first = phone_complaint(users, received_at=received, complainant_email="")
    second = phone_complaint(users, received_at=received, complainant_email="")

    year = timezone.localdate().year
    assert first.number == f"P-{year}/00001" and second.number == f"P-{year}/00002"
    assert first.state == ComplaintState.RECORDED
    assert timezone.localtime(first.due_at).replace(tzinfo=None) == dt.datetime(2026, 12, 2, 23, 59, 59)
    record = ComplaintRecord.objects.get(complaint=first)
    assert record.taken_by == users["agent"] and not record.complainant_signed
    assert list(first.events.values_list("action", flat=True)) == [Action.RECORD, Action.RECORD_TAKEN]


def test_the_complaint_number_cannot_be_changed(users: Any) -> None:
    complaint = phone_complaint(users)
    complaint.number = "P-1999/00001"
    complaint.save()
    complaint.refresh_from_db()
    assert complaint.number == "P-1999/00001"  # the model keeps what it is given; the pages never offer it
    assert "number" not in __import__("complaints.forms", fromlist=["ComplaintForm"]).ComplaintForm.base_fields


def test_an_oral_complaint_settled_on_the_spot_owes_no_written_answer(users: Any) -> None:
    complaint = phone_complaint(
        users,
        channel=Channel.IN_PERSON,
        place_received="1117 Budapest, Fehérvári út 1., ügyfélszolgálati iroda",
        oral_outcome=OralOutcome.SETTLED,
        immediate_statement="A kétszeres terhelést a helyszínen visszautaltuk.",
        record_place="",
    )
    assert complaint.state == ComplaintState.SETTLED
    assert complaint.next_check_at is None and complaint.retain_until is not None
    assert not ComplaintRecord.objects.filter(complaint=complaint).exists()


def test_an_oral_complaint_needs_to_say_what_happened_at_the_desk(users: Any) -> None:
    with pytest.raises(services.InvalidInput):
        phone_complaint(users, oral_outcome="")
    with pytest.raises(services.InvalidInput):
        phone_complaint(users, oral_outcome=OralOutcome.DISAGREES, immediate_statement="")
    with pytest.raises(services.InvalidInput):
        phone_complaint(users, channel=Channel.IN_PERSON, place_received="")
    assert not Complaint.objects.exists()


def test_an_executor_cannot_record_a_complaint(users: Any) -> None:
    with pytest.raises(services.NotAllowed):
        phone_complaint(users, actor=users["executor"])


def test_an_email_complaint_is_acknowledged_at_once_with_its_number_and_due_date(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = phone_complaint(
            users,
            channel=Channel.EMAIL,
            oral_outcome="",
            record_place="",
            received_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=BUDAPEST),
        )
    (message,) = smtp_server.messages
    assert message["To"] == "kovacs.eva@ugyfel.example"
    assert complaint.number in message["Subject"]
    body = message.get_body().get_content()
    assert complaint.number in body and "2026. 12. 20." in body
    assert message["Auto-Submitted"] == "auto-replied"
    assert complaint.events.filter(action=Action.ACKNOWLEDGE).exists()


def test_a_phone_complaints_record_goes_with_the_acknowledgement(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = phone_complaint(users)
    (message,) = smtp_server.messages
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename().startswith("panasz-jegyzokonyv-")
    text = pdf_text(attachment.get_content())
    assert complaint.number in text and "Kovács Éva" in text
    complaint.record.refresh_from_db()
    assert complaint.record.sent_at is not None


def test_a_complaint_raised_from_a_ticket_stays_linked_to_it(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    complaint = phone_complaint(users, ticket=ticket, contact=contact)
    assert complaint.ticket == ticket and complaint.customer == contact.customer
    assert list(ticket.complaints.all()) == [complaint]
    assert complaint.events.get(action=Action.RECORD).data["ticket"] == ticket.number


def test_the_officer_investigates_proposes_and_an_executive_approves(users: Any) -> None:
    officer, executive = users["complaint_officer"], users["executive"]
    complaint = phone_complaint(users)
    complaint = services.add_entry(complaint=complaint, actor=officer, kind=EntryKind.FINDING, text="Egy terhelés.")
    complaint = services.add_entry(
        complaint=complaint, actor=officer, kind=EntryKind.CONSULTATION, text="Beszéltem a pénzüggyel."
    )
    assert complaint.state == ComplaintState.INVESTIGATING and complaint.officer == officer
    complaint = services.propose(
        complaint=complaint, actor=officer, outcome=Outcome.UPHELD, resolution="Visszautalás.", reasons="Hiba volt."
    )
    assert complaint.state == ComplaintState.PROPOSED
    complaint = services.decide(complaint=complaint, actor=executive, decision=Decision.APPROVED, reason="Rendben.")
    assert complaint.state == ComplaintState.DECIDED and complaint.outcome == Outcome.UPHELD
    proposal = complaint.proposals.get()
    assert proposal.decided_by == executive and proposal.decision_reason == "Rendben."
    assert [e.action for e in complaint.events.all()][-4:] == [
        Action.FINDING,
        Action.CONSULTATION,
        Action.PROPOSE,
        Action.APPROVE,
    ]


def test_executives_can_amend_or_send_back_a_proposal_but_always_with_a_reason(users: Any) -> None:
    officer, executive = users["complaint_officer"], users["executive"]
    complaint = walk_to(phone_complaint(users), ComplaintState.PROPOSED, users, outcome=Outcome.REJECTED)
    with pytest.raises(services.InvalidInput):
        services.decide(complaint=complaint, actor=executive, decision=Decision.REJECTED, reason="  ")
    complaint = services.decide(
        complaint=complaint, actor=executive, decision=Decision.REJECTED, reason="Kérdezzétek meg a bankot."
    )
    assert complaint.state == ComplaintState.INVESTIGATING
    complaint = services.propose(
        complaint=complaint, actor=officer, outcome=Outcome.REJECTED, resolution="Elutasítás.", reasons="Indok."
    )
    complaint = services.decide(
        complaint=complaint,
        actor=executive,
        decision=Decision.AMENDED,
        reason="Részben jogos.",
        outcome=Outcome.PARTLY_UPHELD,
        resolution="A díj felét visszatérítjük.",
    )
    assert complaint.state == ComplaintState.DECIDED and complaint.outcome == Outcome.PARTLY_UPHELD
    assert complaint.proposals.last().final_resolution == "A díj felét visszatérítjük."


def test_only_executives_decide_and_no_answer_goes_before_the_decision(users: Any) -> None:
    officer = users["complaint_officer"]
    complaint = walk_to(phone_complaint(users), ComplaintState.PROPOSED, users)
    with pytest.raises(services.NotAllowed):
        services.decide(complaint=complaint, actor=officer, decision=Decision.APPROVED, reason="Jó.")
    with pytest.raises(services.IllegalTransition):
        services.prepare_answer(
            complaint=complaint, actor=officer, text="Válasz", reasons="Indok", method=AnswerMethod.LETTER,
            postal_address="Szeged",
        )  # fmt: skip


def test_a_stale_form_is_refused(users: Any) -> None:
    officer = users["complaint_officer"]
    complaint = phone_complaint(users)
    shown = complaint.version
    services.add_entry(complaint=complaint, actor=officer, kind=EntryKind.FINDING, text="Első.")
    with pytest.raises(services.ComplaintChangedMeanwhile):
        services.add_entry(
            complaint=complaint, actor=officer, kind=EntryKind.FINDING, text="Második.", expected_version=shown
        )
    assert complaint.entries.count() == 1


def test_a_rejection_names_the_conciliation_body_of_the_county_and_the_authority(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer = users["complaint_officer"]
    complaint = walk_to(phone_complaint(users), ComplaintState.DECIDED, users, outcome=Outcome.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.prepare_answer(
            complaint=complaint,
            actor=officer,
            text="Panaszát elutasítjuk.",
            reasons="A bankszámlakivonat egyetlen terhelést mutat.",
            method=AnswerMethod.EMAIL,
            email="kovacs.eva@ugyfel.example",
        )
    assert answer.conciliation_body.name == "Csongrád-Csanád Vármegyei Békéltető Testület"
    assert answer.authority.county == "csongrad_csanad"
    (message,) = smtp_server.messages
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    answer_text = pdf_text(attachments[f"panasz-valasz-{complaint.year}-{complaint.sequence:05d}-{answer.pk}.pdf"])
    assert "Csongrád-Csanád Vármegyei Békéltető Testület" in answer_text
    assert "Budapesti Békéltető Testület" in answer_text  # the body at the company's seat
    assert answer.authority.name in answer_text.replace("\n", " ")
    assert "A bankszámlakivonat egyetlen terhelést mutat." in answer_text
    assert "nem tett általános alávetési nyilatkozatot" in answer_text.replace("\n", " ")
    assert any(name.startswith("panasz-jegyzokonyv-") for name in attachments)  # the phone record goes along

    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED and complaint.answered_at is not None
    sent = complaint.events.get(action=Action.ANSWER_SENT)
    assert sent.data["message_id"] in message["Message-ID"]
    assert complaint.messages.get(kind="answer").status == MessageStatus.SENT
    assert complaint.record.sent_at is not None
    assert complaint.retain_until.year == complaint.answered_at.year + 3


def test_a_refusal_without_the_complainants_county_is_not_sent(users: Any) -> None:
    officer = users["complaint_officer"]
    complaint = walk_to(phone_complaint(users, county=""), ComplaintState.DECIDED, users, outcome=Outcome.REJECTED)
    with pytest.raises(services.InvalidInput, match="vármegy"):
        services.prepare_answer(
            complaint=complaint, actor=officer, text="Elutasítjuk.", reasons="Indok.", method=AnswerMethod.LETTER,
            postal_address="Szeged",
        )  # fmt: skip
    assert not complaint.answers.exists()


def test_an_upheld_complaint_is_answered_without_naming_redress_bodies(users: Any) -> None:
    from complaints.documents import answer_pdf

    officer = users["complaint_officer"]
    complaint = walk_to(phone_complaint(users, county=""), ComplaintState.DECIDED, users, outcome=Outcome.UPHELD)
    answer = services.prepare_answer(
        complaint=complaint, actor=officer, text="Visszautaljuk.", reasons="Hiba volt.", method=AnswerMethod.LETTER,
        postal_address="Kovács Éva\n6720 Szeged",
    )  # fmt: skip
    assert "Békéltető" not in pdf_text(answer_pdf(answer))


def test_a_letter_answer_counts_as_sent_when_marked_posted(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.ANSWERED, users)
    assert complaint.state == ComplaintState.ANSWERED
    assert complaint.answers.get().posted_at is not None
    assert complaint.events.filter(action=Action.ANSWER_POSTED).exists()
    assert complaint.next_check_at is None


def test_repeated_and_unidentifiable_complaints_are_closed_with_a_reason_and_kept(users: Any) -> None:
    officer = users["complaint_officer"]
    complaint = phone_complaint(users, complainant_name="", complainant_address="", complainant_email="")
    with pytest.raises(services.InvalidInput):
        services.set_aside(complaint=complaint, actor=officer, reason=SetAsideReason.UNIDENTIFIABLE, note="")
    complaint = services.set_aside(
        complaint=complaint, actor=officer, reason=SetAsideReason.UNIDENTIFIABLE, note="Név és cím nélkül."
    )
    assert complaint.state == ComplaintState.SET_ASIDE and complaint.next_check_at is None
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert complaint.events.last().note == "Név és cím nélkül."


def test_an_investigation_document_keeps_its_file(users: Any, tmp_path: Any, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    officer = users["complaint_officer"]
    complaint = phone_complaint(users)
    upload = SimpleUploadedFile("kivonat.pdf", b"%PDF-1.4 kivonat", content_type="application/pdf")
    services.add_entry(complaint=complaint, actor=officer, kind=EntryKind.DOCUMENT, text="Kivonat", upload=upload)
    entry = complaint.entries.get()
    assert entry.original_name == "kivonat.pdf" and entry.file.read() == b"%PDF-1.4 kivonat"
    with pytest.raises(services.InvalidInput):
        services.add_entry(complaint=complaint, actor=officer, kind=EntryKind.DOCUMENT, text="Nincs fájl")


def test_a_posted_answer_to_a_phone_complaint_encloses_its_record(users: Any) -> None:
    from complaints.documents import answer_pdf

    complaint = walk_to(phone_complaint(users, complainant_email=""), ComplaintState.ANSWERED, users)
    text = pdf_text(answer_pdf(complaint.answers.get()))
    assert "Jegyzőkönyv panaszról" in text and "Hibaüzenet" not in text
    assert "Bankszámlakivonat (2026. november)" in text  # the record's list of evidence, on its own page
    complaint.record.refresh_from_db()
    assert complaint.record.sent_at is not None


def test_a_complaint_with_line_breaks_in_its_subject_is_acknowledged_and_an_unsendable_mail_is_given_up(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = phone_complaint(users, subject="Kétszer terheltek\r\nBcc: kem@tamado.example")
    assert complaint.subject == "Kétszer terheltek Bcc: kem@tamado.example"
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["Bcc"] is None and acknowledgement["X-Envelope-To"] == "kovacs.eva@ugyfel.example"

    broken = ComplaintMessage.objects.create(  # an address an earlier version let through
        complaint=complaint,
        kind=MessageKind.ACKNOWLEDGEMENT,
        to="kovacs.eva@ugyfel.example\r\nBcc: kem@tamado.example",
        subject=f"[{complaint.number}] Panaszát nyilvántartásba vettük",
        body="…",
        message_id=f"broken-{complaint.pk}@pult.test",
    )
    send(broken.pk)
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == (MessageStatus.GIVEN_UP, 1)
    assert complaint.events.filter(action=Action.MAIL_FAILED).count() == 1
    assert len(smtp_server.messages) == 1
