"""The complaint pages: recording, raising from a ticket, who may open what, the officer's steps, the register,
the statistics and the export for the inspecting authority.

The Hungarian translations are written alongside these pages, so the tests assert on data (numbers, names,
dates, counts, status codes, redirects) and compute any label they need with the same gettext call the page
makes. Where the legal wording of a document matters, a comment marks the sentence to assert once the
translations land.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from accounts.roles import Role
from complaints import services
from complaints.choices import (
    AnswerMethod,
    ComplaintState,
    Decision,
    EntryKind,
    OralOutcome,
    Outcome,
    RedressKind,
)
from complaints.models import Answer, Complaint, ComplaintRecord, InvestigationEntry, Proposal, RedressBody
from testkit.complaints import pdf_text, phone_complaint, walk_to
from testkit.factories import ModuleFactory, user_with_role
from testkit.workflow import register
from tickets.choices import Channel

pytestmark = pytest.mark.django_db

BUDAPEST = ZoneInfo("Europe/Budapest")
HUNGARIAN_DATETIME = re.compile(r"^\d{4}\. \d{2}\. \d{2}\. \d{1,2}:\d{2}$")


# --- helpers ---------------------------------------------------------------------------------------


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(complaint: Complaint, rest: str = "") -> str:
    return f"/complaints/{complaint.year}/{complaint.sequence}/{rest}"


def step_url(complaint: Complaint, step: str) -> str:
    return page_url(complaint, f"steps/{step}/")


def squeeze(text: str) -> str:
    """PDF text with every run of whitespace (line breaks of table cells included) made one space."""
    return " ".join(text.split())


def hungarian(value: Any) -> str:
    """A label as the Hungarian page or document renders it, whatever state the translations are in."""
    with translation.override("hu"):
        return str(value)


def local_input(value: dt.datetime) -> str:
    """A time as the datetime-local input sends it."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def recording(**overrides: Any) -> dict[str, Any]:
    """The record page's form as an agent fills it in for a phone complaint that needs a written answer."""
    data = {
        "channel": Channel.PHONE,
        "received_at": "2026-11-20T09:05",
        "place_received": "Budapest, telefonos ügyfélszolgálat",
        "complainant_name": "Kovács Éva",
        "complainant_address": "6720 Szeged, Kárász utca 5.",
        "complainant_email": "kovacs.eva@ugyfel.example",
        "complainant_phone": "+36 30 123 4567",
        "county": "csongrad_csanad",
        "module": "",
        "subject": "Hibás számla, kétszer terheltek",
        "description": "A novemberi számlát kétszer vonták le a bankszámlámról.",
        "evidence": "Bankszámlakivonat (2026. november)",
        "oral_outcome": OralOutcome.NOT_AT_ONCE,
        "immediate_statement": "",
        "record_place": "Budapest, ügyfélszolgálati iroda",
    }
    data.update(overrides)
    return data


def step_data(response: Any, step: str, **values: Any) -> dict[str, Any]:
    """What the page's form for `step` sends as offered (its initial values), with `values` typed in.

    Fails when the page does not offer the step to its viewer."""
    forms = {form.step: form for form in response.context["step_forms"]}
    assert step in forms, f"the page does not offer {step!r}; it offers {sorted(forms)}"
    form = forms[step]
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is not None and not bound.field.widget.needs_multipart_form:
            data[bound.html_name] = value
    data.update({form.add_prefix(name): value for name, value in values.items()})
    return data


def hidden_value(body: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', body) or re.search(
        rf'value="([^"]*)" name="{re.escape(name)}"', body
    )
    assert match, f"no hidden input {name!r} on the page"
    return match.group(1)


def answered_by_letter(complaint: Complaint, users: dict[str, Any], text: str) -> Complaint:
    """Decided with a rejection, answered with `text` by a letter that is then posted."""
    complaint = walk_to(complaint, ComplaintState.DECIDED, users)
    answer = services.prepare_answer(
        complaint=complaint,
        actor=users["complaint_officer"],
        text=text,
        reasons="A bankszámlakivonat egyetlen terhelést mutat.",
        method=AnswerMethod.LETTER,
        postal_address="Kovács Éva\n6720 Szeged, Kárász utca 5.",
    )
    return services.answer_posted(answer=answer, actor=users["complaint_officer"])


# --- 1. recording through the page ------------------------------------------------------------------


