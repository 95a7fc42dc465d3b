"""The employees a complaint concerns take no part in it until the decision.

They cannot see the complaint, are not offered it in any list or search, cannot be assigned to it and
cannot approve it; after the decision the officer chooses whether they may see it. These tests go
through every complaint page (the list of them is built from complaints/urls.py), the search, the JSON
API, the linked ticket's page, the start page, the inspection export, the services and the deadline
alerts. The UI is Hungarian and its translation is in progress, so they assert on data: complaint
numbers, subjects, names, status codes, JSON, template context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from complaints import deadlines, services
from complaints import urls as complaint_urls
from complaints.choices import Action, AnswerMethod, ComplaintState, Decision, EntryKind
from complaints.forms import STEP_FORMS, AssignForm, offered_steps
from complaints.models import Answer, Complaint
from testkit.complaints import pdf_text, phone_complaint, walk_to
from testkit.factories import user_with_role
from testkit.workflow import register

pytestmark = pytest.mark.django_db

SUBJECT = "Hibás számla, kétszer terheltek"
OTHER_SUBJECT = "Hibás számla, késedelmi kamat"
COMPLAINANT = "Kovács Éva"
# The employees a complaint can concern, as named in the `people` fixture.
CONCERNABLE = ["agent", "officer2", "executive2"]
# The employees who follow the whole register (officers and executives), as opposed to the desk's agents.
FOLLOWERS = {"officer2", "executive2", "complaint_officer", "executive", "bystander"}


@pytest.fixture
def people(users: dict[str, Any]) -> dict[str, Any]:
    """The standard users, plus a second officer and a second executive (one of each can be concerned while
    the standard ones handle the complaint), an officer who has nothing to do with it, and a second agent."""
    return {
        **users,
        "officer2": user_with_role(Role.COMPLAINT_OFFICER, username="officer2"),
        "executive2": user_with_role(Role.EXECUTIVE, username="executive2"),
        "bystander": user_with_role(Role.COMPLAINT_OFFICER, username="bystander"),
        "agent2": user_with_role(Role.AGENT, username="agent2"),
    }


def document() -> SimpleUploadedFile:
    return SimpleUploadedFile("bankszamlakivonat.pdf", b"%PDF-1.4 kivonat", content_type="application/pdf")


def recorded(people: dict[str, Any], **overrides: Any) -> Complaint:
    """A phone complaint recorded by the agent (unless `actor` says otherwise), with a record and a document."""
    overrides.setdefault("documents", [document()])
    return phone_complaint(people, **overrides)


def concern(complaint: Complaint, people: dict[str, Any], *names: str) -> Complaint:
    """The complaint's officer (or the standard officer) names the employees concerned."""
    return services.set_concerned(
        complaint=complaint, actor=people["complaint_officer"], employees=[people[name] for name in names]
    )


def as_user(client: Client, user: Any) -> Client:
    client.logout()
    client.force_login(user)
    return client


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        # The test client closes the response once its content is read (closing it again would close
        # the test database connection through request_finished).
        return b"".join(response.streaming_content)
    return response.content


def leaks(response: Any, complaint: Complaint) -> bool:
    content = body(response)
    return complaint.number.encode() in content or complaint.subject.encode() in content


# --- every complaint URL, from complaints/urls.py -------------------------------------------------------

# Complaint URLs that do not address one complaint; each is tested on its own below (or shows no complaint).
NOT_ADDRESSING_ONE_COMPLAINT = {
    "list": "the register and its search: test_the_register_and_its_search_*",
    "record": "the empty form for recording a complaint",
    "public_form": "the public web form for a new complaint; it shows only the number it just gave out",
    "from_ticket": "addressed by the ticket's year and sequence, not the complaint's",
    "statistics": "counts only, nobody named",
    "export_csv": "test_the_start_page_and_the_inspection_export_leave_out_*",
    "export_pdf": "test_the_start_page_and_the_inspection_export_leave_out_*",
}
# Views that only accept POST.
POSTED = {"step", "answer_posted"}
# What the `pk` of a URL names.
PK_NAMES = {"answer_pdf": "answer", "answer_posted": "answer", "entry_file": "entry"}


