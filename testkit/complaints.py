"""Walk a complaint through the real complaint procedure, for tests that need one at a given point."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from complaints import services
from complaints.choices import AnswerMethod, ComplaintState, Decision, EntryKind, OralOutcome, Outcome
from complaints.models import Answer, Complaint
from tickets.choices import Channel


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def phone_complaint(users: dict[str, Any], **overrides: Any) -> Complaint:
    """A phone complaint that could not be examined at once: a record is taken."""
    data = {
        "channel": Channel.PHONE,
        "subject": "Hibás számla, kétszer terheltek",
        "description": "A novemberi számlát kétszer vonták le a bankszámlámról.",
        "complainant_name": "Kovács Éva",
        "complainant_address": "6720 Szeged, Kárász utca 5.",
        "complainant_email": "kovacs.eva@ugyfel.example",
        "complainant_phone": "+36 30 123 4567",
        "county": "csongrad_csanad",
        "evidence": "Bankszámlakivonat (2026. november)",
        "oral_outcome": OralOutcome.NOT_AT_ONCE,
        "record_place": "Budapest, ügyfélszolgálat (telefon)",
    }
    data.update(overrides)
    actor = data.pop("actor", users["agent"])
    return services.complaint_record(actor=actor, data=services.ComplaintInput(**data))


def walk_to(complaint: Complaint, target: ComplaintState, users: dict[str, Any], **options: Any) -> Complaint:
    """Investigate, propose, decide (and answer by letter) until the complaint is in `target`."""
    officer, executive = users["complaint_officer"], users["executive"]
    outcome = options.get("outcome", Outcome.REJECTED)
    if complaint.state == ComplaintState.RECORDED:
        complaint = services.add_entry(
            complaint=complaint, actor=officer, kind=EntryKind.FINDING, text="A terhelés egyszer történt meg."
        )
    if target == ComplaintState.INVESTIGATING:
        return complaint
    complaint = services.propose(
        complaint=complaint, actor=officer, outcome=outcome, resolution="A panaszt elutasítjuk.", reasons="Indok."
    )
    if target == ComplaintState.PROPOSED:
        return complaint
    complaint = services.decide(
        complaint=complaint, actor=executive, decision=Decision.APPROVED, reason="Megalapozott javaslat."
    )
    if target == ComplaintState.DECIDED:
        return complaint
    return services.answer_posted(answer=written_answer(complaint, officer), actor=officer)


def written_answer(complaint: Complaint, officer: Any, **overrides: Any) -> Answer:
    """The officer's reasoned answer, by letter unless `overrides` say otherwise (text, reasons, method, …)."""
    data = {
        "text": "Panaszát kivizsgáltuk.",
        "reasons": "A bank kivonata egy terhelést mutat.",
        "method": AnswerMethod.LETTER,
        "postal_address": "Kovács Éva\n6720 Szeged, Kárász utca 5.",
    } | overrides
    return services.prepare_answer(complaint=complaint, actor=officer, **data)


def days_ago(now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)