def test_an_agent_records_a_phone_complaint_and_is_told_its_number(users: Any) -> None:
    client = client_for(users["agent"])
    assert client.get("/complaints/new/").status_code == 200

    response = client.post("/complaints/new/", recording())

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == page_url(complaint)
    assert re.fullmatch(r"P-\d{4}/00001", complaint.number)
    assert complaint.registered_by == users["agent"]
    assert complaint.state == ComplaintState.RECORDED
    assert timezone.localtime(complaint.received_at).replace(tzinfo=None) == dt.datetime(2026, 11, 20, 9, 5)
    assert ComplaintRecord.objects.get(complaint=complaint).place == "Budapest, ügyfélszolgálati iroda"
    flashes = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(complaint.number in flash for flash in flashes), flashes
    assert client.get(response.url).status_code == 200


def test_the_record_of_a_phone_complaint_holds_what_the_law_asks_for(users: Any) -> None:
    client = client_for(users["agent"])
    client.post("/complaints/new/", recording())
    complaint = Complaint.objects.get()

    response = client.get(page_url(complaint, "record.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(response.content))
    assert complaint.number in text
    assert "Kovács Éva" in text
    assert "6720 Szeged, Kárász utca 5." in text
    assert "kovacs.eva@ugyfel.example" in text
    # place, time and way of submission
    assert "Budapest, telefonos ügyfélszolgálat" in text
    assert "2026. 11. 20. 9:05" in text
    assert hungarian(Channel.PHONE.label) in text
    assert "A novemberi számlát kétszer vonták le a bankszámlámról." in text
    assert "Bankszámlakivonat (2026. november)" in text
    # the place of the record and who took it
    assert "Budapest, ügyfélszolgálati iroda" in text
    assert users["agent"].display_name in text
    # TRANSLATION PENDING — legal text, §17/A(5) h). Once the Hungarian catalogue is compiled, assert:
    #   "Ha a panaszos neve és lakcíme (vagy e-mail-címe), valamint a panasz részletes leírása hiányzik,
    #    a vállalkozás nem köteles a panaszt írásban megválaszolni."
    #   "A fogyasztóvédelemről szóló 1997. évi CLV. törvény 17/A. § (5) bekezdése alapján."
    #   "A panasz azonnali kivizsgálására nem volt lehetőség; a vállalkozás írásban válaszol."
    # Until then the data printed beside them (name, address, e-mail, description above) stands in.
    # A phone record has one signature line, the recorder's: the complainant's name is printed only once.
    assert text.count("Kovács Éva") == 1


def test_an_in_person_record_has_a_signature_line_for_the_complainant(users: Any) -> None:
    client = client_for(users["agent"])
    response = client.post(
        "/complaints/new/",
        recording(
            channel=Channel.IN_PERSON,
            place_received="1117 Budapest, Fehérvári út 1., ügyfélszolgálati iroda",
            complainant_name="Nagy Ödönné",
            complainant_signed="on",
        ),
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.record.complainant_signed

    text = squeeze(pdf_text(client.get(page_url(complaint, "record.pdf")).content))

    # TRANSLATION PENDING: assert "A panaszos aláírása" (and, on both records, "A jegyzőkönyvet felvevő
    # aláírása") here; until then the complainant's name under the second signature line is the marker:
    # printed in the table and there, against once on a phone record.
    assert text.count("Nagy Ödönné") == 2
    assert "1117 Budapest, Fehérvári út 1., ügyfélszolgálati iroda" in text
    assert hungarian(Channel.IN_PERSON.label) in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"complainant_email": "kovacs.eva-at-ugyfel"}, "complainant_email"),
        ({"oral_outcome": ""}, "oral_outcome"),
        ({"subject": ""}, "subject"),
    ],
)
def test_a_complaint_with_wrong_data_is_sent_back_with_the_form_and_nothing_is_saved(
    users: Any, change: dict[str, str], field: str
) -> None:
    response = client_for(users["agent"]).post("/complaints/new/", recording(**change))

    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert form["subject"].value() == recording(**change)["subject"]  # what was typed is kept
    assert 'value="Kovács Éva"' in response.content.decode()
    assert not Complaint.objects.exists()
    assert not ComplaintRecord.objects.exists()


def test_a_complaint_received_in_the_future_is_refused(users: Any) -> None:
    tomorrow = timezone.now() + dt.timedelta(days=1)

    response = client_for(users["agent"]).post("/complaints/new/", recording(received_at=local_input(tomorrow)))

    assert response.status_code == 422
    # every field is well-formed: it is the register that refuses a time still to come
    assert set(response.context["form"].errors) == {"__all__"}
    assert not Complaint.objects.exists()


def test_an_in_person_complaint_needs_its_place_of_submission(users: Any) -> None:
    response = client_for(users["agent"]).post(
        "/complaints/new/", recording(channel=Channel.IN_PERSON, place_received="")
    )
    assert response.status_code == 422
    assert not Complaint.objects.exists()