@dataclass(frozen=True)
class Probe:
    name: str
    method: str
    url: str
    ghost: str  # the same URL for a complaint (answer, file) that does not exist

    def send(self, client: Client) -> Any:
        if self.method == "post":
            return client.post(self.url, {})  # an empty form: invalid, so nothing changes for anyone
        return client.get(self.url)

    def send_to_ghost(self, client: Client) -> Any:
        return client.post(self.ghost, {}) if self.method == "post" else client.get(self.ghost)


def probes(complaint: Complaint) -> list[Probe]:
    """One request for every URL of complaints/urls.py that addresses this complaint (or its answer or file).

    A URL pattern this function does not know makes the calling test fail, so a new page cannot be forgotten.
    """
    answer = complaint.answers.order_by("-id").first()
    entry = complaint.entries.exclude(file="").order_by("id").first()
    targets = {"answer": answer, "entry": entry}
    result = []
    for pattern in complaint_urls.urlpatterns:
        name = pattern.name
        if name in NOT_ADDRESSING_ONE_COMPLAINT:
            continue
        params = set(pattern.pattern.converters)
        assert params, f"complaints:{name} is new: add it to NOT_ADDRESSING_ONE_COMPLAINT or give it parameters"
        assert params <= {"year", "sequence", "step", "pk"}, f"complaints:{name} has unknown parameters {params}"
        target = None
        if "pk" in params:
            assert name in PK_NAMES, f"complaints:{name} is new: say in PK_NAMES what its pk names"
            target = targets[PK_NAMES[name]]
            if target is None:
                continue
        for step in sorted(STEP_FORMS) if "step" in params else [None]:
            real: dict[str, Any] = {}
            ghost: dict[str, Any] = {}
            if "year" in params:
                real |= {"year": complaint.year, "sequence": complaint.sequence}
                ghost |= {"year": 1999, "sequence": 99999}
            if step is not None:
                real["step"] = ghost["step"] = step
            if target is not None:
                real["pk"], ghost["pk"] = target.pk, 999_999
            label = f"{name}:{step}" if step else name
            method = "post" if name in POSTED else "get"
            result.append(
                Probe(
                    label,
                    method,
                    reverse(f"complaints:{name}", kwargs=real),
                    reverse(f"complaints:{name}", kwargs=ghost),
                )
            )
    return result


def prepared_letter(complaint: Complaint, people: dict[str, Any]) -> Answer:
    return services.prepare_answer(
        complaint=complaint,
        actor=people["complaint_officer"],
        text="Panaszát kivizsgáltuk.",
        reasons="A bank kivonata egy terhelést mutat.",
        method=AnswerMethod.LETTER,
        postal_address="Kovács Éva\n6720 Szeged, Kárász utca 5.",
    )


def test_every_complaint_url_is_probed_by_the_concealment_tests(people: dict[str, Any]) -> None:
    complaint = walk_to(recorded(people), ComplaintState.DECIDED, people)
    prepared_letter(complaint, people)

    names = {probe.name.split(":")[0] for probe in probes(complaint)}
    all_names = {pattern.name for pattern in complaint_urls.urlpatterns}
    assert set(NOT_ADDRESSING_ONE_COMPLAINT) <= all_names, "a URL listed as not addressing a complaint is gone"
    assert names == all_names - set(NOT_ADDRESSING_ONE_COMPLAINT)
    assert {probe.name for probe in probes(complaint) if probe.name.startswith("step:")} == {
        f"step:{step}" for step in STEP_FORMS
    }
    assert {"detail", "record_pdf", "entry_file", "answer_pdf", "answer_posted"} <= names


def assert_hidden(client: Client, user: Any, name: str, complaint: Complaint, probe_list: list[Probe]) -> None:
    """Every URL answers the concerned employee as if the complaint did not exist: 404 (an agent, who never
    opens answers, gets the same 403 there as for a complaint that does not exist), and shows nothing of it."""
    as_user(client, user)
    for probe in probe_list:
        response = probe.send(client)
        ghost = probe.send_to_ghost(client).status_code
        if name in FOLLOWERS:
            assert response.status_code == 404, f"{probe.name} {probe.url}: {response.status_code}"
        else:
            assert response.status_code in (403, 404), f"{probe.name} {probe.url}: {response.status_code}"
            assert response.status_code == ghost, f"{probe.name}: {response.status_code}, not as a missing one"
        assert not leaks(response, complaint), probe.name


