"""Every page and endpoint denies by default: a walk over the whole URL configuration.

Every pattern of ``django.urls.get_resolver()`` (recursively, with namespaces) is filled from real objects —
customer A's ticket with an attachment, a letter, feedback, an intake sheet, an e-mail, a complaint with a
file and an answer, a staff-only library document, another user's API token and session — and requested
with GET and POST (the test client passes CSRF, like a valid token) as an anonymous visitor, as every staff
role and as a portal contact of customer B. A pattern this test cannot fill fails it, and so does a named
page without an expectation here, so a new URL cannot slip through unchecked.

Asserted: nobody gets a server error; the anonymous visitor gets a login page, a refusal, or one of the
public pages listed below; customer B's contact never sees anything of customer A's; each staff role gets
200 exactly where its permissions say (the rest is 403/404 or a login redirect).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import User, UserSession
from accounts.roles import STAFF_ROLES, Role
from api.models import ApiToken
from api.services import token_create
from complaints import services as complaint_services
from complaints.choices import ComplaintState, EntryKind
from complaints.models import Answer, Complaint, InvestigationEntry
from intake import services as intake_services
from library.choices import Visibility
from library.tests.factories import publish, upload
from mail.models import InboundMessage
from mail.services import message_ingest
from portal.tests.factories import portal_account
from testkit.complaints import phone_complaint, walk_to
from testkit.factories import ContactFactory
from testkit.workflow import advance
from tickets import workflow
from tickets.choices import Channel, State
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

SUBJECT_A = "ALFA-TITOK nyomtató hibája"
CONTACT_A = "Titkos Tivadar"
MAIL_SUBJECT = "ALFA-LEVEL a számláról"

# Pages anyone may open (name, or a route prefix for the whole namespace).
PUBLIC = {
    "login",
    "set_language",
    "privacy_notice",
    "admin:login",
    "portal:login",
    # Company sign-on with OpenID Connect: part of logging in (404 while it is not configured).
    "accounts:oidc_start",
    "accounts:oidc_callback",
    "portal:password_reset",
    "portal:password_reset_done",
    "portal:password_reset_complete",
    "portal:password_reset_confirm",
    "portal:invitation",
    "complaints:public_form",
    "api-v1:openapi-json",
    "api-v1:openapi-view",
    # Health and metrics (monitoring): no personal data; /metrics answers this machine only (or a token).
    "monitoring:live",
    "monitoring:ready",
    "monitoring:metrics",
}
# Addresses that only log someone out (they answer anyone, and leave the visitor logged out).
LOGOUT = {"logout", "admin:logout", "portal:logout"}
LOGIN_PATHS = ("/login/", "/admin/login/", "/portal/login/", "/account/login/code/")


@dataclass
class Objects:
    ticket: Any
    attachment: Any
    letter: Any
    feedback: Any
    sheet: Any
    inbound: Any
    complaint: Any
    entry: Any
    answer: Any
    document: Any
    token_pk: int
    session_pk: int


def _perm(*names: str) -> Callable[[User], bool]:
    return lambda user: any(user.has_perm(name) for name in names)


def _role(*roles: Role) -> Callable[[User], bool]:
    return lambda user: bool(set(user.groups.values_list("name", flat=True)) & {r.value for r in roles})


def _anyone(user: User) -> bool:
    return True


def _nobody(user: User) -> bool:
    return False


_SEES_TICKETS = _perm("tickets.view_all_tickets")  # ticket A is assigned to another executor
_TICKET_WORK = _perm("tickets.view_all_tickets", "tickets.work_on_ticket")
_INTAKE = _perm("tickets.register_ticket")
_COMPLAINT_REGISTER = _perm("complaints.view_complaints")
_RECORDS_COMPLAINTS = _perm("complaints.register_complaint")
_LIBRARY = _perm("library.view_document")


def _COMPLAINT_VISIBLE(user: User) -> bool:
    """The register's followers, and whoever recorded the complaint (complaints.selectors.visible_to)."""
    return user.has_perm("complaints.view_complaints") or Complaint.objects.filter(registered_by=user).exists()