def test_a_scanned_document_given_with_the_complaint_is_kept_as_an_investigation_entry(users: Any) -> None:
    scan = SimpleUploadedFile("kivonat-2026-11.pdf", b"%PDF-1.4 bankszamlakivonat", content_type="application/pdf")
    response = client_for(users["agent"]).post("/complaints/new/", {**recording(), "documents": [scan]})

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    entry = InvestigationEntry.objects.get(complaint=complaint)
    assert entry.kind == EntryKind.DOCUMENT
    assert entry.original_name == "kivonat-2026-11.pdf"
    assert entry.author == users["agent"]
    with entry.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 bankszamlakivonat"

    # The officer downloads it from the complaint's page; the agent, who does not follow the register, cannot.
    download = client_for(users["complaint_officer"]).get(f"/complaints/files/{entry.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 bankszamlakivonat"
    assert client_for(users["agent"]).get(f"/complaints/files/{entry.pk}/").status_code == 404


# --- 2. raising a complaint from a ticket ----------------------------------------------------------


def test_a_complaint_raised_from_a_ticket_starts_from_the_tickets_contact_and_stays_linked(
    users: Any, contact: Any
) -> None:
    ticket = register(users, contact, subject="Nem nyomtat a számlázó")
    agent = client_for(users["agent"])
    url = f"/complaints/from-ticket/{ticket.year}/{ticket.sequence}/"

    page = agent.get(url)

    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["subject"] == "Nem nyomtat a számlázó"
    assert initial["complainant_name"] == contact.name
    assert initial["complainant_email"] == contact.email
    body = page.content.decode()
    assert 'value="Nem nyomtat a számlázó"' in body
    assert f'value="{contact.name}"' in body
    assert f'value="{contact.email}"' in body
    assert ticket.number in body

    response = agent.post(
        url,
        recording(
            subject="Nem nyomtat a számlázó, harmadszor",
            complainant_name=contact.name,
            complainant_email=contact.email,
            received_at=local_input(timezone.now() - dt.timedelta(hours=1)),
        ),
    )

    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == page_url(complaint)
    assert complaint.ticket == ticket
    assert complaint.contact == contact
    assert complaint.customer == contact.customer
    assert complaint.events.get(action="record").data["ticket"] == ticket.number

    ticket_page = agent.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence]))
    assert ticket_page.status_code == 200
    assert complaint.number in ticket_page.content.decode()
    # another agent sees the ticket, but not a complaint someone else recorded
    other_agent = user_with_role(Role.AGENT, username="agent_two")
    other_page = client_for(other_agent).get(reverse("tickets:detail", args=[ticket.year, ticket.sequence]))
    assert other_page.status_code == 200
    assert complaint.number not in other_page.content.decode()


# --- 3. who may open what --------------------------------------------------------------------------


