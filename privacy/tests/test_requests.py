"""Data-subject requests through their one door: only the data-protection officer acts; every step is on the
append-only timeline; restriction, objection, rectification, completion, refusal and erasure."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import Role
from privacy import services
from privacy.choices import ObjectionDecision, RequestAction, RequestKind, RequestState
from privacy.models import Restriction, SubjectRequest, SubjectRequestEvent
from privacy.tests.factories import subject_request
from privacy.tests.helpers import client_for
from testkit.complaints import phone_complaint
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets.choices import State

pytestmark = pytest.mark.django_db

OTHER_ROLES = [role.value for role in Role if role != Role.DATA_PROTECTION_OFFICER]


@pytest.fixture
def officer(users: Any) -> Any:
    return users["data_protection_officer"]


def url(request: SubjectRequest, rest: str = "") -> str:
    return f"/privacy/requests/{request.year}/{request.sequence}/{rest}"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_can_register_or_act_on_a_request(users, role) -> None:
    request = subject_request(users, requester_name="Kiss Anna")
    actor = users[role]
    with pytest.raises(services.NotAllowed):
        services.request_register(actor=actor, kind=RequestKind.ACCESS, channel="email", requester_name="X")
    calls = [
        lambda: services.request_verify_identity(request=request, actor=actor, method="személyi igazolvány"),
        lambda: services.request_extend(request=request, actor=actor, reason="ok"),
        lambda: services.request_complete(request=request, actor=actor, answer="kész"),
        lambda: services.request_refuse(request=request, actor=actor, reason="nem"),
        lambda: services.request_export(request=request, actor=actor),
    ]
    for call in calls:
        with pytest.raises(services.NotAllowed):
            call()
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED and request.events.count() == 1


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_request_page_answers_403_to_other_roles(users, role) -> None:
    request = subject_request(users, requester_name="Kiss Anna", kind=RequestKind.ERASURE)
    client = client_for(users[role])
    for page in [
        "/privacy/requests/",
        "/privacy/requests/new/",
        url(request),
        url(request, "erase/"),
        url(request, "exports/"),
    ]:
        assert client.get(page).status_code == 403, page
    for page in [url(request, "complete/"), url(request, "export/"), url(request, "erase/"), "/privacy/requests/new/"]:
        assert client.post(page, {"answer": "x", "confirm": "on", "kind": "access"}).status_code == 403, page
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED


def test_the_officer_records_a_request_for_a_contact_found_by_phone(users, officer) -> None:
    contact = ContactFactory(name="Kiss Anna", phone="+36 30 111 2233", email="anna@alfa.example")
    client = client_for(officer)
    found = client.get("/privacy/requests/new/", {"q": "06 30 111 2233"}).content.decode()
    assert "Kiss Anna" in found and f"?contact={contact.pk}" in found
    chosen = client.get("/privacy/requests/new/", {"contact": contact.pk}).content.decode()
    assert 'id="chosen-contact"' in chosen
    response = client.post(
        "/privacy/requests/new/",
        {"contact": contact.pk, "kind": RequestKind.ACCESS, "channel": "email", "details": "Másolatot kérek."},
    )
    request = SubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url(request)
    assert (request.contact, request.requester_email, request.handler) == (contact, "anna@alfa.example", officer)
    page = client.get(url(request)).content.decode()
    assert request.number in page and "Kiss Anna" in page and "Másolatot kérek." in page


def test_a_request_without_contact_or_name_is_refused_and_nothing_is_saved(users, officer) -> None:
    response = client_for(officer).post("/privacy/requests/new/", {"kind": RequestKind.ACCESS, "channel": "email"})
    assert response.status_code == 400
    assert "Válassza ki a kapcsolattartót" in response.content.decode()
    assert not SubjectRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nincs-ilyen", "channel": "email", "requester_name": "X"},
        {"kind": "access", "channel": "email", "requester_email": "nem-email"},
        {"kind": "access", "channel": "email", "requester_name": "X", "received_at": "2026-13-45T99:99"},
        {"kind": "access", "channel": "email", "requester_name": "X", "contact": "99999"},
        {"kind": "access", "channel": "email", "requester_name": "X", "received_at": "2099-01-01T10:00"},
    ],
)
def test_hostile_input_on_the_new_request_form_gives_400_and_saves_nothing(users, officer, data) -> None:
    assert client_for(officer).post("/privacy/requests/new/", data).status_code in (
        400,
        422,
    )  # refused by the form, or by the service
    assert not SubjectRequest.objects.exists()


def test_the_steps_go_on_the_timeline_and_the_request_closes_with_its_answer(users, officer) -> None:
    request = subject_request(users, requester_name="Kiss Anna", kind=RequestKind.RECTIFICATION)
    client = client_for(officer)
    assert (
        client.post(url(request, "verify/"), {"method": "Személyi igazolvány", "version": request.version}).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.identity_verified and request.state == RequestState.IN_PROGRESS
    assert client.post(url(request, "rectify/"), {"note": "Telefonszám javítva"}).status_code == 302
    assert client.post(url(request, "complete/"), {"answer": "Az adatot javítottuk."}).status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED and request.answer == "Az adatot javítottuk."
    assert request.next_check_at is None and request.completed_at is not None
    assert list(request.events.values_list("action", flat=True)) == [
        RequestAction.REGISTER,
        RequestAction.VERIFY_IDENTITY,
        RequestAction.RECTIFY,
        RequestAction.COMPLETE,
    ]
    page = client.get(url(request)).content.decode()
    assert "Telefonszám javítva" in page and "A kérelem lezárult." in page
    # A closed request takes no more steps.
    response = client.post(url(request, "refuse/"), {"reason": "mégsem"})
    assert response.status_code == 409
    request.refresh_from_db()
    assert request.state == RequestState.COMPLETED


def test_a_stale_form_is_refused_with_409(users, officer) -> None:
    request = subject_request(users, requester_name="Kiss Anna")
    old = request.version
    services.request_verify_identity(request=request, actor=officer, method="e-mail")
    response = client_for(officer).post(url(request, "complete/"), {"answer": "kész", "version": old})
    assert response.status_code == 409
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS


def test_refusing_needs_a_reason(users, officer) -> None:
    request = subject_request(users, requester_name="Kiss Anna")
    response = client_for(officer).post(url(request, "refuse/"), {"reason": "  "})
    assert response.status_code == 400
    request = services.request_refuse(request=request, actor=officer, reason="Nem azonosítható a kérelmező.")
    assert request.state == RequestState.REFUSED and request.refusal_reason == "Nem azonosítható a kérelmező."


def test_a_restriction_is_recorded_shown_and_lifted(users, officer) -> None:
    contact = ContactFactory(name="Kiss Anna")
    request = subject_request(users, contact, kind=RequestKind.RESTRICTION)
    with pytest.raises(services.IllegalTransition, match="személyazonosság"):
        services.request_restrict(request=request, actor=officer, reason="Vitatja az adatok pontosságát")
    services.request_verify_identity(request=request, actor=officer, method="e-mail")
    services.request_restrict(request=request, actor=officer, reason="Vitatja az adatok pontosságát")
    restriction = Restriction.objects.get()
    assert restriction.contact == contact and restriction.is_active and restriction.request == request
    page = client_for(officer).get(url(request)).content.decode()
    assert "Vitatja az adatok pontosságát" in page and 'id="restrictions"' in page
    response = client_for(officer).post(url(request, "lift/"), {"restriction": restriction.pk, "reason": "Ellenőrizve"})
    assert response.status_code == 302
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None and restriction.lift_reason == "Ellenőrizve"
    # Another contact's restriction cannot be lifted through this request.
    other = Restriction.objects.create(contact=ContactFactory(), reason="más", set_by=officer)
    response = client_for(officer).post(url(request, "lift/"), {"restriction": other.pk, "reason": "x"})
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.lifted_at is None


def test_an_objection_decision_is_recorded(users, officer) -> None:
    request = subject_request(users, requester_name="Kiss Anna", kind=RequestKind.OBJECTION)
    response = client_for(officer).post(
        url(request, "objection/"), {"decision": ObjectionDecision.UPHELD, "note": "Hírlevél leállítva"}
    )
    assert response.status_code == 302
    event = request.events.get(action=RequestAction.OBJECTION)
    assert event.data["decision"] == ObjectionDecision.UPHELD and event.note == "Hírlevél leállítva"
    with pytest.raises(services.InvalidInput):
        services.request_objection(request=request, actor=officer, decision="talán", note="x")


def test_the_timeline_is_append_only(users) -> None:
    request = subject_request(users, requester_name="Kiss Anna")
    event = request.events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SubjectRequestEvent.objects.all().update(note="x")


def test_erasure_through_the_request_erases_the_person(users, officer) -> None:
    contact = ContactFactory(name="Kiss Anna", email="anna@alfa.example")
    advance(register(users, contact), State.CLOSED, users)
    request = subject_request(users, contact, kind=RequestKind.ERASURE, verified=True)
    client = client_for(officer)
    confirm = client.get(url(request, "erase/")).content.decode()
    assert "nem vonható vissza" in confirm and 'id="erasure-refusal"' not in confirm
    assert client.post(url(request, "erase/"), {"version": request.version}).status_code == 400  # not confirmed
    contact.refresh_from_db()
    assert contact.name == "Kiss Anna"
    response = client.post(url(request, "erase/"), {"version": request.version, "confirm": "on"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.name != "Kiss Anna" and contact.email == ""
    event = request.events.get(action=RequestAction.ERASE)
    assert event.actor == officer and event.data["erased"]
    request.refresh_from_db()
    assert request.is_open  # the officer still answers the requester and completes it


def test_a_refused_erasure_shows_the_reason_and_keeps_the_request_open(users, officer) -> None:
    contact = ContactFactory(name="Kiss Anna", email="anna@alfa.example")
    ticket = register(users, contact)
    phone_complaint(users, contact=contact, complainant_email="anna@alfa.example")
    request = subject_request(users, contact, kind=RequestKind.ERASURE, verified=True)
    client = client_for(officer)
    confirm = client.get(url(request, "erase/")).content.decode()
    assert 'id="erasure-refusal"' in confirm
    response = client.post(url(request, "erase/"), {"version": request.version, "confirm": "on"})
    assert response.status_code == 409
    text = response.content.decode()
    assert "P-2026/" in text or ticket.number in text  # the reason names what keeps the data
    contact.refresh_from_db()
    assert contact.name == "Kiss Anna"
    request.refresh_from_db()
    assert request.is_open
    refused = request.events.get(action=RequestAction.ERASURE_REFUSED)
    assert refused.note and not request.events.filter(action=RequestAction.ERASE).exists()
    # The officer may then refuse the request with that reason.
    services.request_refuse(request=request, actor=officer, reason=refused.note)
    request.refresh_from_db()
    assert request.state == RequestState.REFUSED


def test_the_request_page_is_in_the_access_log(users, officer) -> None:
    from privacy.models import AccessLogEntry

    contact = ContactFactory(name="Kiss Anna")
    request = subject_request(users, contact)
    client_for(officer).get(url(request))
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.contact_id, entry.reference) == (officer, contact.pk, request.number)


@pytest.mark.parametrize(
    "path",
    [
        "/privacy/requests/99999999999999999999999/1/",
        "/privacy/requests/2026/99999999999999999999999/",
        "/privacy/requests/new/?contact=99999999999999999999999",
    ],
)
def test_absurd_numbers_in_addresses_give_no_server_error(users, officer, path) -> None:
    assert client_for(officer).get(path).status_code in (200, 404)
    assert client_for(officer).post("/privacy/exports/99999999999999999999999/download/").status_code == 404
    response = client_for(officer).post(
        "/privacy/requests/new/", {"contact": "99999999999999999999999", "kind": "access", "channel": "email"}
    )
    assert response.status_code == 400
