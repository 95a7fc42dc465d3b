"""Printed complaint documents: the record (jegyzőkönyv), the answer letter, and the inspection bundle."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation

from common.pdf import letterhead, render_pdf
from complaints.models import Answer, Complaint
from tickets.choices import Channel


def record_filename(complaint: Complaint) -> str:
    return f"panasz-jegyzokonyv-{complaint.year}-{complaint.sequence:05d}.pdf"


def answer_filename(answer: Answer) -> str:
    complaint = answer.complaint
    return f"panasz-valasz-{complaint.year}-{complaint.sequence:05d}-{answer.pk}.pdf"


def record_is_sent_with_acknowledgement(complaint: Complaint) -> bool:
    """A phone complaint's record goes with the acknowledgement when there is an e-mail address for it."""
    return complaint.channel == Channel.PHONE and hasattr(complaint, "record")


def _context(complaint: Complaint) -> dict[str, object]:
    return {
        "complaint": complaint,
        "record": getattr(complaint, "record", None),
        "company": letterhead(),
        "in_person": complaint.channel == Channel.IN_PERSON,
    }


def record_pdf(complaint: Complaint) -> bytes:
    """The record in the desk's language: it is handed over or sent to the complainant as it is."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("complaints/pdf/record.html", _context(complaint))


def answer_pdf(answer: Answer) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("complaints/pdf/answer.html", {**_context(answer.complaint), "answer": answer})


def inspection_bundle(complaints: Iterable[Complaint], *, start: object, end: object) -> bytes:
    """Every record and answer of a period in one PDF, each starting on a new page, for the authority."""
    items = []
    for complaint in complaints:
        answers = list(complaint.answers.all())
        items.append({**_context(complaint), "answers": answers})
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            "complaints/pdf/bundle.html", {"items": items, "start": start, "end": end, "company": letterhead()}
        )