ROLE_ACCESS = {
    # role: (register list, record page, statistics, inspection CSV), as accounts/roles.py grants them
    Role.AGENT: (200, 200, 403, 403),
    Role.MANAGER: (200, 200, 200, 403),
    Role.DISPATCHER: (403, 403, 403, 403),
    Role.EXECUTOR: (403, 403, 403, 403),
    Role.COMPLAINT_OFFICER: (200, 200, 200, 200),
    Role.EXECUTIVE: (200, 403, 200, 200),
    Role.ADMINISTRATOR: (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", list(ROLE_ACCESS), ids=[role.value for role in ROLE_ACCESS])
def test_each_role_opens_the_complaint_pages_its_permissions_allow(users: Any, role: Role) -> None:
    client = client_for(users[role.value])
    paths = ["/complaints/", "/complaints/new/", "/complaints/statistics/", "/complaints/inspection/csv/"]

    statuses = tuple(client.get(path).status_code for path in paths)

    assert statuses == ROLE_ACCESS[role]


def test_an_agent_sees_only_the_complaints_they_recorded(users: Any) -> None:
    other_agent = user_with_role(Role.AGENT, username="agent_two")
    own = phone_complaint(users, subject="Saját panasz")
    others = phone_complaint(users, actor=other_agent, subject="Kolléga panasza")
    officers = phone_complaint(users, actor=users["complaint_officer"], subject="Panaszkezelő rögzítette")
    agent = client_for(users["agent"])

    listed = [complaint.number for complaint in agent.get("/complaints/").context["page"].object_list]

    assert listed == [own.number]
    assert agent.get(page_url(own)).status_code == 200
    assert agent.get(page_url(own, "record.pdf")).status_code == 200
    for hidden in (others, officers):
        assert agent.get(page_url(hidden)).status_code == 404
        assert agent.get(page_url(hidden, "record.pdf")).status_code == 404
    # the register's keepers see all three
    officer_list = client_for(users["complaint_officer"]).get("/complaints/").context["page"].object_list
    assert {complaint.number for complaint in officer_list} == {own.number, others.number, officers.number}


def test_an_executor_is_refused_everywhere(users: Any, contact: Any) -> None:
    complaint = phone_complaint(users)
    document = services.add_entry(
        complaint=complaint,
        actor=users["complaint_officer"],
        kind=EntryKind.DOCUMENT,
        text="Kivonat",
        upload=SimpleUploadedFile("kivonat.pdf", b"%PDF-1.4"),
    )
    complaint = walk_to(document, ComplaintState.ANSWERED, users)
    answer = complaint.answers.get()
    entry = complaint.entries.exclude(file="").get()
    ticket = register(users, contact)
    executor = client_for(users["executor"])

    gets = {
        "/complaints/": 403,
        "/complaints/new/": 403,
        f"/complaints/from-ticket/{ticket.year}/{ticket.sequence}/": 403,
        "/complaints/statistics/": 403,
        "/complaints/inspection/csv/": 403,
        "/complaints/inspection/pdf/": 403,
        page_url(complaint): 404,
        page_url(complaint, "record.pdf"): 404,
        page_url(complaint, f"answers/{answer.pk}/pdf/"): 403,
        f"/complaints/files/{entry.pk}/": 404,
    }
    assert {path: executor.get(path).status_code for path in gets} == gets
    posts = {
        "/complaints/new/": 403,
        step_url(complaint, "entry"): 404,
        page_url(complaint, f"answers/{answer.pk}/posted/"): 403,
    }
    assert {path: executor.post(path, recording()).status_code for path in posts} == posts
    assert Complaint.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.ANSWERED, users)
    answer = complaint.answers.get()
    client = Client()
    paths = [
        "/complaints/",
        "/complaints/new/",
        "/complaints/statistics/",
        "/complaints/inspection/csv/",
        "/complaints/inspection/pdf/",
        page_url(complaint),
        page_url(complaint, "record.pdf"),
        page_url(complaint, f"answers/{answer.pk}/pdf/"),
    ]
    login = reverse("login")
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(f"{login}?next="), (path, response.url)
    response = client.post("/complaints/new/", recording())
    assert response.status_code == 302 and response.url.startswith(login)
    assert Complaint.objects.count() == 1


# --- 4. the officer's workflow through the pages ---------------------------------------------------


def test_the_officer_investigates_proposes_the_executive_decides_and_the_officer_answers_by_letter(
    users: Any,
) -> None:
    complaint = phone_complaint(users)
    officer, executive = client_for(users["complaint_officer"]), client_for(users["executive"])

    data = step_data(
        officer.get(page_url(complaint)), "entry", kind=EntryKind.FINDING, text="A bank egyetlen terhelést mutat."
    )
    response = officer.post(step_url(complaint, "entry"), data)
    assert response.status_code == 302 and response.url == page_url(complaint)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.INVESTIGATING and complaint.officer == users["complaint_officer"]

    data = step_data(
        officer.get(page_url(complaint)),
        "propose",
        outcome=Outcome.REJECTED,
        resolution="A panaszt elutasítjuk: a számlát egyszer terheltük.",
        reasons="A bankszámlakivonat egyetlen terhelést mutat.",
    )
    assert officer.post(step_url(complaint, "propose"), data).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.PROPOSED

    data = step_data(
        executive.get(page_url(complaint)), "decide", decision="approved", reason="A javaslat megalapozott."
    )
    assert executive.post(step_url(complaint, "decide"), data).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.DECIDED and complaint.outcome == Outcome.REJECTED
    assert Proposal.objects.get(complaint=complaint).decided_by == users["executive"]

    page = officer.get(page_url(complaint))
    data = step_data(page, "answer", method=AnswerMethod.LETTER, text="Panaszát kivizsgáltuk és elutasítjuk.")
    # the page fills in the decided resolution, the reasons and the complainant's county
    assert data["answer-reasons"] == "A bankszámlakivonat egyetlen terhelést mutat."
    assert data["answer-county"] == "csongrad_csanad"
    assert data["answer-postal_address"] == "Kovács Éva\n6720 Szeged, Kárász utca 5."
    assert officer.post(step_url(complaint, "answer"), data).status_code == 302
    answer = Answer.objects.get(complaint=complaint)
    assert answer.method == AnswerMethod.LETTER

    page = officer.get(page_url(complaint))
    pdf_link = page_url(complaint, f"answers/{answer.pk}/pdf/")
    assert pdf_link in page.content.decode()
    pdf = officer.get(pdf_link)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(pdf.content))
    assert complaint.number in text
    assert "Panaszát kivizsgáltuk és elutasítjuk." in text
    assert "A bankszámlakivonat egyetlen terhelést mutat." in text
    county_body = RedressBody.objects.get(kind=RedressKind.CONCILIATION, county="csongrad_csanad")
    assert squeeze(county_body.name) in text
    assert squeeze(answer.authority.name) in text
    # TRANSLATION PENDING: assert "Hová fordulhat" and, with PULT_CONCILIATION_SUBMISSION_DECLARED False,
    #   "A(z) Pult Szoftverház Kft. nem tett általános alávetési nyilatkozatot a békéltető testületek
    #    döntéseinek elfogadására; a békéltető testületi eljárásban a törvény szerint együttműködik."
    # Until then the bodies' names (data from RedressBody) stand in for the redress paragraph.

    version = hidden_value(page.content.decode(), "version")
    response = officer.post(page_url(complaint, f"answers/{answer.pk}/posted/"), {"version": version})
    assert response.status_code == 302 and response.url == page_url(complaint)
    complaint.refresh_from_db()
    answer.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED
    assert answer.posted_at is not None and complaint.answered_at == answer.posted_at


