"""What a contact does in the portal: file a request with files, follow it, reply, give feedback, rate it,
complain; and what of the ticket they see (only what is meant for them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from complaints.models import Complaint
from dashboard.reports import period_report
from portal import services
from portal.tests.factories import client_for, portal_account
from testkit.factories import ContactFactory, ModuleFactory
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import Action, Channel, FeedbackOutcome, RouteDecision, State
from tickets.models import Feedback, SatisfactionRating, TicketEvent
from tickets.selectors import agent_queues

pytestmark = pytest.mark.django_db


def hu(text: str) -> str:
    with translation.override("hu"):
        return gettext(text)


def upload(name: str = "kepernyo.png", content: bytes = b"\x89PNG fake image") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def request_of(user, subject: str = "Nem indul a program", files=()):
    return services.submit_request(
        user=user, module=None, subject=subject, description="Hibaüzenetet kapok indításkor.", files=files
    )


def page_of(ticket) -> str:
    return f"/portal/requests/{ticket.year}/{ticket.sequence}/"


def test_a_request_with_an_attachment_is_registered_from_the_web_and_acknowledged_by_mail(
    smtp_server, customer_a, django_capture_on_commit_callbacks
):
    module = ModuleFactory(name="Bérszámfejtés")
    client = client_for(customer_a)
    form = client.get("/portal/requests/new/").content.decode()
    assert "Bérszámfejtés" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/requests/new/",
            {
                "module": module.pk,
                "subject": "Hibás a bérjegyzék",
                "description": "A novemberi bérjegyzéken rossz az adó.",
                "attachments": [upload("berjegyzek.pdf", b"%PDF-1.4 adat")],
            },
        )
    ticket = customer_a.contact.tickets.get()
    assert response.status_code == 302 and response["Location"] == page_of(ticket)
    assert (ticket.channel, ticket.module, ticket.state) == (Channel.WEB, module, State.NEW)
    assert [a.original_name for a in ticket.attachments.all()] == ["berjegyzek.pdf"]
    [ack] = smtp_server.messages
    assert ack["X-Envelope-To"] == customer_a.contact.email
    assert f"[{ticket.number}]" in ack["Subject"]

    page = client.get(page_of(ticket)).content.decode()
    assert "Hibás a bérjegyzék" in page and "berjegyzek.pdf" in page
    attachment = ticket.attachments.get()
    download = client.get(f"{page_of(ticket)}attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 adat"
    assert "attachment" in download["Content-Disposition"]


def test_a_request_without_subject_or_with_too_large_file_saves_nothing(customer_a, settings):
    client = client_for(customer_a)
    missing = client.post("/portal/requests/new/", {"subject": "", "description": "x"})
    assert missing.status_code == 400 and "subject" in missing.context["form"].errors
    settings.PULT_MAX_ATTACHMENT_BYTES = 10
    too_big = client.post(
        "/portal/requests/new/",
        {"subject": "Tárgy", "description": "Leírás", "attachments": [upload(content=b"x" * 11)]},
    )
    assert too_big.status_code == 400 and "attachments" in too_big.context["form"].errors
    with pytest.raises(services.PortalError):
        request_of(customer_a, files=[upload(content=b"x" * 11)])
    with pytest.raises(services.PortalError):
        services.submit_request(user=customer_a, module=ModuleFactory(is_active=False), subject="T", description="L")
    assert not customer_a.contact.tickets.exists()


def test_a_reply_on_an_open_request_reaches_the_agent(customer_a, users):
    ticket = request_of(customer_a)
    ticket = advance(ticket, State.IN_PROGRESS, users)
    client = client_for(customer_a)
    response = client.post(
        f"{page_of(ticket)}reply/",
        {"text": "Azóta ez is előjött.", "attachments": [upload("masodik.png")]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Azóta ez is előjött." in response.content.decode() and "masodik.png" in response.content.decode()
    staff_page = client_for(users["agent"]).get(f"/tickets/{ticket.year}/{ticket.sequence}/").content.decode()
    assert "Azóta ez is előjött." in staff_page
    assert ticket in agent_queues(users["agent"])["replies"]
    last = TicketEvent.objects.filter(ticket=ticket).last()
    assert last.action == Action.MESSAGE_RECEIVED and last.data["channel"] == Channel.WEB


def test_a_question_the_desk_waits_on_is_shown_and_the_portal_reply_answers_it(customer_a, users):
    ticket = request_of(customer_a)
    workflow.verify_ticket(ticket=ticket, actor=users["agent"])
    workflow.ask_user(ticket=ticket, actor=users["agent"], question="Kérem, küldje el a hibaüzenet képét.")
    client = client_for(customer_a)
    page = client.get(page_of(ticket)).content.decode()
    assert 'id="waiting"' in page and "Kérem, küldje el a hibaüzenet képét." in page
    assert hu("Question to you") in page

    client.post(f"{page_of(ticket)}reply/", {"text": "Csatolom.", "attachments": [upload("hiba.png")]})
    ticket.refresh_from_db()
    assert ticket.waiting_since is None  # the clock runs again
    assert ticket.consultations.get().answer == "Csatolom."
    page = client.get(page_of(ticket)).content.decode()
    assert 'id="waiting"' not in page


def test_a_closed_request_takes_feedback_not_replies(customer_a, users):
    ticket = advance(request_of(customer_a), State.CLOSED, users)
    client = client_for(customer_a)
    page = client.get(page_of(ticket)).content.decode()
    assert 'id="reply"' not in page and 'id="feedback"' in page and 'id="rate"' in page
    refused = client.post(f"{page_of(ticket)}reply/", {"text": "Még egy dolog"})
    assert refused.status_code == 400
    assert not TicketEvent.objects.filter(ticket=ticket, action=Action.MESSAGE_RECEIVED).exists()

    response = client.post(f"{page_of(ticket)}feedback/", {"text": "Mégsem jó a javítás."})
    assert response.status_code == 302
    feedback = Feedback.objects.get(ticket=ticket)
    assert (feedback.outcome, feedback.channel, feedback.content) == (
        FeedbackOutcome.PENDING,
        Channel.WEB,
        "Mégsem jó a javítás.",
    )
    assert ticket in agent_queues(users["agent"])["feedback"]
    # The agent reopens it from the feedback (seed l): the request is open again and takes replies.
    workflow.register_feedback(ticket=ticket, actor=users["agent"], content="x", reopen=True, pending=feedback)
    assert 'id="reply"' in client.get(page_of(ticket)).content.decode()


def test_feedback_on_an_open_request_is_refused(customer_a):
    ticket = request_of(customer_a)
    response = client_for(customer_a).post(f"{page_of(ticket)}feedback/", {"text": "Visszajelzés"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_a_closed_request_is_rated_once_and_the_rating_reaches_the_managers_report(customer_a, users):
    ticket = advance(request_of(customer_a), State.CLOSED, users)
    client = client_for(customer_a)
    assert client.post(f"{page_of(ticket)}rate/", {"score": "6"}).status_code == 400
    response = client.post(f"{page_of(ticket)}rate/", {"score": "4", "comment": "Gyors volt."})
    assert response.status_code == 302
    again = client.post(f"{page_of(ticket)}rate/", {"score": "1"})
    assert again.status_code == 400
    rating = SatisfactionRating.objects.get()
    assert (rating.ticket, rating.contact, rating.score, rating.comment) == (
        ticket,
        customer_a.contact,
        4,
        "Gyors volt.",
    )
    page = client.get(page_of(ticket)).content.decode()
    assert 'id="rating"' in page and "4/5" in page and 'id="rate"' not in page
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED

    today = timezone.localdate()
    report = period_report(today, today)
    assert report.ratings_total == 1 and report.rating_average == 4.0
    assert [row.count for row in report.satisfaction] == [0, 0, 0, 1, 0]
    manager_page = client_for(users["manager"]).get(f"/report/?start={today}&end={today}").content.decode()
    assert "count-ratings" in manager_page


def test_a_rating_of_an_open_request_is_refused(customer_a):
    ticket = request_of(customer_a)
    assert client_for(customer_a).post(f"{page_of(ticket)}rate/", {"score": "5"}).status_code == 400
    assert not SatisfactionRating.objects.exists()


def test_the_complaint_form_records_a_complaint_in_the_register(customer_a, django_capture_on_commit_callbacks):
    client = client_for(customer_a)
    assert client.get("/portal/complaint/").status_code == 200
    response = client.post(
        "/portal/complaint/",
        {"subject": "Hónapok óta nem javítják", "description": "Háromszor jeleztem már.", "evidence": "SZ-2026/11"},
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.number in response.content.decode()
    assert (complaint.channel, complaint.contact, complaint.customer) == (
        Channel.WEB,
        customer_a.contact,
        customer_a.contact.customer,
    )
    assert complaint.complainant_name == "Kiss Anna"
    assert client.post("/portal/complaint/", {"subject": "", "description": ""}).status_code == 400
    assert Complaint.objects.count() == 1


def test_the_timeline_shows_what_is_meant_for_the_customer_and_hides_internal_work(customer_a, users):
    agent, executor = users["agent"], users["executor"]
    ticket = request_of(customer_a)
    ticket = workflow.verify_ticket(ticket=ticket, actor=agent, note="BELSO-MEGJEGYZES-ELLENORZES")
    ticket = workflow.route_ticket(
        ticket=ticket, actor=agent, decision=RouteDecision.EXECUTOR, executor=executor, note="BELSO-UTVONAL"
    )
    ticket = workflow.start_work(ticket=ticket, actor=executor)
    ticket = workflow.log_work(ticket=ticket, actor=executor, minutes=30, note="MUNKANAPLO-TITOK")
    ticket = workflow.ask_agent(ticket=ticket, actor=executor, question="VEGREHAJTOI-KERDES")
    consultation = ticket.consultations.get()
    ticket = workflow.answer_executor(ticket=ticket, actor=agent, consultation=consultation, answer="AGENS-VALASZ")
    ticket = workflow.complete_work(ticket=ticket, actor=executor, note="BELSO-KESZ")
    ticket = workflow.log_test(ticket=ticket, actor=agent, note="TESZTNAPLO-TITOK")
    ticket = advance(ticket, State.CLOSED, users)

    page = client_for(customer_a).get(page_of(ticket)).content.decode()
    for secret in (
        "BELSO-MEGJEGYZES-ELLENORZES",
        "BELSO-UTVONAL",
        "MUNKANAPLO-TITOK",
        "VEGREHAJTOI-KERDES",
        "AGENS-VALASZ",
        "BELSO-KESZ",
        "TESZTNAPLO-TITOK",
        "Nyomtatás rendben.",  # the test note of accept_solved
        executor.last_name,
        agent.last_name,
        "pult-rendszer",
    ):
        assert secret not in page, secret
    for shown in ("Request received", "Accepted", "Work started", "Solved", "Closed"):
        assert hu(shown) in page, shown
    assert "Közöltük, hogy a hiba javítva." in page  # the notification text told to the customer


def test_a_rejected_request_shows_the_reason(customer_a, users):
    ticket = advance(request_of(customer_a), State.REJECTED, users)
    page = client_for(customer_a).get(page_of(ticket)).content.decode()
    assert "Kéretlen levél" in page and hu("Rejected") in page


def test_staff_attachments_are_not_shown_to_the_customer(customer_a, users):
    ticket = request_of(customer_a, files=[upload("sajat.png")])
    workflow.attach_files(ticket=ticket, actor=users["agent"], files=[upload("belso-jegyzet.txt", b"titok")])
    client = client_for(customer_a)
    page = client.get(page_of(ticket)).content.decode()
    assert "sajat.png" in page and "belso-jegyzet.txt" not in page
    internal = ticket.attachments.get(original_name="belso-jegyzet.txt")
    assert client.get(f"{page_of(ticket)}attachments/{internal.pk}/").status_code == 404


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/portal/").status_code == 200
    return len(captured)


def test_the_home_page_runs_the_same_number_of_queries_for_2_or_9_requests(customer_a, users):
    client = client_for(customer_a)
    for n in range(2):
        register(users, customer_a.contact, subject=f"Kérés {n}", module=ModuleFactory())
    with_two = home_queries(client)
    for n in range(7):
        register(users, customer_a.contact, subject=f"Újabb {n}", module=ModuleFactory())
    assert home_queries(client) == with_two
    assert client.get("/portal/").content.decode().count('class="request-row"') == 9


def test_organisation_sharing_shows_colleagues_requests_only_when_allowed(customer_a, customer_b, users):
    colleague = portal_account(ContactFactory(name="Kolléga Kata", customer=customer_a.contact.customer))
    theirs = register(users, colleague.contact, subject="A kolléga kérése")
    mine = register(users, customer_a.contact, subject="Az én kérésem")
    foreign = register(users, customer_b.contact, subject="Másik ügyfél kérése")
    client = client_for(customer_a)

    home = client.get("/portal/").content.decode()
    assert "Az én kérésem" in home and "A kolléga kérése" not in home
    assert client.get(page_of(theirs)).status_code == 404

    customer = customer_a.contact.customer
    customer.portal_shares_requests = True
    customer.save()
    home = client.get("/portal/").content.decode()
    assert "Az én kérésem" in home and "A kolléga kérése" in home and "Másik ügyfél kérése" not in home
    assert client.get(page_of(theirs)).status_code == 200
    assert client.get(page_of(foreign)).status_code == 404

    customer.portal_shares_requests = False
    customer.save()
    assert client.get(page_of(theirs)).status_code == 404
    assert client.get(page_of(mine)).status_code == 200


def test_the_home_page_shows_opening_hours_and_a_new_request_button(customer_a):
    page = client_for(customer_a).get("/portal/").content.decode()
    assert 'id="new-request"' in page and 'class="hours"' in page
    assert 'name="viewport"' in page


def test_a_portal_request_is_registered_now_by_the_system_actor(customer_a):
    ticket = request_of(customer_a)
    assert abs(ticket.received_at - timezone.now()) < dt.timedelta(minutes=1)
    assert ticket.registered_by.username == "pult-rendszer"


def test_e_mails_sent_to_the_customer_appear_on_the_timeline(
    smtp_server, customer_a, users, django_capture_on_commit_callbacks
):
    from mail.outbound import email_user

    with django_capture_on_commit_callbacks(execute=True):
        ticket = request_of(customer_a)
    ticket = advance(ticket, State.IN_PROGRESS, users)
    with django_capture_on_commit_callbacks(execute=True):
        email_user(
            ticket=ticket,
            actor=users["agent"],
            to=customer_a.contact.email,
            subject="Kérdés a hibáról",
            body="Kérjük, írja meg a program verziószámát.",
            as_notification=False,
        )
    assert len(smtp_server.messages) == 2  # the acknowledgement and the agent's e-mail
    page = client_for(customer_a).get(page_of(ticket)).content.decode()
    assert "Kérjük, írja meg a program verziószámát." in page
    assert page.count('class="entry entry-email"') == 2
    assert users["agent"].last_name not in page


def detail_queries(client, ticket) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page_of(ticket)).status_code == 200
    return len(captured)


def test_the_request_page_runs_the_same_number_of_queries_however_long_its_history(customer_a, users):
    client = client_for(customer_a)
    ticket = advance(request_of(customer_a), State.IN_PROGRESS, users)
    services.reply(user=customer_a, ticket=ticket, text="Első", files=[upload("a.png")])
    short = detail_queries(client, ticket)
    for n in range(5):
        services.reply(user=customer_a, ticket=ticket, text=f"Újabb {n}", files=[upload(f"{n}.png")])
    assert detail_queries(client, ticket) == short


def test_hostile_or_wrong_input_gets_a_clear_answer_and_no_error(customer_a):
    client = client_for(customer_a)
    ticket = request_of(customer_a)
    assert client.get("/portal/requests/2026/999999/").status_code == 404
    assert client.get(f"{page_of(ticket)}reply/").status_code == 405
    assert client.post(f"{page_of(ticket)}rate/", {"score": "abc"}).status_code == 400
    assert client.post(f"{page_of(ticket)}reply/", {"text": "   "}).status_code == 400
    assert client.get(f"{page_of(ticket)}attachments/999999/").status_code == 404
    assert client.get("/portal/documents/", {"q": "%' OR 1=1 --" * 20}).status_code == 200
    assert client.get("/portal/?page=abc").status_code == 200
    assert ticket.events.count() == 1


def test_a_ticket_reopened_on_feedback_is_not_shown_as_newly_received(users):
    from testkit.workflow import advance, register
    from tickets import workflow

    account = portal_account()
    fresh = register(users, account.contact, subject="Új kérés")
    ticket = advance(register(users, account.contact), State.CLOSED, users)
    workflow.register_feedback(ticket=ticket, actor=users["agent"], content="Megint hibás.", reopen=True)
    client = client_for(account)
    listed = client.get("/portal/").content.decode()
    assert '<span class="state state-accepted">Újranyitva, vizsgálat alatt</span>' in listed
    assert '<span class="state state-received">Beérkezett</span>' in listed  # the fresh one
    page = client.get(f"/portal/requests/{ticket.year}/{ticket.sequence}/").content.decode()
    assert 'id="request-state">Újranyitva, vizsgálat alatt</span>' in page
    assert fresh.state == State.NEW