def assert_open_to_the_bystander(client: Client, people: dict[str, Any], probe_list: list[Probe]) -> None:
    """An officer the complaint does not concern reaches every URL: pages and files 200, an empty step form
    400, a stale 'posted' 409; never 404."""
    as_user(client, people["bystander"])
    expected = {"detail": 200, "record_pdf": 200, "entry_file": 200, "answer_pdf": 200, "answer_posted": 409}
    for probe in probe_list:
        response = probe.send(client)
        body(response)
        name = probe.name.split(":")[0]
        assert response.status_code == expected.get(name, 400), f"{probe.name} {probe.url}: {response.status_code}"


@pytest.mark.parametrize("name", CONCERNABLE)
def test_a_concerned_employee_gets_404_from_every_complaint_url_before_the_decision(
    name: str, people: dict[str, Any], client: Client
) -> None:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    probe_list = probes(complaint)
    assert {"detail", "record_pdf", "entry_file"} <= {probe.name for probe in probe_list}

    # Before being named, the agent who recorded it, and any officer or executive, can open it.
    as_user(client, people[name])
    assert client.get(reverse("complaints:detail", args=[complaint.year, complaint.sequence])).status_code == 200
    assert client.get(reverse("complaints:record_pdf", args=[complaint.year, complaint.sequence])).status_code == 200

    complaint = concern(complaint, people, name)
    assert_hidden(client, people[name], name, complaint, probe_list)
    assert_open_to_the_bystander(client, people, probe_list)

    # Awaiting the executives' decision it is still hidden.
    complaint = walk_to(complaint, ComplaintState.PROPOSED, people)
    assert_hidden(client, people[name], name, complaint, probes(complaint))
    assert_open_to_the_bystander(client, people, probes(complaint))


@pytest.mark.parametrize("name", CONCERNABLE)
def test_a_concerned_employee_gets_404_from_the_answer_urls_after_the_decision_unless_allowed(
    name: str, people: dict[str, Any], client: Client
) -> None:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    complaint = concern(complaint, people, name)
    complaint = walk_to(complaint, ComplaintState.DECIDED, people)
    prepared_letter(complaint, people)
    probe_list = probes(complaint)
    assert {"answer_pdf", "answer_posted"} <= {probe.name for probe in probe_list}

    assert_hidden(client, people[name], name, complaint, probe_list)
    assert_open_to_the_bystander(client, people, probe_list)
    assert Complaint.objects.get(pk=complaint.pk).state == ComplaintState.DECIDED  # no probe posted the letter


def test_a_concerned_executive_cannot_approve_through_the_page(people: dict[str, Any], client: Client) -> None:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    complaint = concern(complaint, people, "executive2")
    complaint = walk_to(complaint, ComplaintState.PROPOSED, people)

    as_user(client, people["executive2"])
    response = client.post(
        reverse("complaints:step", args=[complaint.year, complaint.sequence, "decide"]),
        {
            "decide-version": complaint.version,
            "decide-decision": Decision.APPROVED,
            "decide-reason": "Rendben.",
            "decide-outcome": "",
            "decide-resolution": "",
        },
    )
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.PROPOSED and complaint.decided_at is None
    assert not complaint.proposals.exclude(decision="").exists()


def test_a_concerned_officer_cannot_add_to_the_investigation_through_the_page(
    people: dict[str, Any], client: Client
) -> None:
    complaint = concern(recorded(people), people, "officer2")  # nobody has taken it yet
    as_user(client, people["officer2"])
    response = client.post(
        reverse("complaints:step", args=[complaint.year, complaint.sequence, "entry"]),
        {"entry-version": complaint.version, "entry-kind": EntryKind.FINDING, "entry-text": "Megnéztem."},
    )
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.officer is None and complaint.state == ComplaintState.RECORDED
    assert not complaint.entries.filter(kind=EntryKind.FINDING).exists()


# --- the register and its search ----------------------------------------------------------------------


def two_complaints(people: dict[str, Any], concerned: str) -> tuple[Complaint, Complaint]:
    """Two complaints of the same complainant, both recorded by the agent; only the first concerns `concerned`."""
    hidden = recorded(people, subject=SUBJECT)
    other = recorded(people, subject=OTHER_SUBJECT)
    return concern(hidden, people, concerned), other