def test_a_stale_step_form_gets_409_and_keeps_what_was_typed(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.INVESTIGATING, users)
    officer = client_for(users["complaint_officer"])
    typed = step_data(
        officer.get(page_url(complaint)),
        "propose",
        outcome=Outcome.PARTLY_UPHELD,
        resolution="A második terhelést visszautaljuk, a kamatot nem.",
        reasons="A kamatot a bank számolta fel, nem mi.",
    )
    # meanwhile, in another tab, the officer adds a finding: the complaint's version moves on
    services.add_entry(complaint=complaint, actor=users["complaint_officer"], kind=EntryKind.FINDING, text="Új.")
    complaint.refresh_from_db()
    version_before, events_before = complaint.version, complaint.events.count()

    response = officer.post(step_url(complaint, "propose"), typed)

    assert response.status_code == 409
    body = response.content.decode()
    assert "A második terhelést visszautaljuk, a kamatot nem." in body
    assert "A kamatot a bank számolta fel, nem mi." in body
    assert "Új." in body  # the change made meanwhile is shown
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.INVESTIGATING
    assert (complaint.version, complaint.events.count()) == (version_before, events_before)
    assert not Proposal.objects.filter(complaint=complaint).exists()


def test_the_form_kept_after_a_409_can_be_sent_again_once_reviewed(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.INVESTIGATING, users)
    officer = client_for(users["complaint_officer"])
    typed = step_data(
        officer.get(page_url(complaint)),
        "propose",
        outcome=Outcome.REJECTED,
        resolution="Elutasítjuk.",
        reasons="Egy terhelés volt.",
    )
    services.add_entry(complaint=complaint, actor=users["complaint_officer"], kind=EntryKind.FINDING, text="Új.")
    complaint.refresh_from_db()
    conflict = officer.post(step_url(complaint, "propose"), typed)
    assert conflict.status_code == 409

    # The re-rendered form is what the officer sends after reviewing the change: it must carry the
    # complaint's current version, or every resend is another 409 and the kept text can never be sent.
    resent = {**typed, "propose-version": hidden_value(conflict.content.decode(), "propose-version")}
    assert resent["propose-version"] == str(complaint.version)
    assert officer.post(step_url(complaint, "propose"), resent).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.PROPOSED


def test_a_step_not_offered_to_the_user_is_refused_and_changes_nothing(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.INVESTIGATING, users)
    version = complaint.version
    proposal = {
        "propose-version": version,
        "propose-outcome": Outcome.UPHELD,
        "propose-resolution": "Visszautaljuk.",
        "propose-reasons": "Kétszer terheltünk.",
    }
    entry = {"entry-version": version, "entry-kind": EntryKind.FINDING, "entry-text": "Megjegyzés."}
    second_officer = user_with_role(Role.COMPLAINT_OFFICER, username="officer_two")

    agent_page = client_for(users["agent"]).get(page_url(complaint))
    assert agent_page.status_code == 200 and agent_page.context["step_forms"] == []
    assert client_for(users["agent"]).post(step_url(complaint, "propose"), proposal).status_code in (403, 404)
    executive_page = client_for(users["executive"]).get(page_url(complaint))
    assert "entry" not in {form.step for form in executive_page.context["step_forms"]}
    assert client_for(users["executive"]).post(step_url(complaint, "entry"), entry).status_code in (403, 404)
    # the complaint is handled by the first officer: a colleague is not offered its investigation
    colleague_page = client_for(second_officer).get(page_url(complaint))
    assert "propose" not in {form.step for form in colleague_page.context["step_forms"]}
    assert client_for(second_officer).post(step_url(complaint, "propose"), proposal).status_code in (403, 404)
    assert client_for(users["complaint_officer"]).post(step_url(complaint, "no-such-step"), entry).status_code == 404

    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.INVESTIGATING
    assert complaint.version == version
    assert complaint.officer == users["complaint_officer"]
    assert not Proposal.objects.filter(complaint=complaint).exists()
    assert complaint.entries.count() == 1  # walk_to's finding only


