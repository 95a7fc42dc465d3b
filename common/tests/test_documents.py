"""Every printed document, short and very long, with the interface in Hungarian and in English.

Checked by the PDF's own text positions (`testkit.documents`): A4, nothing outside the printable
area, no last page with only the signature, ő and ű extractable as written, and no fixed text of the other
language. Documents for the customer (letter, fax, complaint record and answer, the inspection bundle)
are always in the desk's language; the desk's own (summary, intake sheet) follow the interface.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from complaints import documents
from complaints.choices import AnswerMethod, ComplaintState, Outcome
from intake.services import oral_request_register
from mail.outbound import _fax_pdf
from testkit.complaints import phone_complaint, walk_to, written_answer
from testkit.documents import problems
from testkit.factories import ContactFactory, CustomerFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import Channel, State

pytestmark = pytest.mark.django_db

NAME = "Őri Ödön Űrhajós"
CUSTOMER = "Árvíztűrő Tükörfúrógép Kft."
ADDRESS = "6720 Szeged, Kárász utca 5."
WORDS = {
    "hu": "Tűzfal és jelszó: a frissítés után a fiók zárolódik, őszintén kérjük a gyors javítást.",
    "en": "After the update the account locks and the firewall refuses the password; please fix it soon.",
}
# An unbroken string as people paste them (a link, a log line): it must wrap, not run off the page.
UNBROKEN = "https://ugyfel.example/szamlazo/hibajegy?azonosito=" + "0123456789abcdef" * 8


def content(language: str, length: str) -> str:
    sentence = WORDS[language]
    if length == "short":
        return sentence
    paragraphs = [f"{index}. {sentence} {sentence} {sentence}" for index in range(1, 46)]
    return "\n\n".join([*paragraphs[:20], UNBROKEN, *paragraphs[20:]])


@pytest.fixture
def person(db: Any) -> Any:
    return ContactFactory(
        name=NAME,
        customer=CustomerFactory(name=CUSTOMER, address=ADDRESS),
        postal_address=ADDRESS,
        phone="+36 30 123 4567",
        fax="+36 62 555 0101",
        email="ori.odon@tukor.example",
    )


def client_in(language: str, user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def intake_sheet(users: dict[str, Any], person: Any, language: str, length: str) -> bytes:
    sheet = oral_request_register(
        actor=users["agent"],
        contact=person,
        channel=Channel.PHONE,
        received_at=timezone.now() - dt.timedelta(minutes=5),
        caller_name=NAME,
        caller_phone="06 30 123 4567",
        caller_email="",
        subject=WORDS[language][:60],
        content=content(language, length),
        module=None,
        priority="normal",
    )
    return client_in(language, users["agent"]).get(reverse("intake:sheet_pdf", args=[sheet.pk])).content


def ticket_summary(users: dict[str, Any], person: Any, language: str, length: str) -> bytes:
    ticket = register(users, person, description=content(language, length))
    ticket = advance(ticket, State.CLOSED, users)
    url = reverse("tickets:pdf", args=[ticket.year, ticket.sequence])
    return client_in(language, users["agent"]).get(url).content


def letter(users: dict[str, Any], person: Any, language: str, length: str) -> bytes:
    ticket = advance(register(users, person), State.SOLVED, users)
    made = workflow.prepare_letter(ticket=ticket, actor=users["agent"], text=content("hu", length))
    url = reverse("tickets:letter_pdf", args=[ticket.year, ticket.sequence, made.pk])
    return client_in(language, users["agent"]).get(url).content


def fax(users: dict[str, Any], person: Any, language: str, length: str) -> bytes:
    ticket = register(users, person)
    with translation.override(language):
        return _fax_pdf(ticket, content("hu", length), person.fax, users["agent"])


def complaint_record(users: dict[str, Any], person: Any, language: str, length: str) -> bytes:
    complaint = phone_complaint(users, complainant_name=NAME, description=content("hu", length))
    with translation.override(language):
        return documents.record_pdf(complaint)


def _answer(users: dict[str, Any], length: str) -> Any:
    complaint = walk_to(phone_complaint(users, complainant_name=NAME), ComplaintState.DECIDED, users)
    long = content("hu", length)
    return written_answer(
        complaint, users["complaint_officer"], text=long, reasons=long, postal_address=f"{NAME}\n{ADDRESS}"
    )


def complaint_answer(users: dict[str, Any], person: Any, language: str, length: str) -> bytes:
    answer = _answer(users, length)
    with translation.override(language):
        return documents.answer_pdf(answer)


def inspection_bundle(users: dict[str, Any], person: Any, language: str, length: str) -> bytes:
    answer = _answer(users, length)
    today = timezone.localdate()
    with translation.override(language):
        return documents.inspection_bundle([answer.complaint], start=today, end=today)


# Each document: how it is made, which language it is in when the interface is `language`, its signature.
DOCUMENTS: dict[str, tuple[Callable[..., bytes], bool]] = {
    "intake sheet": (intake_sheet, False),
    "ticket summary": (ticket_summary, False),
    "letter": (letter, True),
    "fax": (fax, True),
    "complaint record": (complaint_record, True),
    "complaint answer": (complaint_answer, True),
    "inspection bundle": (inspection_bundle, True),
}


@pytest.mark.parametrize("length", ["short", "long"])
@pytest.mark.parametrize("language", ["hu", "en"])
@pytest.mark.parametrize("document", list(DOCUMENTS))
def test_every_document_prints_within_the_page_in_one_language(
    document: str, language: str, length: str, users: dict[str, Any], person: Any
) -> None:
    make, for_the_customer = DOCUMENTS[document]
    pdf = make(users, person, language, length)
    assert pdf.startswith(b"%PDF"), document
    written_in = "hu" if for_the_customer else language
    signers = [users["agent"].display_name, users["complaint_officer"].display_name]
    found = problems(pdf, language=written_in, must_contain=[NAME], signature=signers)
    assert found == [], f"{document} ({language}, {length}): {found}"


def test_the_answer_names_the_conciliation_body_with_hungarian_labels(users: dict[str, Any], person: Any) -> None:
    """A refusal names the bodies; their details are labelled in the desk's language, the addressee once."""
    from testkit.documents import pages

    complaint = walk_to(
        phone_complaint(users, complainant_name=NAME), ComplaintState.DECIDED, users, outcome=Outcome.REJECTED
    )
    answer = written_answer(
        complaint, users["complaint_officer"], text="Panaszát elutasítjuk.", postal_address=f"{NAME}\n{ADDRESS}"
    )
    with translation.override("en"):
        printed = pages(documents.answer_pdf(answer))
    text = "\n".join(page.text for page in printed)
    assert "Székhely:" in text and "Seat:" not in text
    assert printed[0].text.count(NAME) == 1  # the answer's first page; the enclosed record names them again