def shown(response: Any, complaint: Complaint) -> bool:
    """The page links to the complaint or shows its subject (the search box may echo a typed number)."""
    content = response.content.decode()
    link = reverse("complaints:detail", args=[complaint.year, complaint.sequence])
    return f'href="{link}"' in content or complaint.subject in content


def listed(response: Any) -> list[str]:
    assert response.status_code == 200
    return sorted(complaint.number for complaint in response.context["page"].object_list)


@pytest.mark.parametrize("name", CONCERNABLE)
def test_the_register_and_its_search_do_not_offer_the_complaint_to_the_employee_it_concerns(
    name: str, people: dict[str, Any], client: Client
) -> None:
    hidden, other = two_complaints(people, name)
    searches = {
        "": [other.number],
        "Hibás": [other.number],  # a word of both subjects
        "terheltek": [],  # a word of the hidden one's subject only
        hidden.number: [],
        COMPLAINANT: [other.number],
        "kovacs.eva@ugyfel": [other.number],
    }
    for query, expected in searches.items():
        as_user(client, people[name])
        response = client.get("/complaints/", {"q": query} if query else {})
        assert listed(response) == expected, query
        assert not shown(response, hidden), query

        partial = client.get("/complaints/", {"q": query}, headers={"HX-Request": "true", "HX-Target": "results"})
        assert "complaints/partials/_results.html" in [template.name for template in partial.templates]
        assert "complaints/list.html" not in [template.name for template in partial.templates]
        assert listed(partial) == expected, query
        assert not shown(partial, hidden), query

        as_user(client, people["bystander"])
        seen = client.get("/complaints/", {"q": query} if query else {})
        assert hidden.number in listed(seen) and shown(seen, hidden), query
        seen_partial = client.get("/complaints/", {"q": query}, headers={"HX-Request": "true", "HX-Target": "results"})
        assert hidden.number in listed(seen_partial) and shown(seen_partial, hidden), query


def test_the_agent_who_recorded_the_complaint_finds_it_in_the_register_until_named(
    people: dict[str, Any], client: Client
) -> None:
    complaint = recorded(people)
    as_user(client, people["agent"])
    assert listed(client.get("/complaints/", {"q": complaint.number})) == [complaint.number]
    concern(complaint, people, "agent")
    assert listed(client.get("/complaints/", {"q": complaint.number})) == []
    assert listed(client.get("/complaints/", {"state": ComplaintState.RECORDED})) == []


# --- the JSON API ---------------------------------------------------------------------------------------


def api_numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == len(data["items"])
    return sorted(item["number"] for item in data["items"])


@pytest.mark.parametrize("name", CONCERNABLE)
def test_the_api_neither_lists_nor_finds_nor_returns_the_complaint_for_the_employee_it_concerns(
    name: str, people: dict[str, Any], client: Client
) -> None:
    hidden, other = two_complaints(people, name)
    detail = f"/api/v1/complaints/{hidden.year}/{hidden.sequence}"

    as_user(client, people[name])
    assert api_numbers(client.get("/api/v1/complaints/")) == [other.number]
    assert api_numbers(client.get("/api/v1/complaints/", {"q": "Hibás"})) == [other.number]
    assert api_numbers(client.get("/api/v1/complaints/", {"q": hidden.number})) == []
    assert api_numbers(client.get("/api/v1/complaints/", {"q": COMPLAINANT})) == [other.number]
    assert api_numbers(client.get("/api/v1/complaints/", {"state": ComplaintState.RECORDED})) == [other.number]
    response = client.get(detail)
    assert response.status_code == 404 and not leaks(response, hidden)
    assert client.get(f"/api/v1/complaints/{other.year}/{other.sequence}").json()["number"] == other.number

    as_user(client, people["bystander"])
    assert api_numbers(client.get("/api/v1/complaints/", {"q": hidden.number})) == [hidden.number]
    assert hidden.number in api_numbers(client.get("/api/v1/complaints/", {"q": COMPLAINANT}))
    seen = client.get(detail)
    assert seen.status_code == 200
    assert seen.json()["number"] == hidden.number and seen.json()["complainant_name"] == COMPLAINANT