def test_the_officer_who_proposed_cannot_decide_and_the_executive_cannot_post_the_letter(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.PROPOSED, users)
    decision = {"decide-version": complaint.version, "decide-decision": "approved", "decide-reason": "Jó."}

    response = client_for(users["complaint_officer"]).post(step_url(complaint, "decide"), decision)

    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.PROPOSED
    assert Proposal.objects.get(complaint=complaint).decision == ""

    complaint = services.decide(
        complaint=complaint, actor=users["executive"], decision=Decision.APPROVED, reason="Megalapozott."
    )
    answer = services.prepare_answer(
        complaint=complaint,
        actor=users["complaint_officer"],
        text="Válasz.",
        reasons="Indok.",
        method=AnswerMethod.LETTER,
        postal_address="Kovács Éva\n6720 Szeged, Kárász utca 5.",
    )
    complaint.refresh_from_db()
    response = client_for(users["executive"]).post(
        page_url(complaint, f"answers/{answer.pk}/posted/"), {"version": complaint.version}
    )
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.DECIDED
    assert Answer.objects.get(pk=answer.pk).posted_at is None


# --- 5. the register list --------------------------------------------------------------------------


def _varied_complaints(users: Any, count: int, start: int = 0) -> None:
    """Complaints with and without an officer and a module, so that a missing join shows."""
    for n in range(start, start + count):
        extra: dict[str, Any] = {"subject": f"Panasz {n}", "complainant_name": f"Panaszos {n}"}
        if n % 2:
            extra["actor"] = users["complaint_officer"]
        if n % 3 == 0:
            extra["module"] = ModuleFactory()
        phone_complaint(users, **extra)