# Who gets 200 on GET, by URL name (admin pages follow Django's model permissions, below). A page whose GET
# only shows a form of a step answers 405 or sends back: "_nobody" means no role gets a 200 from GET.
GET_200: dict[str, Callable[[User], bool]] = {
    "accounts:login_code": _nobody,  # only in the middle of a login
    "accounts:sessions": _anyone,
    "accounts:session_end": _nobody,
    "accounts:session_end_others": _nobody,
    "accounts:two_factor": _anyone,
    "tickets:list": _TICKET_WORK,
    "tickets:lookup": _perm("tickets.view_all_tickets"),
    "tickets:detail": _SEES_TICKETS,
    "tickets:pdf": _SEES_TICKETS,
    "tickets:sending": _SEES_TICKETS,
    "tickets:step": _nobody,
    "tickets:feedback_review": _nobody,
    "tickets:letter_pdf": _SEES_TICKETS,
    "tickets:letter_posted": _nobody,
    "tickets:timeline_order": _nobody,
    "tickets:attachment": _SEES_TICKETS,
    "intake:oral": _INTAKE,
    "intake:written": _INTAKE,
    "intake:contact_search": _perm("customers.view_contact"),
    "intake:feedback_search": _INTAKE,
    "intake:feedback": _INTAKE,
    "intake:sheet_pdf": _SEES_TICKETS,
    "mail:raw": lambda u: u.has_perm("mail.view_inboundmessage") or _SEES_TICKETS(u),
    "mail:worker": _perm("mail.view_inboundmessage"),
    "complaints:list": _perm("complaints.view_complaints", "complaints.register_complaint"),
    "complaints:record": _RECORDS_COMPLAINTS,
    "complaints:from_ticket": lambda u: _RECORDS_COMPLAINTS(u) and _SEES_TICKETS(u),
    "complaints:statistics": _perm("complaints.view_complaint_statistics"),
    "complaints:export_csv": _perm("complaints.export_complaints"),
    "complaints:export_pdf": _perm("complaints.export_complaints"),
    "complaints:entry_file": _COMPLAINT_REGISTER,
    "complaints:detail": _COMPLAINT_VISIBLE,
    "complaints:record_pdf": _COMPLAINT_VISIBLE,
    "complaints:step": _nobody,
    "complaints:answer_pdf": _COMPLAINT_REGISTER,
    "complaints:answer_posted": _nobody,
    "api_pages:tokens": _anyone,
    "api_pages:token_revoke": _nobody,
    "library:list": _LIBRARY,
    "library:new": _perm("library.manage_documents"),
    "library:detail": _LIBRARY,
    "library:edit": _perm("library.manage_documents"),
    "library:version_new": _perm("library.manage_documents"),
    "library:download": _LIBRARY,
    "library:link": lambda u: _perm("library.link_document")(u) and _SEES_TICKETS(u),
    "library:unlink": _nobody,
    "privacy:access_log": _perm("privacy.view_accesslogentry"),
    "privacy:access_log_csv": _perm("privacy.view_accesslogentry"),
    # The walk has no data-subject request: the pages of one answer 404 (year/sequence are the ticket's).
    "privacy:request_list": _perm("privacy.handle_subject_request"),
    "privacy:request_new": _perm("privacy.handle_subject_request"),
    "privacy:request_detail": _nobody,
    "privacy:request_erase": _nobody,
    "privacy:request_export": _nobody,
    "privacy:export_status": _nobody,
    "privacy:request_step": _nobody,
    "privacy:export_download": _nobody,
    "dashboard:home": _anyone,
    "dashboard:overview": lambda u: _role(Role.MANAGER)(u) or u.has_perm("tickets.verify_ticket"),
    "dashboard:report": _perm("tickets.view_reports"),
    "dashboard:report_csv": _perm("tickets.view_reports"),
}


# The API's reads of one object: 200 only for those who see it on the pages too.
API_GET_200: dict[str, Callable[[User], bool]] = {
    "api-v1:get_ticket": _SEES_TICKETS,
    "api-v1:list_attachments": _SEES_TICKETS,
    "api-v1:download_attachment": _SEES_TICKETS,
    "api-v1:list_work_logs": _SEES_TICKETS,
    "api-v1:list_feedback": _SEES_TICKETS,
    "api-v1:get_complaint": _COMPLAINT_VISIBLE,
    "api-v1:get_document": _LIBRARY,
    "api-v1:download_document": _LIBRARY,
}