def test_the_api_refuses_an_anonymous_request_and_shows_nothing_of_the_register(
    people: dict[str, Any], client: Client
) -> None:
    complaint = recorded(people)
    for url in (
        "/api/v1/complaints/",
        f"/api/v1/complaints/?q={complaint.number}",
        f"/api/v1/complaints/{complaint.year}/{complaint.sequence}",
    ):
        response = client.get(url)
        # The site-wide LoginRequiredMiddleware answers before the API's own django_auth (which would say 401).
        assert response.status_code in (401, 302), url
        if response.status_code == 302:
            assert response["Location"].startswith("/login/"), url
        assert not leaks(response, complaint) and COMPLAINANT.encode() not in response.content, url


# --- the linked ticket ----------------------------------------------------------------------------------


def ticket_page(client: Client, ticket: Any) -> str:
    response = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_linked_tickets_page_hides_the_complaint_number_from_the_concerned_agent(
    people: dict[str, Any], contact: Any, client: Client
) -> None:
    ticket = register(people, contact)
    hidden = phone_complaint(people, ticket=ticket, contact=contact)
    other = phone_complaint(people, ticket=ticket, contact=contact, subject=OTHER_SUBJECT)

    as_user(client, people["agent"])
    before = ticket_page(client, ticket)
    assert hidden.number in before and other.number in before

    concern(hidden, people, "agent")
    after = ticket_page(client, ticket)
    assert hidden.number not in after
    assert other.number in after  # the complaints section is there; only the concerning one is left out

    as_user(client, people["bystander"])
    assert hidden.number in ticket_page(client, ticket)
    as_user(client, people["officer2"])
    assert hidden.number in ticket_page(client, ticket)


def test_the_linked_tickets_page_shows_the_complaint_to_the_uninvolved_agent_who_recorded_it(
    people: dict[str, Any], contact: Any, client: Client
) -> None:
    ticket = register(people, contact)
    complaint = phone_complaint(people, ticket=ticket, contact=contact, actor=people["agent2"])
    concern(complaint, people, "agent")

    as_user(client, people["agent2"])
    assert complaint.number in ticket_page(client, ticket)
    as_user(client, people["agent"])
    assert complaint.number not in ticket_page(client, ticket)


def test_a_concerned_officer_does_not_see_the_complaint_on_the_linked_tickets_page(
    people: dict[str, Any], contact: Any, client: Client
) -> None:
    ticket = register(people, contact)
    complaint = phone_complaint(people, ticket=ticket, contact=contact)
    as_user(client, people["officer2"])
    assert complaint.number in ticket_page(client, ticket)
    concern(complaint, people, "officer2")
    assert complaint.number not in ticket_page(client, ticket)


# --- the start page and the inspection export ------------------------------------------------------------


def test_the_start_page_and_the_inspection_export_leave_out_the_complaint_for_a_concerned_executive(
    people: dict[str, Any], client: Client
) -> None:
    now = timezone.now()
    overdue = recorded(people, received_at=now - dt.timedelta(days=40))
    due_soon = recorded(people, received_at=now - dt.timedelta(days=28), subject=OTHER_SUBJECT)
    overdue = concern(overdue, people, "executive2")
    assert overdue.due_at < now and due_soon.warn_at <= now < due_soon.due_at

    today = timezone.localdate()
    period = {"start": (today - dt.timedelta(days=60)).isoformat(), "end": today.isoformat()}
    seen = {}
    for name in ("executive", "executive2"):
        as_user(client, people[name])
        home = client.get("/")
        assert home.status_code == 200
        counts = home.context["complaint_counts"]
        csv_response = client.get("/complaints/inspection/csv/", period)
        pdf_response = client.get("/complaints/inspection/pdf/", period)
        assert csv_response.status_code == 200 and pdf_response.status_code == 200
        seen[name] = (dict(counts), csv_response.content.decode("utf-8-sig"), pdf_text(pdf_response.content))

    counts, csv_text, pdf = seen["executive"]
    assert counts == {"open": 2, "soon": 1, "overdue": 1}
    assert overdue.number in csv_text and due_soon.number in csv_text
    assert overdue.number in pdf and due_soon.number in pdf

    counts, csv_text, pdf = seen["executive2"]
    assert counts == {"open": 1, "soon": 1, "overdue": 0}
    assert overdue.number not in csv_text and SUBJECT not in csv_text
    assert due_soon.number in csv_text
    assert overdue.number not in pdf and due_soon.number in pdf