def test_the_register_list_runs_the_same_queries_for_3_or_30_complaints(users: Any) -> None:
    officer = client_for(users["complaint_officer"])
    _varied_complaints(users, 3)
    officer.get("/complaints/")  # warm up: session, content types

    with CaptureQueriesContext(connection) as few:
        response = officer.get("/complaints/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3

    _varied_complaints(users, 27, start=3)
    with CaptureQueriesContext(connection) as many:
        response = officer.get("/complaints/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 30

    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"] for q in many.captured_queries]


def test_the_register_list_finds_a_complaint_by_number_subject_and_complainant(users: Any) -> None:
    first = phone_complaint(users, subject="Hibás számla", complainant_name="Kovács Éva")
    second = phone_complaint(
        users,
        subject="Lassú bérszámfejtő modul",
        complainant_name="Szabó Péter",
        complainant_email="szabo.peter@ugyfel.example",
        complainant_phone="",
    )
    third = phone_complaint(
        users,
        subject="Nem érkezett meg a jelszó",
        complainant_name="Tóth Anna",
        complainant_email="anna@toth.example",
        complainant_phone="",
    )
    officer = client_for(users["complaint_officer"])

    def found(query: str) -> list[str]:
        response = officer.get("/complaints/", {"q": query})
        assert response.status_code == 200
        return [complaint.number for complaint in response.context["page"].object_list]

    assert found(second.number) == [second.number]
    assert found("bérszámfejtő") == [second.number]
    assert found("Kovács") == [first.number]
    # as people type: no accents, any case, any word order, the phone number in any form
    assert found("kovacs eva") == found("Éva KOVÁCS") == [first.number]
    assert found("berszamfejto") == [second.number]
    for phone in ("+36 30 123 4567", "06301234567", "30/123-4567"):
        assert found(phone) == [first.number], phone
    assert found("anna@toth") == [third.number]
    assert sorted(found("")) == sorted([first.number, second.number, third.number])
    assert found("nincs ilyen panasz") == []
    # the htmx request gets the results alone
    partial = officer.get(
        "/complaints/", {"q": "Szabó"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert second.number in partial and first.number not in partial and "<html" not in partial


# --- 6. statistics ---------------------------------------------------------------------------------


def test_the_statistics_count_a_period_by_channel_and_outcome_with_answer_times(users: Any) -> None:
    now = timezone.now()
    late = answered_by_letter(
        phone_complaint(users, received_at=now - dt.timedelta(days=40)), users, "Elutasítjuk, későn."
    )
    in_time = walk_to(
        phone_complaint(
            users,
            channel=Channel.EMAIL,
            oral_outcome="",
            record_place="",
            received_at=now - dt.timedelta(days=10),
        ),
        ComplaintState.ANSWERED,
        users,
        outcome=Outcome.UPHELD,
    )
    overdue = phone_complaint(users, received_at=now - dt.timedelta(days=35))
    phone_complaint(
        users, channel=Channel.WEB, oral_outcome="", record_place="", received_at=now - dt.timedelta(days=5)
    )
    phone_complaint(users, received_at=now - dt.timedelta(days=90))  # before the period
    today = timezone.localdate()
    period = {"start": (today - dt.timedelta(days=60)).isoformat(), "end": today.isoformat()}

    response = client_for(users["executive"]).get("/complaints/statistics/", period)

    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["total"] == 4
    with translation.override("hu"):
        by_channel = {str(row["label"]): row["n"] for row in stats["by_channel"]}
        by_outcome = {str(row["label"]): row["n"] for row in stats["by_outcome"]}
        assert by_channel == {str(Channel.PHONE.label): 2, str(Channel.EMAIL.label): 1, str(Channel.WEB.label): 1}
        assert by_outcome[str(Outcome.REJECTED.label)] == 1
        assert by_outcome[str(Outcome.UPHELD.label)] == 1
    assert sorted(by_outcome.values()) == [1, 1, 2]  # and two not decided yet
    assert stats["answered"] == 2
    answered = [late, in_time]
    for complaint in answered:
        complaint.refresh_from_db()
    expected_days = sum((c.answered_at - c.received_at).total_seconds() for c in answered) / 2 / 86400
    assert stats["average_days_to_answer"] == pytest.approx(expected_days, abs=1e-3)
    assert stats["average_days_to_answer"] == pytest.approx(25, abs=0.01)
    assert stats["answered_late"] == 1
    assert stats["overdue_now"] == 1
    assert overdue.pk in Complaint.objects.filter(due_at__lt=now).values_list("pk", flat=True)
    body = response.content.decode()
    assert '<dd class="stat-total">4</dd>' in body
    assert '<dd class="stat-late">1</dd>' in body
    assert '<dd class="stat-overdue">1</dd>' in body


def test_statistics_for_a_period_that_ends_before_it_starts_is_a_bad_request(users: Any) -> None:
    response = client_for(users["manager"]).get("/complaints/statistics/", {"start": "2026-11-20", "end": "2026-11-01"})
    assert response.status_code == 400
    assert response.context["form"].errors


# --- 7. the export for the inspecting authority ----------------------------------------------------


def _inspection_set(users: Any) -> dict[str, Complaint]:
    """Complaints on both sides of the edges of November 1–24, 2026, Budapest time."""
    return {
        "first": answered_by_letter(
            phone_complaint(
                users,
                received_at=dt.datetime(2026, 11, 1, 0, 30, tzinfo=BUDAPEST),  # 31 October in UTC
                place_received="Budapest, telefonos ügyfélszolgálat",
            ),
            users,
            "Panaszát kivizsgáltuk: a számlát egyszer terheltük.",
        ),
        "written": answered_by_letter(
            phone_complaint(
                users,
                channel=Channel.EMAIL,
                oral_outcome="",
                record_place="",
                received_at=dt.datetime(2026, 11, 2, 10, 15, tzinfo=BUDAPEST),
                complainant_name="Szabó Péter",
                complainant_address="",
                complainant_email="szabo.peter@ugyfel.example",
                subject="Lassú bérszámfejtő modul",
            ),
            users,
            "A modul lassúságát a november 5-i frissítés megszüntette.",
        ),
        "last": phone_complaint(users, received_at=dt.datetime(2026, 11, 24, 23, 50, tzinfo=BUDAPEST)),
        "before": phone_complaint(users, received_at=dt.datetime(2026, 10, 31, 23, 30, tzinfo=BUDAPEST)),
        "after": phone_complaint(
            users,
            received_at=dt.datetime(2026, 11, 25, 0, 10, tzinfo=BUDAPEST),  # still 24 November in UTC
        ),
    }


PERIOD = {"start": "2026-11-01", "end": "2026-11-24"}


def _when(value: dt.datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def test_the_inspection_csv_has_one_row_per_complaint_received_in_the_period(users: Any) -> None:
    complaints = _inspection_set(users)

    response = client_for(users["complaint_officer"]).get("/complaints/inspection/csv/", PERIOD)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *data = rows
    assert len(header) == 15 and all(len(row) == 15 for row in data)
    assert [row[0] for row in data] == [
        complaints["first"].number,
        complaints["written"].number,
        complaints["last"].number,
    ]
    first, written, last = (Complaint.objects.get(pk=complaints[key].pk) for key in ("first", "written", "last"))
    row = data[0]
    assert row[1] == "2026. 11. 01. 0:30"
    assert row[3] == "Budapest, telefonos ügyfélszolgálat"
    assert row[4] == "Kovács Éva"
    assert row[5] == "6720 Szeged, Kárász utca 5."
    assert row[7] == "Hibás számla, kétszer terheltek"
    assert row[9] == _when(first.record.taken_at) and HUNGARIAN_DATETIME.match(row[9])
    assert row[11] == "2026. 12. 01. 23:59"  # 30 calendar days from the day of receipt
    assert row[12] == _when(first.answered_at) and HUNGARIAN_DATETIME.match(row[12])
    assert row[14] == _when(first.retain_until)
    with translation.override("hu"):
        assert row[2] == str(Channel.PHONE.label)
        assert row[8] == str(first.get_state_display())
        assert row[10] == str(Outcome.REJECTED.label)
        # answered within the 30 days when the test runs before 1 December 2026, late after it
        assert row[13] == gettext("yes" if first.answered_at <= first.due_at else "no")
    row = data[1]
    assert row[1] == "2026. 11. 02. 10:15"
    assert row[4] == "Szabó Péter"
    assert row[5] == "szabo.peter@ugyfel.example"  # no postal address: the e-mail stands in for it
    assert row[9] == ""  # a written complaint has no record
    row = data[2]
    assert row[1] == "2026. 11. 24. 23:50"
    assert row[12] == "" and last.answered_at is None
    with translation.override("hu"):  # pending: overdue once 24 December 2026 has passed, else empty
        assert row[13] == (gettext("overdue") if last.due_at <= timezone.now() else "")
    assert written.answered_at is not None


def test_the_inspection_pdf_has_each_complaint_with_its_answer_on_pages_of_its_own(users: Any) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    complaints = _inspection_set(users)

    response = client_for(users["executive"]).get("/complaints/inspection/pdf/", PERIOD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = [squeeze(page.extract_text()) for page in PdfReader(BytesIO(response.content)).pages]
    inside = [complaints[key].number for key in ("first", "written", "last")]
    outside = [complaints[key].number for key in ("before", "after")]
    whole = " ".join(pages)
    assert all(number in whole for number in inside)
    assert not any(number in whole for number in outside)
    assert all(number in pages[0] for number in inside)  # the list on the cover page
    # cover + three complaints + two answers, every complaint and every answer starting a new page
    assert len(pages) >= 6
    for page in pages[1:]:
        assert sum(number in page for number in inside) <= 1, page
    for number in inside:
        assert any(number in page for page in pages[1:]), number
    for key, text in (
        ("first", "Panaszát kivizsgáltuk: a számlát egyszer terheltük."),
        ("written", "A modul lassúságát a november 5-i frissítés megszüntette."),
    ):
        number = complaints[key].number
        assert any(text in page and number in page for page in pages[1:]), (key, text)
    assert any("Szabó Péter" in page and "Lassú bérszámfejtő modul" in page for page in pages[1:])


def test_an_inspection_for_a_wrong_period_is_refused(users: Any) -> None:
    client = client_for(users["complaint_officer"])
    assert client.get("/complaints/inspection/csv/", {"start": "2026-11-24", "end": "2026-11-01"}).status_code in (
        400,
        404,
    )
    assert client.get("/complaints/inspection/pdf/", {"start": "2026-11-24", "end": "2026-11-01"}).status_code in (
        400,
        404,
    )


def test_a_tampered_version_on_marking_a_letter_posted_is_a_bad_request_not_a_server_error(users: Any) -> None:
    complaint = walk_to(phone_complaint(users), ComplaintState.DECIDED, users)
    answer = services.prepare_answer(
        complaint=complaint,
        actor=users["complaint_officer"],
        text="Válasz.",
        reasons="Indok.",
        method=AnswerMethod.LETTER,
        postal_address="Kovács Éva\n6720 Szeged, Kárász utca 5.",
    )
    client = Client(raise_request_exception=False)
    client.force_login(users["complaint_officer"])

    response = client.post(page_url(complaint, f"answers/{answer.pk}/posted/"), {"version": "3abc"})

    assert response.status_code == 422
    assert Answer.objects.get(pk=answer.pk).posted_at is None


def test_the_statistics_count_what_the_register_list_shows_each_role(users: Any) -> None:
    """One rule for both: a manager sees the complaints they recorded in the list and in the statistics."""
    manager, officer = users["manager"], users["complaint_officer"]
    phone_complaint(users, actor=manager)
    for _ in range(3):
        phone_complaint(users)  # recorded by the agent
    for user, expected in ((manager, 1), (officer, 4)):
        client = client_for(user)
        listed = client.get("/complaints/").context["page"].paginator.count
        counted = client.get("/complaints/statistics/").context["stats"]["total"]
        assert listed == counted == expected, user.username
    page = client_for(officer).get("/complaints/").content.decode()
    assert "<th>Panaszszám</th>" in page and "Feladatszám" not in page