# --- the URL configuration ------------------------------------------------------------------------------


@dataclass
class Route:
    name: str  # namespaced, e.g. "tickets:detail"; "" for an unnamed pattern
    template: str  # the route as written, e.g. "tickets/<int:year>/<int:sequence>/"


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespaces: list[str]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    [*namespaces, *filter(None, [pattern.namespace])],
                )
            elif isinstance(pattern, URLPattern):
                name = ":".join([*namespaces, pattern.name]) if pattern.name else ""
                found.append(Route(name, prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "", [])
    return found


def _admin_model(route: Route) -> Any:
    """The model of an admin page, read from its route (admin/<app>/<model>/…)."""
    match = re.match(r"admin/(\w+)/(\w+)/", route.template)
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == match.groups():
            return model
    return None


def fill(route: Route, objects: Objects) -> str | None:
    """The URL of `route` with its parameters taken from `objects`; None if this test cannot fill it."""
    template = route.template
    ticket, complaint = objects.ticket, objects.complaint
    of_complaint = template.startswith(("complaints/<", "api/v1/complaints/<"))
    year_sequence = (complaint.year, complaint.sequence) if of_complaint else None
    year, sequence = year_sequence or (ticket.year, ticket.sequence)
    values: dict[str, Any] = {
        "year": year,
        "sequence": sequence,
        "attachment_id": objects.attachment.pk,
        "letter_id": objects.letter.pk,
        "customer_id": ticket.customer_id,
        "contact_id": ticket.contact_id,
        "document_id": objects.document.pk,
        "number": 1,
        "id": objects.letter.prepared_by_id,  # the admin's password page of a user
        "session_id": objects.session_pk,
        "uidb64": "MQ",
        "token": "c0ffee-0123456789abcdef",
        "app_label": "customers",
        "url": "nincs-ilyen/",
        "field": "contact",
    }
    if "pk" in template:
        pk_by_prefix = [
            ("tickets/attachments/", objects.attachment),
            ("tickets/<int:year>/<int:sequence>/feedback/", objects.feedback),
            ("tickets/<int:year>/<int:sequence>/letters/", objects.letter),
            ("intake/sheets/", objects.sheet),
            ("mail/messages/", objects.inbound),
            ("complaints/files/", objects.entry),
            ("complaints/<int:year>/<int:sequence>/answers/", objects.answer),
            ("library/", objects.document),
            ("portal/documents/", objects.document),
            ("portal/requests/", objects.attachment),
            # No export exists in this walk (privacy's own tests make them): the download must refuse all.
            ("privacy/exports/", None),
        ]
        for prefix, obj in pk_by_prefix:
            if template.startswith(prefix):
                values["pk"] = obj.pk if obj is not None else 987654
                break
        if template.startswith("profile/tokens/"):
            values["pk"] = objects.token_pk
    if "<slug:step>" in template:
        values["step"] = "verify" if template.startswith("tickets/") else "entry"
    if "object_id" in template:
        model = _admin_model(route)
        instance = model._default_manager.order_by("pk").first() if model is not None else None
        values["object_id"] = instance.pk if instance is not None else 987654
    if "content_type_id" in template:
        from django.contrib.contenttypes.models import ContentType

        values["content_type_id"] = ContentType.objects.get_for_model(type(ticket.contact)).pk
        values["object_id"] = ticket.contact_id

    # Path converters (<int:year>), regular-expression groups ((?P<app_label>…)) and ninja's <year>.
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", template)
    wanted = {a or b for a, b in names}
    if not wanted <= set(values):
        return None
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), template)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), url)
    return "/" + url.lstrip("^").rstrip("$")


# --- the data ---------------------------------------------------------------------------------------------