def test_the_inspection_export_leaves_out_the_complaint_for_a_concerned_officer(
    people: dict[str, Any], client: Client
) -> None:
    hidden, other = two_complaints(people, "officer2")
    today = timezone.localdate()
    as_user(client, people["officer2"])
    response = client.get("/complaints/inspection/csv/", {"start": today.isoformat(), "end": today.isoformat()})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert other.number in text and hidden.number not in text
    as_user(client, people["officer2"])
    assert client.get("/").context["complaint_counts"]["open"] == 1


# --- the services ---------------------------------------------------------------------------------------


def test_a_concerned_officer_cannot_be_assigned_nor_is_offered_in_the_assign_form(people: dict[str, Any]) -> None:
    complaint = concern(recorded(people), people, "officer2")

    offered = set(AssignForm(complaint=complaint).fields["officer"].queryset)
    assert people["officer2"] not in offered
    assert {people["complaint_officer"], people["bystander"]} <= offered

    for actor in ("complaint_officer", "executive"):
        with pytest.raises(services.InvalidInput):
            services.assign_officer(complaint=complaint, actor=people[actor], officer=people["officer2"])
    complaint.refresh_from_db()
    assert complaint.officer is None and not complaint.events.filter(action=Action.ASSIGN).exists()

    # The same step for an uninvolved officer goes through.
    services.assign_officer(complaint=complaint, actor=people["executive"], officer=people["bystander"])
    complaint.refresh_from_db()
    assert complaint.officer == people["bystander"]


def test_a_concerned_officer_cannot_take_the_complaint_themselves(people: dict[str, Any]) -> None:
    complaint = concern(recorded(people), people, "officer2")
    assert not services.may_investigate(complaint, people["officer2"])
    assert services.may_investigate(complaint, people["bystander"])
    with pytest.raises(services.NotAllowed):
        services.assign_officer(complaint=complaint, actor=people["officer2"], officer=people["officer2"])
    complaint.refresh_from_db()
    assert complaint.officer is None


def test_the_complaints_own_officer_cannot_be_named_concerned(people: dict[str, Any]) -> None:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    assert complaint.officer == people["complaint_officer"]
    for actor in ("complaint_officer", "executive"):
        with pytest.raises(services.InvalidInput):
            services.set_concerned(
                complaint=complaint, actor=people[actor], employees=[people["agent"], people["complaint_officer"]]
            )
    complaint.refresh_from_db()
    assert list(complaint.concerned.all()) == []
    assert not complaint.events.filter(action=Action.CONCERNED).exists()


def test_a_concerned_executive_cannot_decide_and_is_offered_no_step(people: dict[str, Any], client: Client) -> None:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    complaint = concern(complaint, people, "executive2")
    complaint = walk_to(complaint, ComplaintState.PROPOSED, people)

    assert offered_steps(people["executive2"], complaint) == []
    assert "decide" in offered_steps(people["executive"], complaint)
    for decision in Decision.values:
        with pytest.raises(services.NotAllowed):
            services.decide(
                complaint=complaint,
                actor=people["executive2"],
                decision=decision,
                reason="Rendben.",
                outcome="upheld",
                resolution="Visszatérítjük.",
            )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.PROPOSED and complaint.decided_at is None
    as_user(client, people["executive2"])
    assert client.get(reverse("complaints:detail", args=[complaint.year, complaint.sequence])).status_code == 404

    # The uninvolved executive decides.
    services.decide(complaint=complaint, actor=people["executive"], decision=Decision.APPROVED, reason="Rendben.")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.DECIDED