def test_whatever_the_length_of_the_answer_its_signature_keeps_lines_of_the_text(
    users: dict[str, Any], person: Any
) -> None:
    """The answer's text grows a line at a time across the first page break: the signature never goes alone."""
    from testkit.documents import pages

    complaint = walk_to(phone_complaint(users, complainant_name=NAME), ComplaintState.DECIDED, users)
    answer = written_answer(
        complaint, users["complaint_officer"], method=AnswerMethod.EMAIL, email="ori.odon@tukor.example"
    )
    lonely = []
    for lines in range(30, 75, 2):
        answer.text = "\n".join(f"{line}. {WORDS['hu'][:50]}" for line in range(lines))
        printed = pages(documents.answer_pdf(answer))
        last = [line for line in printed[-1].text.splitlines() if line.strip() and "/" not in line]
        if len(printed) > 1 and len(last) <= 3:
            lonely.append((lines, last))
    assert lonely == []


def test_the_check_sees_a_signature_alone_on_the_last_page_and_text_off_the_page() -> None:
    from common.pdf import render_pdf

    pdf = render_pdf("pdf/base.html", {})
    assert problems(pdf, language="hu", must_contain=[], signature=["Szűcs Ödön"]) == []
    from weasyprint import HTML

    lonely = HTML(
        string="<p>Szöveg.</p><p style='break-before: page'>Tisztelettel:<br>Szűcs Ödön</p>"
        "<p style='margin-left: -30mm'>Lelóg</p>"
    ).write_pdf()
    found = problems(
        lonely, language="hu", must_contain=["Szűcs Ödön"], signature=["Tisztelettel", "Szűcs Ödön", "Lelóg"]
    )
    assert any("only the signature" in problem for problem in found)
    assert any("outside the printable area" in problem for problem in found)


def test_the_letter_editor_starts_with_the_signature_that_is_printed_once(users: dict[str, Any], person: Any) -> None:
    from testkit.documents import pages
    from tickets.models import Letter

    ticket = advance(register(users, person), State.SOLVED, users)
    agent = client_in("en", users["agent"])  # the desk writes to its customers in Hungarian all the same
    page = agent.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    editor = page.split('name="prepare_letter-text"', 1)[1].split("</textarea>", 1)[0]
    name = users["agent"].display_name
    assert f"Tisztelt {NAME}!" in editor and "Tisztelettel:" in editor and name in editor
    text = html.unescape(editor.split(">", 1)[1]).replace("\n\n\n\n", "\n\nA hibát kijavítottuk.\n\n")
    response = agent.post(
        reverse("tickets:step", args=[ticket.year, ticket.sequence, "prepare_letter"]),
        {"prepare_letter-version": ticket.version, "prepare_letter-address": "", "prepare_letter-text": text},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Letter.objects.get(ticket=ticket)
    pdf = agent.get(reverse("tickets:letter_pdf", args=[ticket.year, ticket.sequence, made.pk])).content
    printed = "\n".join(page.text for page in pages(pdf))
    assert printed.count(name) == 1 and "A hibát kijavítottuk." in printed and "Tárgy:" in printed