@pytest.fixture
def world(users, smtp_server) -> tuple[Objects, dict[str, User]]:
    for role in STAFF_ROLES:
        User.objects.filter(pk=users[role.value].pk).update(is_staff=True)
        users[role.value].refresh_from_db()
    agent, officer = users["agent"], users["complaint_officer"]
    contact_a = ContactFactory(name=CONTACT_A, customer__name="Alfa Kft.", postal_address="1111 Budapest, Fő u. 1.")
    ticket = workflow.register_ticket(
        actor=agent,
        contact=contact_a,
        subject=SUBJECT_A,
        description="ALFA-LEIRAS",
        channel=Channel.PHONE,
        attachments=[SimpleUploadedFile("alfa-titok.txt", b"ALFA-FAJL tartalma\n", content_type="text/plain")],
    )
    # Solved by another executor than users["executor"], notified by a letter, closed.
    ticket = advance(ticket, State.SOLVED, {**users, "executor": users["other_executor"]})
    letter = workflow.prepare_letter(ticket=ticket, actor=agent, text="ALFA-LEVEL szövege")
    workflow.letter_posted(letter=letter, actor=agent)
    ticket = workflow.close_ticket(ticket=ticket, actor=agent)
    feedback = workflow.register_feedback(ticket=ticket, actor=agent, content="ALFA-VISSZAJELZES", reopen=False)
    sheet = intake_services.oral_request_register(
        actor=agent,
        contact=contact_a,
        channel=Channel.PHONE,
        received_at=timezone.now(),
        caller_name=CONTACT_A,
        caller_phone="+36 1 111 1111",
        caller_email="",
        subject=SUBJECT_A,
        content="ALFA-LAP",
        module=None,
        priority="normal",
    )
    raw = (
        f"From: {CONTACT_A} <{contact_a.email}>\r\nTo: help@pult.example\r\nSubject: {MAIL_SUBJECT}\r\n"
        "Message-ID: <walk-1@alfa.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nALFA-LEVEL\r\n"
    ).encode()
    message_ingest(raw=raw)
    inbound = InboundMessage.objects.get(message_id__contains="walk-1")
    complaint = phone_complaint(users, contact=contact_a, customer=contact_a.customer, complainant_name=CONTACT_A)
    complaint = complaint_services.add_entry(
        complaint=complaint,
        actor=officer,
        kind=EntryKind.DOCUMENT,
        text="ALFA-IRAT",
        upload=SimpleUploadedFile("alfa-irat.txt", b"ALFA-IRAT\n", content_type="text/plain"),
    )
    complaint = walk_to(complaint, ComplaintState.ANSWERED, users)
    entry = InvestigationEntry.objects.filter(complaint=complaint).exclude(file="").get()
    answer = Answer.objects.filter(complaint=complaint).get()
    document = publish(
        agent,
        title="ALFA-BELSO kézikönyv",
        visibility=Visibility.STAFF,
        file=upload("alfa-belso.txt", b"ALFA-BELSO tartalom\n"),
    )
    token = token_create(user=users["other_executor"], name="walk")
    other = Client()
    other.force_login(users["manager"])
    session = UserSession.objects.filter(user=users["manager"]).order_by("-pk").first()
    objects = Objects(
        ticket=ticket,
        attachment=Attachment.objects.get(ticket=ticket),
        letter=letter,
        feedback=feedback,
        sheet=sheet,
        inbound=inbound,
        complaint=complaint,
        entry=entry,
        answer=answer,
        document=document,
        token_pk=token.token.pk,
        session_pk=session.pk if session is not None else 987654,
    )
    return objects, users


# --- the walk ---------------------------------------------------------------------------------------------


def urls_to_walk(objects: Objects) -> list[tuple[Route, str]]:
    """(route, URL) of every pattern, each URL once (ninja serves GET and POST of one path as two patterns)."""
    result: list[tuple[Route, str]] = []
    unfilled: list[str] = []
    seen: set[str] = set()
    for route in routes():
        url = fill(route, objects)
        if url is None:
            unfilled.append(f"{route.name or '(unnamed)'}: {route.template}")
        elif url not in seen:
            seen.add(url)
            result.append((route, url))
    assert not unfilled, "give this test values for the parameters of:\n" + "\n".join(unfilled)
    return result


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0].endswith(LOGIN_PATHS)


def refused(response: Any) -> bool:
    return response.status_code in (401, 403, 404, 405) or is_login_redirect(response)


def body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def request(client: Client, method: str, url: str) -> Any:
    client.raise_request_exception = False
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    return response