def test_a_concerned_officer_cannot_add_entries_propose_or_set_aside(people: dict[str, Any]) -> None:
    complaint = concern(recorded(people), people, "officer2")  # unassigned: any other officer could take it
    officer2 = people["officer2"]
    with pytest.raises(services.NotAllowed):
        services.add_entry(complaint=complaint, actor=officer2, kind=EntryKind.FINDING, text="Megnéztem.")
    with pytest.raises(services.NotAllowed):
        services.propose(complaint=complaint, actor=officer2, outcome="rejected", resolution="Nem.", reasons="Mert.")
    with pytest.raises(services.NotAllowed):
        services.set_aside(complaint=complaint, actor=officer2, reason="repeated", note="P-2026/00001")
    complaint.refresh_from_db()
    assert complaint.officer is None and complaint.state == ComplaintState.RECORDED
    assert not complaint.entries.filter(author=officer2).exists()

    services.add_entry(complaint=complaint, actor=people["bystander"], kind=EntryKind.FINDING, text="Megnéztem.")
    complaint.refresh_from_db()
    assert complaint.officer == people["bystander"]


@pytest.mark.parametrize("name", ["officer2", "executive2"])
def test_a_concerned_employee_cannot_lift_or_change_the_concern(name: str, people: dict[str, Any]) -> None:
    complaint = concern(recorded(people), people, name, "agent")
    for employees in ([], [people["agent"]], [people[name], people["bystander"]]):
        with pytest.raises(services.NotAllowed):
            services.set_concerned(complaint=complaint, actor=people[name], employees=employees)
    complaint.refresh_from_db()
    assert set(complaint.concerned.all()) == {people[name], people["agent"]}


# --- the deadline alerts --------------------------------------------------------------------------------


def recipients(smtp_server: Any) -> set[str]:
    return {address.strip() for message in smtp_server.messages for address in message["X-Envelope-To"].split(",")}


def test_the_deadline_warning_and_escalation_are_not_mailed_to_a_concerned_officer_or_executive(
    people: dict[str, Any], smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = recorded(people, complainant_email="")  # no acknowledgement to the complainant
    complaint = concern(complaint, people, "officer2", "executive2")
    assert complaint.officer is None  # nobody has taken it: the warning goes to every complaint officer...

    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.sweep(complaint.warn_at + dt.timedelta(minutes=1)) == 1
    warned = recipients(smtp_server)
    assert people["complaint_officer"].email in warned and people["bystander"].email in warned
    assert people["officer2"].email not in warned  # ...except the one it concerns
    warning = complaint.events.get(action=Action.DEADLINE_WARNING)
    assert people["officer2"].display_name not in warning.data["told"]

    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.sweep(complaint.due_at + dt.timedelta(minutes=1)) == 1
    escalated = recipients(smtp_server)
    assert people["executive"].email in escalated and people["complaint_officer"].email in escalated
    assert people["executive2"].email not in escalated and people["officer2"].email not in escalated
    escalation = complaint.events.get(action=Action.DEADLINE_BREACH)
    assert people["executive2"].display_name not in escalation.data["told"]
    assert people["officer2"].display_name not in escalation.data["told"]


def test_the_escalation_of_an_assigned_complaint_skips_the_concerned_executive(
    people: dict[str, Any], smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = walk_to(recorded(people, complainant_email=""), ComplaintState.INVESTIGATING, people)
    complaint = concern(complaint, people, "executive2")
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.sweep(complaint.due_at + dt.timedelta(minutes=1))
    told = recipients(smtp_server)
    assert told == {people["executive"].email, people["complaint_officer"].email}


# --- after the decision ---------------------------------------------------------------------------------


def decided_concerning(people: dict[str, Any], name: str) -> Complaint:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    complaint = concern(complaint, people, name)
    return walk_to(complaint, ComplaintState.DECIDED, people)


def sees(client: Client, user: Any, complaint: Complaint) -> dict[str, bool]:
    as_user(client, user)
    page = client.get(reverse("complaints:detail", args=[complaint.year, complaint.sequence]))
    assert page.status_code in (200, 404)
    api = client.get(f"/api/v1/complaints/{complaint.year}/{complaint.sequence}")
    assert api.status_code in (200, 404)
    return {
        "page": page.status_code == 200,
        "list": complaint.number in listed(client.get("/complaints/", {"q": COMPLAINANT})),
        "api": api.status_code == 200,
        "api list": complaint.number in api_numbers(client.get("/api/v1/complaints/", {"q": complaint.number})),
    }


NOTHING = {"page": False, "list": False, "api": False, "api list": False}
EVERYTHING = {"page": True, "list": True, "api": True, "api list": True}


@pytest.mark.parametrize("name", CONCERNABLE)
def test_after_the_decision_the_concerned_employee_sees_the_complaint_only_when_the_officer_allows_it(
    name: str, people: dict[str, Any], client: Client
) -> None:
    complaint = decided_concerning(people, name)
    assert complaint.decided_at is not None and not complaint.concerned_may_see
    assert sees(client, people[name], complaint) == NOTHING  # the default: still hidden

    services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=False)
    assert sees(client, people[name], complaint) == NOTHING

    services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=True)
    assert sees(client, people[name], complaint) == EVERYTHING
    as_user(client, people[name])
    page = client.get(reverse("complaints:detail", args=[complaint.year, complaint.sequence]))
    assert complaint.number in page.content.decode() and SUBJECT in page.content.decode()

    services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=False)
    assert sees(client, people[name], complaint) == NOTHING


