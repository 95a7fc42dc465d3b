"""The ticket pages as each role sees them: access, step forms, errors, concurrent edits, query counts."""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from testkit.factories import ContactFactory, ModuleFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

ROLES = ["agent", "manager", "dispatcher", "executor", "complaint_officer", "executive", "administrator"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.year, ticket.sequence])


def step_url(ticket: Ticket, step: str) -> str:
    return reverse("tickets:step", args=[ticket.year, ticket.sequence, step])


def test_logging_out_ends_the_session(users):
    client = client_for(users["agent"])
    assert client.get("/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/")["Location"].startswith("/login/")


def test_anonymous_visitor_is_sent_to_the_login_page():
    for url in ("/", "/tickets/", "/intake/oral/", "/tickets/2026/1/", "/intake/feedback/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_logs_in_and_gets_its_start_page(role, users):
    client = Client()
    response = client.post("/login/", {"username": users[role].username, "password": "Jelszo-2026!"})
    assert response.status_code == 302
    page = client.get("/", follow=True)
    assert page.status_code == 200
    assert users[role].display_name in page.content.decode()
    # Roles that must use two-factor login set up their authenticator first (accounts.two_factor).
    enrolment = [("/account/two-factor/", 302)] if role in ("administrator", "data_protection_officer") else []
    assert page.redirect_chain == enrolment


PAGE_ACCESS = {
    # url: roles that may open it (others: 403)
    "/tickets/": {"agent", "manager", "dispatcher", "executor", "complaint_officer"},
    "/intake/oral/": {"agent", "manager"},
    "/intake/written/": {"agent", "manager"},
    "/intake/feedback/": {"agent", "manager"},
    "/intake/contacts/?q=kov": {"agent", "manager", "administrator"},  # administrators keep the contacts
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", list(PAGE_ACCESS))
def test_pages_open_only_for_roles_that_use_them(url, role, users):
    response = client_for(users[role]).get(url)
    assert response.status_code == (200 if role in PAGE_ACCESS[url] else 403)


@pytest.mark.parametrize("role", ROLES)
def test_ticket_page_and_its_pdf_are_reachable_only_by_who_may_see_the_ticket(role, users, contact):
    ticket = advance(register(users, contact), State.ASSIGNED, users)
    others = register(users, contact)  # not assigned to anybody
    client = client_for(users[role])
    sees_all = role in {"agent", "manager", "dispatcher", "complaint_officer"}
    assert client.get(detail_url(ticket)).status_code == (200 if sees_all or role == "executor" else 404)
    assert client.get(detail_url(others)).status_code == (200 if sees_all else 404)
    pdf = client.get(reverse("tickets:pdf", args=[others.year, others.sequence]))
    assert pdf.status_code == (200 if sees_all else 404)


def test_executor_lists_only_the_tickets_assigned_to_them(users, contact):
    mine = advance(register(users, contact, subject="Az enyém"), State.ASSIGNED, users)
    register(users, contact, subject="Másé")
    page = client_for(users["executor"]).get("/tickets/").content.decode()
    assert mine.number in page and "Másé" not in page
    assert client_for(users["other_executor"]).get(detail_url(mine)).status_code == 404


def test_ticket_page_offers_only_the_steps_this_user_may_take_now(users, contact):
    ticket = register(users, contact)
    agent_page = client_for(users["agent"]).get(detail_url(ticket)).content.decode()
    assert f'action="{step_url(ticket, "verify")}"' in agent_page
    assert f'action="{step_url(ticket, "reject")}"' in agent_page
    assert f'action="{step_url(ticket, "close")}"' not in agent_page
    dispatcher_page = client_for(users["dispatcher"]).get(detail_url(ticket)).content.decode()
    assert "/steps/" not in dispatcher_page


def test_agent_verifies_through_the_page_and_the_timeline_shows_it(users, contact):
    ticket = register(users, contact)
    client = client_for(users["agent"])
    response = client.post(
        step_url(ticket, "verify"),
        {"verify-version": ticket.version, "verify-call_summary": "Visszahívva, valós hiba.", "verify-note": ""},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.VERIFIED
    page = client.get(detail_url(ticket)).content.decode()
    assert "Visszahívva, valós hiba." in page


def test_illegal_step_posted_by_hand_is_refused_with_a_message_and_changes_nothing(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    response = client_for(users["agent"]).post(step_url(ticket, "close"), {"close-version": ticket.version})
    assert response.status_code == 409  # an illegal step: 409, as in the API
    assert "Lezárás" in response.content.decode()
    response = client_for(users["executor"]).post(step_url(ticket, "verify"), {"verify-version": ticket.version})
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).state == State.IN_PROGRESS


def test_wrong_form_data_shows_errors_and_keeps_what_was_typed(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    response = client_for(users["executor"]).post(
        step_url(ticket, "log_work"),
        {"log_work-version": ticket.version, "log_work-minutes": "0", "log_work-note": "Adatbázis-index újraépítve"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Adatbázis-index újraépítve" in body
    assert 'class="error"' in body
    assert ticket.work_logs.count() == 0


def test_second_person_acting_on_a_changed_ticket_is_told_and_loses_nothing(users, contact):
    ticket = register(users, contact)
    shown_version = ticket.version
    first, second = client_for(users["manager"]), client_for(users["agent"])
    assert (
        first.post(
            step_url(ticket, "consult_user"),
            {"consult_user-version": shown_version, "consult_user-summary": "Egyeztetés a felhasználóval"},
        ).status_code
        == 302
    )
    response = second.post(
        step_url(ticket, "reject"),
        {"reject-version": shown_version, "reject-reason": "Úgy tűnik, duplikátum: 2026/000001"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "időközben megváltozott" in body
    assert "Úgy tűnik, duplikátum: 2026/000001" in body
    assert "Egyeztetés a felhasználóval" in body  # the other person's change is shown
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW
    # Having reviewed it, the second person sends the kept form again, and this time it goes through.
    kept = response.context["step_forms"][0]
    assert kept["version"].value() == str(Ticket.objects.get(pk=ticket.pk).version)
    again = second.post(step_url(ticket, "reject"), kept.data)
    assert again.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).state == State.REJECTED


def test_list_filters_by_state_channel_module_and_received_period(users, contact):
    module = ModuleFactory(name="Bérszámfejtő")
    verified = advance(register(users, contact, subject="Első", channel="email", module=module), State.VERIFIED, users)
    register(users, contact, subject="Második", channel="post")
    client = client_for(users["agent"])
    page = client.get("/tickets/", {"state": "verified"}).content.decode()
    assert verified.number in page and "Második" not in page
    page = client.get("/tickets/", {"channel": "post"}).content.decode()
    assert "Második" in page and "Első" not in page
    page = client.get("/tickets/", {"module": module.pk}).content.decode()
    assert "Első" in page and "Második" not in page
    page = client.get("/tickets/", {"received_from": "2000-01-01", "received_to": "2000-12-31"}).content.decode()
    assert "Első" not in page and "Második" not in page
    other_contact = ContactFactory(name="Másik Márta")
    assigned = advance(register(users, other_contact, subject="Harmadik"), State.ASSIGNED, users)
    page = client.get("/tickets/", {"customer": other_contact.customer_id}).content.decode()
    assert "Harmadik" in page and "Első" not in page
    page = client.get("/tickets/", {"contact": contact.pk}).content.decode()
    assert "Első" in page and "Harmadik" not in page
    page = client.get("/tickets/", {"assignee": users["executor"].pk}).content.decode()
    assert assigned.number in page and "Második" not in page
    page = client.get("/tickets/", {"q": "Harm"}).content.decode()
    assert "Harmadik" in page and "Első" not in page
    bad = client.get("/tickets/", {"received_from": "2026-12-31", "received_to": "2026-01-01"})
    assert bad.status_code == 200 and "flash error" in bad.content.decode()


def test_list_sorts_and_paginates(users, contact):
    for index in range(30):
        register(users, contact, subject=f"Tárgy {index:02d}")
    client = client_for(users["agent"])
    first_page = client.get("/tickets/", {"sort": "number"}).content.decode()
    assert "Tárgy 00" in first_page and "Tárgy 29" not in first_page
    second_page = client.get("/tickets/", {"sort": "number", "page": 2}).content.decode()
    assert "Tárgy 29" in second_page and "Tárgy 00" not in second_page
    partial = client.get(
        "/tickets/", {"sort": "number"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert "<html" not in partial and "Tárgy 00" in partial


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_list_and_start_pages_run_the_same_number_of_queries_for_3_or_40_tickets(users):
    client = client_for(users["manager"])
    for _index in range(3):
        advance(register(users, ContactFactory(), module=ModuleFactory()), State.ASSIGNED, users)
    few_list, few_home = _queries(client, "/tickets/"), _queries(client, "/")
    for _index in range(37):
        advance(register(users, ContactFactory(), module=ModuleFactory()), State.ASSIGNED, users)
    assert _queries(client, "/tickets/") == few_list
    assert _queries(client, "/") == few_home


def test_ticket_page_query_count_does_not_grow_with_its_history(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    client = client_for(users["agent"])
    short = _queries(client, detail_url(ticket))
    for index in range(15):
        workflow.log_work(ticket=ticket, actor=users["executor"], minutes=5, note=f"lépés {index}")
        workflow.consult_user(ticket=ticket, actor=users["agent"], summary=f"hívás {index}")
    assert _queries(client, detail_url(ticket)) == short


def test_ticket_page_query_count_does_not_grow_with_the_customers_contacts(users, contact):
    """The clarification form lists the customer's contacts as "name (customer)": one query for all."""
    ticket = advance(register(users, contact), State.VERIFIED, users)
    client = client_for(users["agent"])
    few = _queries(client, detail_url(ticket))
    ContactFactory.create_batch(6, customer=contact.customer)
    page = client.get(detail_url(ticket)).content.decode()
    assert _queries(client, detail_url(ticket)) == few
    assert f"({contact.customer.name})</option>" in page


def test_attachment_is_downloaded_as_a_file_never_rendered(users, contact):
    ticket = register(users, contact)
    workflow.attach_files(
        ticket=ticket,
        actor=users["agent"],
        files=[SimpleUploadedFile("<script>levél.html", b"<script>alert(1)</script>", content_type="text/html")],
    )
    attachment = ticket.attachments.get()
    response = client_for(users["agent"]).get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert client_for(users["executor"]).get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404
    page = client_for(users["agent"]).get(detail_url(ticket)).content.decode()
    assert "<script>levél.html" not in page and "&lt;script&gt;levél.html" in page


def test_oversized_attachment_is_refused_with_a_message(users, contact, settings):
    settings.PULT_MAX_ATTACHMENT_BYTES = 1024
    ticket = register(users, contact)
    response = client_for(users["agent"]).post(
        step_url(ticket, "attach"),
        {"attach-version": ticket.version, "attach-uploads": SimpleUploadedFile("nagy.pdf", b"x" * 2048)},
    )
    assert response.status_code == 400
    assert "nagy.pdf" in response.content.decode()
    assert ticket.attachments.count() == 0


def test_ticket_summary_pdf_is_a4_with_hungarian_letters(users):
    from io import BytesIO

    from pypdf import PdfReader

    contact = ContactFactory(name="Őszi Űrsula", customer__name="Árvíztűrő Tükörfúrógép Kft.")
    ticket = register(users, contact, subject="Ékezetek: á é í ó ö ő ú ü ű Á É Í Ó Ö Ő Ú Ü Ű")
    response = client_for(users["agent"]).get(reverse("tickets:pdf", args=[ticket.year, ticket.sequence]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = "".join(p.extract_text() for p in reader.pages)
    assert "á é í ó ö ő ú ü ű Á É Í Ó Ö Ő Ú Ü Ű" in text
    assert "Árvíztűrő Tükörfúrógép Kft." in text and "Őszi Űrsula" in text
    assert ticket.number in text


STEP_STATES = {
    "verify": State.NEW,
    "reject": State.NEW,
    "route_personally": State.VERIFIED,
    "route_to_executor": State.VERIFIED,
    "route_to_dispatcher": State.VERIFIED,
    "dispatch": State.DISPATCHING,
    "start": State.ASSIGNED,
    "log_work": State.IN_PROGRESS,
    "ask_agent": State.IN_PROGRESS,
    "answer_executor": State.IN_PROGRESS,
    "complete": State.IN_PROGRESS,
    "log_test": State.COMPLETED,
    "return_to_executor": State.COMPLETED,
    "consult_user": State.COMPLETED,
    "accept_solved": State.COMPLETED,
    "record_notification": State.SOLVED,
    "close": State.NOTIFIED,
    "attach": State.NEW,
    "clarify": State.VERIFIED,
    "prepare_letter": State.SOLVED,
    "fax_user": State.SOLVED,
    "email_user": State.IN_PROGRESS,
    "reassign": State.IN_PROGRESS,
    "ask_user": State.VERIFIED,
    "user_answered": State.IN_PROGRESS,
}


@pytest.mark.parametrize("role", [*ROLES, "other_executor"])
def test_no_role_takes_a_step_by_url_that_its_page_does_not_offer(role, users, contact):
    """Every step URL, posted by hand by every role: refused (403, or 404 for an unseen ticket) unless offered."""
    for step, state in STEP_STATES.items():
        ticket = advance(register(users, contact), state, users)
        if step == "answer_executor":
            ticket = workflow.ask_agent(ticket=ticket, actor=users["executor"], question="Kérdés?")
        if step == "user_answered":
            ticket = workflow.ask_user(ticket=ticket, actor=users["agent"], question="Melyik gépen?")
        client = client_for(users[role])
        page = client.get(detail_url(ticket))
        offered = page.status_code == 200 and f'action="{step_url(ticket, step)}"' in page.content.decode()
        events = ticket.events.count()
        response = client.post(step_url(ticket, step), {f"{step}-version": ticket.version})
        if offered:
            assert response.status_code in (302, 400, 422), (role, step)  # taken, or asks for the missing fields
        else:
            assert response.status_code in (403, 404), (role, step, response.status_code)
            assert ticket.events.count() == events, (role, step)


def test_agent_corrects_the_ticket_data_and_the_timeline_shows_old_and_new(users, contact):
    ticket = register(users, contact, subject="nem megy")
    client = client_for(users["agent"])
    response = client.post(
        step_url(ticket, "clarify"),
        {
            "clarify-version": ticket.version,
            "clarify-subject": "A bérszámfejtő nem indul",
            "clarify-priority": "high",
            "clarify-contact": contact.pk,
            "clarify-note": "",
        },
    )
    assert response.status_code == 302
    page = client.get(detail_url(ticket)).content.decode()
    assert "nem megy → A bérszámfejtő nem indul" in page
    assert "Normál → Magas" in page


def test_a_refused_upload_leaves_no_file_behind(users, contact, settings, tmp_path):
    from pathlib import Path

    settings.MEDIA_ROOT = str(tmp_path)
    settings.PULT_MAX_ATTACHMENT_BYTES = 100
    ticket = register(users, contact)
    small = SimpleUploadedFile("kicsi.txt", b"ok")
    too_big = SimpleUploadedFile("nagy.txt", b"x" * 500)
    with pytest.raises(workflow.InvalidInput):
        workflow.attach_files(ticket=ticket, actor=users["agent"], files=[small, too_big])
    assert ticket.attachments.count() == 0
    assert [path for path in Path(tmp_path).rglob("*") if path.is_file()] == []
    workflow.attach_files(ticket=ticket, actor=users["agent"], files=[SimpleUploadedFile("kicsi.txt", b"ok")])
    assert len([path for path in Path(tmp_path).rglob("*") if path.is_file()]) == 1  # the check can see files


def test_a_letter_prints_for_a_window_envelope_and_posting_it_notifies_the_user(users):
    from io import BytesIO

    from pypdf import PdfReader

    contact = ContactFactory(name="Őri Ödön", postal_address="4025 Debrecen, Ősz utca 8.")
    ticket = advance(register(users, contact, subject="Számla újranyomtatása"), State.SOLVED, users)
    client = client_for(users["agent"])
    response = client.post(
        step_url(ticket, "prepare_letter"),
        {
            "prepare_letter-version": ticket.version,
            "prepare_letter-address": "",
            "prepare_letter-text": "Tisztelt Őri Ödön! A számlát újranyomtattuk; ő és ű betűkkel.",
        },
    )
    assert response.status_code == 302
    letter = ticket.letters.get()
    pdf = client.get(reverse("tickets:letter_pdf", args=[ticket.year, ticket.sequence, letter.pk]))
    reader = PdfReader(BytesIO(pdf.content))
    assert [round(float(v)) for v in (reader.pages[0].mediabox.width, reader.pages[0].mediabox.height)] == [595, 842]
    text = reader.pages[0].extract_text()
    assert "4025 Debrecen, Ősz utca 8." in text and ticket.number in text
    assert "A számlát újranyomtattuk; ő és ű betűkkel." in text
    assert letter.prepared_at.astimezone(zoneinfo.ZoneInfo("Europe/Budapest")).strftime("%Y. %m. %d.") in text
    assert Ticket.objects.get(pk=ticket.pk).state == State.SOLVED  # printing is not notifying

    ticket.refresh_from_db()
    tampered = client.post(
        reverse("tickets:letter_posted", args=[ticket.year, ticket.sequence, letter.pk]), {"version": "3abc"}
    )
    assert tampered.status_code == 422 and "Az űrlap sérült" in tampered.content.decode()
    posted = client.post(
        reverse("tickets:letter_posted", args=[ticket.year, ticket.sequence, letter.pk]), {"version": ticket.version}
    )
    assert posted.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.NOTIFIED
    notification = ticket.notifications.get()
    assert (notification.channel, notification.recipient) == ("letter", "Őri Ödön, 4025 Debrecen, Ősz utca 8.")
    again = client.post(
        reverse("tickets:letter_posted", args=[ticket.year, ticket.sequence, letter.pk]), {"version": ticket.version}
    )
    assert again.status_code == 422 and ticket.notifications.count() == 1


def test_a_letter_needs_a_postal_address(users):
    contact = ContactFactory(postal_address="")
    ticket = advance(register(users, contact), State.SOLVED, users)
    with pytest.raises(workflow.InvalidInput):
        workflow.prepare_letter(ticket=ticket, actor=users["agent"], text="Tisztelt Ügyfelünk!")
    assert ticket.letters.count() == 0


def test_the_assignee_filter_offers_only_people_a_ticket_can_be_assigned_to(users):
    from accounts.services import system_user
    from portal.tests.factories import portal_account

    system_user()
    portal_account(ContactFactory(name="Ügyfél Ubul"))
    page = client_for(users["agent"]).get(reverse("tickets:list")).content.decode()
    offered = page.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    for role in ("executor", "other_executor", "agent", "manager"):  # executors, and agents who take one
        assert users[role].display_name in offered, role
    for role in ("administrator", "data_protection_officer", "complaint_officer", "executive", "dispatcher"):
        assert users[role].display_name not in offered, role
    assert "Pult rendszer" not in offered and "Ügyfél Ubul" not in offered


def test_an_address_typed_in_a_browser_is_joined_without_stray_spaces_everywhere(users, contact):
    """Text areas arrive with CR LF: the timeline, the side panel and the summary PDF show "a, b, c"."""
    from testkit.documents import pages
    from tickets.models import Letter

    ticket = advance(register(users, contact), State.SOLVED, users)
    client = client_for(users["agent"])
    client.post(
        reverse("tickets:step", args=[ticket.year, ticket.sequence, "prepare_letter"]),
        {
            "prepare_letter-version": ticket.version,
            "prepare_letter-address": "Árvíztűrő Kft.\r\nKovács Éva \r\n\r\n1111 Budapest, Fő utca 1.\r\n",
            "prepare_letter-text": "Tisztelt Kovács Éva!\r\n\r\nA hibát kijavítottuk.",
        },
    )
    letter = Letter.objects.get(ticket=ticket)
    assert letter.address == "Árvíztűrő Kft.\nKovács Éva\n1111 Budapest, Fő utca 1." and "\r" not in letter.text
    ticket.refresh_from_db()
    client.post(
        reverse("tickets:letter_posted", args=[ticket.year, ticket.sequence, letter.pk]), {"version": ticket.version}
    )
    joined = "Árvíztűrő Kft., Kovács Éva, 1111 Budapest, Fő utca 1."
    page = client.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert page.count(joined) >= 2 and " ," not in page.replace("\n", " ").split("<main", 1)[1]
    summary = "\n".join(
        p.text for p in pages(client.get(reverse("tickets:pdf", args=[ticket.year, ticket.sequence])).content)
    )
    assert joined in " ".join(summary.split()) and " ," not in summary


def test_the_executor_attaches_a_screenshot_of_the_fix_to_their_own_ticket_only(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    other = register(users, contact, subject="Másik feladat")
    executor = client_for(users[Role.EXECUTOR.value])
    page = executor.get(reverse("tickets:detail", args=[ticket.year, ticket.sequence])).content.decode()
    assert 'id="step-attach"' in page
    screenshot = SimpleUploadedFile("javitas.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    response = executor.post(
        reverse("tickets:step", args=[ticket.year, ticket.sequence, "attach"]),
        {"attach-version": ticket.version, "attach-uploads": screenshot, "attach-description": "A javítás után"},
    )
    assert response.status_code == 302
    assert list(ticket.attachments.values_list("original_name", "uploaded_by")) == [
        ("javitas.png", users[Role.EXECUTOR.value].pk)
    ]
    refused = executor.post(
        reverse("tickets:step", args=[other.year, other.sequence, "attach"]),
        {"attach-version": other.version, "attach-uploads": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n")},
    )
    assert refused.status_code == 404 and not other.attachments.exists()


def test_the_dispatcher_sees_each_executors_open_work_and_absence_when_assigning(users, contact):
    import datetime as dt

    from django.utils import timezone

    busy, away = users["executor"], users["other_executor"]
    advance(register(users, contact), State.ASSIGNED, users)  # to `executor`
    advance(register(users, contact), State.IN_PROGRESS, users)
    advance(register(users, contact), State.CLOSED, users)  # done work is not a load
    today = timezone.localdate()
    away.away_from, away.away_until = today - dt.timedelta(days=1), today + dt.timedelta(days=3)
    away.save()
    ticket = register(users, contact)
    workflow.verify_ticket(ticket=ticket, actor=users["agent"])
    ticket = workflow.route_ticket(ticket=ticket, actor=users["agent"], decision="dispatcher")
    page = client_for(users["dispatcher"]).get(reverse("tickets:detail", args=[ticket.year, ticket.sequence]))
    options = page.content.decode().split('name="dispatch-executor"', 1)[1].split("</select>", 1)[0]
    assert f"{busy.display_name} — 2 nyitott feladat<" in options
    until = away.away_until.strftime("%Y. %m. %d.")
    assert f"{away.display_name} — 0 nyitott feladat, távol eddig: {until}<" in options


def test_the_timeline_shows_newest_first_when_chosen_remembers_it_and_filters_by_kind(users, contact):
    ticket = advance(register(users, contact), State.SOLVED, users)
    workflow.attach_files(
        ticket=ticket,
        actor=users["agent"],
        files=[SimpleUploadedFile("naplo.txt", b"hibanaplo", content_type="text/plain")],
    )
    client = client_for(users["agent"])
    url = reverse("tickets:detail", args=[ticket.year, ticket.sequence])

    def actions(page: str) -> list[str]:
        return re.findall(r'<li class="event action-([a-z_]+)">', page)

    oldest_first = actions(client.get(url).content.decode())
    assert oldest_first[0] == "register" and oldest_first[-1] == "attach"
    response = client.post(
        reverse("tickets:timeline_order", args=[ticket.year, ticket.sequence]), {"newest_first": "1"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#timeline")
    assert actions(client.get(url).content.decode()) == oldest_first[::-1]
    other = advance(register(users, contact), State.VERIFIED, users)  # remembered on every ticket page
    assert (
        actions(client.get(reverse("tickets:detail", args=[other.year, other.sequence])).content.decode())[0]
        == "verify"
    )

    files = actions(client.get(url, {"kind": "files"}).content.decode())
    assert files == ["attach"]
    work = actions(client.get(url, {"kind": ["work", "steps"]}).content.decode())
    assert "complete" in work and "register" in work and "attach" not in work