def admin_may_show(route: Route, user: User) -> bool:
    """Whether the admin may give `user` this page at all: a staff member with a permission on its model."""
    if not user.is_staff:
        return False
    model = _admin_model(route)
    if model is None:
        return route.name in (
            "admin:index",
            "admin:app_list",
            "admin:jsi18n",
            "admin:password_change",
            "admin:password_change_done",
        )
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") for action in ("view", "add", "change", "delete")
    )


def staff_may_get(route: Route, user: User) -> bool:
    if route.template.startswith("admin/"):
        return admin_may_show(route, user)
    assert route.name in GET_200, f"{route.name or route.template}: say in GET_200 which roles may open it"
    return GET_200[route.name](user)


def leaks(text: str, objects: Objects) -> list[str]:
    secrets = [SUBJECT_A, CONTACT_A, objects.ticket.number, MAIL_SUBJECT, "ALFA-"]
    return [secret for secret in secrets if secret in text]


def walk(client: Client, objects: Objects, user: User | None) -> list[tuple[str, Route, int, str, Any]]:
    """Every URL with GET and POST; (method, name, status, url) of each answer."""
    answers = []
    for route, url in urls_to_walk(objects):
        for method in ("GET", "POST"):
            response = request(client, method, url)
            answers.append((method, route, response.status_code, url, response))
            if route.name in LOGOUT and user is not None:
                client.force_login(user)
    return answers


def test_an_anonymous_visitor_gets_only_the_public_pages(world):
    objects, _users = world
    wrong = []
    for method, route, status, url, response in walk(Client(), objects, None):
        name = route.name
        if name in PUBLIC or name in LOGOUT or refused(response):
            continue
        wrong.append(f"{method} {url} ({name}): {status} {response.get('Location', '')}")
    assert not wrong, "\n".join(wrong)


def test_another_customers_contact_sees_nothing_of_customer_a(world):
    objects, _users = world
    contact_b = portal_account(ContactFactory(name="Béta Béla", customer__name="Béta Bt."))
    client = Client()
    client.force_login(contact_b)
    wrong = []
    for method, route, status, url, response in walk(client, objects, contact_b):
        name = route.name
        if status == 200 and leaks(body(response), objects):
            wrong.append(f"{method} {url} ({name}) shows {leaks(body(response), objects)}")
        elif not (name or "").startswith("portal:") and name not in PUBLIC and status == 200:
            wrong.append(f"{method} {url} ({name}): 200 outside the portal")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_staff_role_opens_exactly_the_pages_its_permissions_allow(world, role, settings):
    settings.PULT_API_REQUESTS_PER_MINUTE = 100_000
    objects, users = world
    user = users[role]
    client = Client()
    client.force_login(user)
    wrong = []
    objects.ticket.refresh_from_db()
    objects.complaint.refresh_from_db()
    ticket_version, complaint_version = objects.ticket.version, objects.complaint.version
    for method, route, status, url, response in walk(client, objects, user):
        name = route.name
        if name in API_GET_200 and method == "GET" and status == 200 and not API_GET_200[name](user):
            wrong.append(f"GET {url} ({name}): 200, but the role may not see it")
        if name in PUBLIC or name in LOGOUT or (name or "").startswith(("portal:", "api-v1:")):
            continue
        may = staff_may_get(route, user)
        if method == "GET":
            if status == 200 and not may:
                wrong.append(f"GET {url} ({name}): 200, but the role may not open it")
            elif may and status != 200 and not url.startswith("/admin/"):
                wrong.append(f"GET {url} ({name}): {status}, but the role may open it")
            elif not may and status != 200 and not refused(response) and status != 302:
                wrong.append(f"GET {url} ({name}): {status}")
        elif not may and GET_200.get(name) is not _nobody and not url.startswith("/admin/") and not refused(response):
            wrong.append(f"POST {url} ({name}): {status}, but the role may not open the page")
    assert not wrong, "\n".join(wrong)
    # Empty or refused posts changed nothing that belongs to someone else.
    objects.ticket.refresh_from_db()
    objects.complaint.refresh_from_db()
    assert (objects.ticket.version, objects.complaint.version) == (ticket_version, complaint_version)
    assert ApiToken.objects.get(pk=objects.token_pk).revoked_at is None  # another user's token
    if role != "manager":
        assert UserSession.objects.filter(pk=objects.session_pk).exists()  # the manager's other session