def test_the_officer_cannot_let_the_concerned_see_the_complaint_before_the_decision(people: dict[str, Any]) -> None:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    complaint = concern(complaint, people, "officer2")
    complaint = walk_to(complaint, ComplaintState.PROPOSED, people)
    with pytest.raises(services.IllegalTransition):
        services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=True)
    complaint.refresh_from_db()
    assert not complaint.concerned_may_see


def test_a_rejected_proposal_is_not_a_decision_so_the_complaint_stays_hidden(
    people: dict[str, Any], client: Client
) -> None:
    complaint = walk_to(recorded(people), ComplaintState.INVESTIGATING, people)
    complaint = concern(complaint, people, "officer2")
    complaint = walk_to(complaint, ComplaintState.PROPOSED, people)
    complaint = services.decide(
        complaint=complaint, actor=people["executive"], decision=Decision.REJECTED, reason="Vizsgálják tovább."
    )
    assert complaint.state == ComplaintState.INVESTIGATING and complaint.decided_at is None
    assert sees(client, people["officer2"], complaint) == NOTHING
    with pytest.raises(services.InvalidInput):
        services.assign_officer(complaint=complaint, actor=people["executive"], officer=people["officer2"])


def test_after_the_answer_the_allowed_employee_still_sees_the_complaint(people: dict[str, Any], client: Client) -> None:
    complaint = decided_concerning(people, "officer2")
    services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=True)
    answer = prepared_letter(Complaint.objects.get(pk=complaint.pk), people)
    complaint = services.answer_posted(answer=answer, actor=people["complaint_officer"])
    assert complaint.state == ComplaintState.ANSWERED
    assert sees(client, people["officer2"], complaint) == EVERYTHING
    assert sees(client, people["executive2"], complaint) == EVERYTHING  # never concerned


@pytest.mark.parametrize("name", ["officer2", "executive2"])
def test_after_the_decision_a_concerned_employee_cannot_take_themselves_off_the_list_to_overrule_the_officer(
    name: str, people: dict[str, Any], client: Client
) -> None:
    """After the decision, what they may see is the officer's choice: not theirs, by lifting the concern."""
    complaint = decided_concerning(people, name)
    complaint = services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=True)

    # Allowed to look, the employee concerned submits the "employees concerned" step with nobody ticked.
    as_user(client, people[name])
    client.post(
        reverse("complaints:step", args=[complaint.year, complaint.sequence, "concerned"]),
        {"concerned-version": complaint.version},
    )
    # The officer then withdraws the permission: the employee concerned must be shut out again.
    complaint.refresh_from_db()
    services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=False)
    assert sees(client, people[name], complaint) == NOTHING
    assert list(complaint.concerned.all()) == [people[name]]


@pytest.mark.parametrize("name", ["officer2", "executive2"])
def test_after_the_decision_the_concerned_step_is_neither_offered_to_nor_accepted_from_the_employee_concerned(
    name: str, people: dict[str, Any]
) -> None:
    complaint = decided_concerning(people, name)
    complaint = services.set_visibility(complaint=complaint, actor=people["complaint_officer"], may_see=True)
    assert "concerned" in offered_steps(people["complaint_officer"], complaint)

    assert "concerned" not in offered_steps(people[name], complaint)
    with pytest.raises(services.NotAllowed):
        services.set_concerned(complaint=complaint, actor=people[name], employees=[])
    complaint.refresh_from_db()
    assert list(complaint.concerned.all()) == [people[name]]
