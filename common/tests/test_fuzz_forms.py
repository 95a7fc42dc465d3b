"""Hostile input into every form of the pages: no server error, no half-saved record.

Each page below is opened as a user who may use it; every ``<form>`` on it is read from the HTML (its action,
method, enctype and the names of its ``<input>``, ``<select>`` and ``<textarea>`` fields, with the values the
page filled in). Hypothesis then posts that form back with some fields kept and others replaced by hostile
values — 100 000 characters, NUL bytes, invalid UTF-8 bytes, numbers at and past the int64 limits, dates
such as 0001-01-01, 9999-12-31 and 2026-02-30, unknown choices, HTML and script, empty values, fields given
twice, a damaged or huge ``version`` of a step form — sent as raw url-encoded or multipart bodies.

Asserted after every post: no server error; when the post is refused (an error status, or the form shown
again with its errors) the row
counts of the main tables are what they were; and whatever was accepted is whole (every ticket has its
events, every complaint its events, every document a version, every data-subject request its timeline).
A post without the CSRF token is refused with 403. The API has its own fuzzing (api/tests/test_schemathesis.py).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from django import forms as django_forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from api.services import token_create
from common.tests.test_url_walk import world  # noqa: F401  (the walk's objects: a fixture)
from complaints.choices import ComplaintState
from complaints.models import Complaint, ComplaintEvent, InvestigationEntry
from customers.models import Contact
from intake.models import IntakeSheet
from library.models import Document, DocumentVersion
from mail.models import OutboundMessage
from portal.tests.factories import portal_account
from privacy import services as privacy_services
from privacy.models import SubjectRequest, SubjectRequestEvent
from testkit.complaints import phone_complaint, walk_to
from testkit.factories import ContactFactory
from testkit.workflow import advance, register
from tickets.choices import Channel, State
from tickets.models import Attachment, Feedback, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

EXAMPLES = 8  # posts per form; the whole file stays well under a minute and a half on SQLite
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Forms whose action only signs out or switches language: posting them would end the session under test.
SKIPPED_ACTIONS = {"logout", "portal:logout", "admin:logout"}

MAIN_TABLES = [
    Ticket,
    TicketEvent,
    Contact,
    Complaint,
    ComplaintEvent,
    InvestigationEntry,
    Attachment,
    Feedback,
    IntakeSheet,
    OutboundMessage,
    Document,
    DocumentVersion,
    SubjectRequest,
    SubjectRequestEvent,
]


# --- reading the forms of a page ------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    action: str
    method: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return self.action, self.method, tuple(sorted({f.name for f in self.fields}))


class FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self.current = Form(
                page=self.page,
                action=action,
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self.current)
            return
        form = self.current
        if form is None or not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                # Unchecked: known to the form (a possible value), not sent by the browser.
                existing = next((f for f in form.fields if f.name == a["name"]), None)
                if existing is None:
                    form.fields.append(Field(a["name"], kind, "", [a.get("value", "on")]))
                else:
                    existing.options.append(a.get("value", "on"))
                return
            form.fields.append(Field(a["name"], kind, a.get("value", "")))
        elif tag == "select":
            self.select = Field(a["name"], "select")
            form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select.options.append(value)
            if "selected" in a or (not self.select.value and value):
                self.select.value = value
        elif tag == "textarea":
            self.textarea = Field(a["name"], "textarea")
            form.fields.append(self.textarea)

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_of(client: Client, page: str) -> list[Form]:
    response = client.get(page)
    assert response.status_code == 200, f"GET {page}: {response.status_code}"
    parser = FormParser(page)
    parser.feed(response.content.decode())
    result = []
    for form in parser.forms:
        try:
            name = resolve(urlsplit(form.action).path).view_name
        except Resolver404:
            continue
        if name not in SKIPPED_ACTIONS:
            result.append(form)
    return result


# --- hostile values -------------------------------------------------------------------------------------------

LONG = "Á" * 100_000
HOSTILE_TEXT = [
    "",
    " ",
    LONG,
    "a\x00b",
    "\x00",
    "<script>alert('pult')</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "{{ 7*7 }}",
    "\u202e\u200b😀" * 300,
    "\r\n.\r\nRCPT TO:<x@evil.example>",
    "../../../../etc/passwd",
]
HOSTILE_NUMBERS = [
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    str(10**40),
    "-1",
    "0",
    "1e309",
    "NaN",
    "inf",
    "1.5",
    "١٢٣",
    "0x10",
]
HOSTILE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "9999-12-31 23:59:59",
    "2026.02.30.",
    "2026. 02. 28. 25:61",
    "99999-01-01",
    "-0001-01-01",
    "2026-13-01",
]
HOSTILE_CHOICES = ["nincs-ilyen", "987654321", "-1", "__all__", "None", "true"]
INVALID_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"abc\xed\xa0\x80def", b"\xf8\x88\x80\x80\x80", b"\x80" * 50]

hostile_str = st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES + HOSTILE_CHOICES) | st.text(max_size=40)
hostile_bytes = hostile_str.map(lambda s: s.encode("utf-8", "surrogatepass")) | st.sampled_from(INVALID_UTF8)


def sensible(f: Field) -> str:
    """A value a careful user would give, so that some posts are accepted and their result checked whole."""
    if f.value or f.kind in ("hidden", "checkbox", "radio", "select"):
        return f.value
    return {
        "date": "2026-11-20",
        "datetime-local": "2026-11-20T10:00",
        "time": "10:00",
        "email": "fuzz@example.com",
        "number": "5",
        "tel": "+36 1 234 5678",
        "password": "",
        "file": "",
    }.get(f.kind, "Próba szöveg a mezőben")


@st.composite
def payloads(draw: Any, form: Form) -> list[tuple[str, bytes]]:
    """The (name, value) pairs of one post; a field may be dropped, replaced, or given twice."""
    pairs: list[tuple[str, bytes]] = []
    names = [f.name for f in form.fields if f.name != "csrfmiddlewaretoken"]
    # Half of the posts spoil a single field of an otherwise careful post, so that the field's own checks
    # (and, when it passes them, the saving) are reached; the rest spoil many fields at once.
    target = draw(st.sampled_from(names)) if names and draw(st.booleans()) else None
    for f in form.fields:
        if f.name == "csrfmiddlewaretoken":
            continue
        if target is None:
            how = draw(st.sampled_from(["keep", "keep", "hostile", "hostile", "drop", "twice"]))
        else:
            how = draw(st.sampled_from(["hostile", "drop", "twice"])) if f.name == target else "keep"
        base = sensible(f)
        if f.kind in ("checkbox", "radio") and f.options and draw(st.booleans()):
            base = draw(st.sampled_from(f.options))
        if how == "drop":
            continue
        value = base.encode() if how == "keep" else draw(hostile_bytes)
        if f.kind == "file":
            value = b"" if how == "keep" else value
        pairs.append((f.name, value))
        if how == "twice":
            pairs.append((f.name, draw(hostile_bytes)))
    if form.key()[2] and draw(st.integers(0, 4)) == 0:
        pairs.append((draw(st.sampled_from([f.name for f in form.fields])), draw(hostile_bytes)))
    return pairs


def encode(pairs: list[tuple[str, bytes]], form: Form, file_names: set[str]) -> tuple[bytes, str]:
    if not form.multipart:
        text = "&".join(f"{quote_from_bytes(n.encode())}={quote_from_bytes(v)}" for n, v in pairs)
        return text.encode(), "application/x-www-form-urlencoded"
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in pairs:
        if name in file_names:
            disposition = f'form-data; name="{name}"; filename="fuzz<\x01>.txt"'
            parts.append(
                f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: text/plain\r\n\r\n".encode()
                + value
                + b"\r\n"
            )
        else:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
            )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# --- the checks -----------------------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MAIN_TABLES}


def half_saved() -> list[str]:
    found = []
    if Ticket.objects.exclude(pk__in=TicketEvent.objects.values("ticket_id")).exists():
        found.append("a ticket without events")
    if Complaint.objects.exclude(pk__in=ComplaintEvent.objects.values("complaint_id")).exists():
        found.append("a complaint without events")
    if Document.objects.exclude(pk__in=DocumentVersion.objects.values("document_id")).exists():
        found.append("a library document without a version")
    if SubjectRequest.objects.exclude(pk__in=SubjectRequestEvent.objects.values("request_id")).exists():
        found.append("a data-subject request without its timeline")
    return found


ERROR_SHOWN = re.compile(rb'<div class="(?:flash error|error|errors)"|class="errorlist')


def refused(response: Any) -> bool:
    """A refusal: an error status, or the form shown again with its errors (some pages answer 200 so)."""
    if response.status_code >= 400:
        return True
    return response.status_code == 200 and bool(ERROR_SHOWN.search(response.content))


def post_checked(client: Client, form: Form, pairs: list[tuple[str, bytes]], fresh: bool = True) -> Any:
    """Send one post (or search) of `form` and check: no server error, a refusal saves nothing, no half-save."""
    label = f"{form.method.upper()} {form.action} (form of {form.page})"
    file_names = {f.name for f in form.fields if f.kind == "file"}
    if fresh:
        cache.clear()  # the login throttle and rate limits: every post starts fresh
    before = counts()
    client.raise_request_exception = False
    if form.method == "get":
        query = "&".join(f"{quote_from_bytes(n.encode())}={quote_from_bytes(v[:2000])}" for n, v in pairs)
        response = client.get(f"{urlsplit(form.action).path}?{query}")
    else:
        body, content_type = encode(pairs, form, file_names)
        response = client.post(urlsplit(form.action).path, data=body, content_type=content_type)
    sent = [(n, v[:60]) for n, v in pairs]
    assert response.status_code < 500, f"{label}: {response.status_code} for {sent}"
    if form.method == "post" and refused(response):
        assert counts() == before, f"{label}: refused ({response.status_code}) but saved, for {sent}"
    assert not half_saved(), f"{label}: {half_saved()} after {sent}"
    return response


def fuzz_form(client: Client, form: Form) -> None:

    @FUZZ
    @given(pairs=payloads(form))
    def one(pairs: list[tuple[str, bytes]]) -> None:
        post_checked(client, form, pairs)

    one()
    # Last, the careful post itself: whatever it saves must be whole.
    post_checked(client, form, [(f.name, sensible(f).encode()) for f in form.fields if f.kind != "file"])


def fuzz_pages(client: Client, pages: list[str], seen: set[Any] | None = None) -> int:
    """Fuzz every form of every page; returns how many forms were fuzzed."""
    seen = set() if seen is None else seen
    fuzzed = 0
    for page in pages:
        for form in forms_of(client, page):
            if form.key() in seen:
                continue
            seen.add(form.key())
            fuzz_form(client, form)
            fuzzed += 1
    return fuzzed


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ticket_url(ticket: Ticket) -> str:
    return f"/tickets/{ticket.year}/{ticket.sequence}/"


def complaint_url(complaint: Complaint) -> str:
    return f"/complaints/{complaint.year}/{complaint.sequence}/"


def posted_actions(forms_seen: set[Any]) -> set[str]:
    return {re.sub(r"/\d+(?=/)", "/N", urlsplit(action).path) for action, method, _ in forms_seen if method == "post"}


# --- the tests ------------------------------------------------------------------------------------------------


def test_intake_and_ticket_step_forms_survive_hostile_input(world):  # noqa: F811
    objects, users = world
    contact = objects.ticket.contact
    tickets = {state: advance(register(users, contact), state, users) for state in State if state != State.REJECTED}
    seen: set[Any] = set()
    agent = client_of(users["agent"])
    pages = [
        "/intake/oral/",
        "/intake/written/",
        "/intake/feedback/",
        f"/intake/feedback/{objects.ticket.year}/{objects.ticket.sequence}/",
        "/complaints/new/",
    ]
    pages += [ticket_url(tickets[s]) for s in (State.NEW, State.VERIFIED, State.SOLVED, State.NOTIFIED)]
    pages += [ticket_url(objects.ticket)]
    fuzz_pages(agent, pages, seen)
    fuzz_pages(client_of(users["dispatcher"]), [ticket_url(tickets[State.DISPATCHING])], seen)
    executor = client_of(users["executor"])
    fuzz_pages(executor, [ticket_url(tickets[State.ASSIGNED]), ticket_url(tickets[State.IN_PROGRESS])], seen)
    fuzz_pages(client_of(users["manager"]), [ticket_url(tickets[State.COMPLETED])], seen)
    actions = posted_actions(seen)
    for expected in ("/intake/oral/", "/intake/written/", "/complaints/new/", "/tickets/N/N/steps/verify/"):
        assert expected in actions, f"no form posts to {expected}: {sorted(actions)}"
    assert sum("/steps/" in a for a in actions) >= 8, sorted(actions)


def test_complaint_library_token_and_account_forms_survive_hostile_input(world):  # noqa: F811
    objects, users = world
    contact = objects.ticket.contact
    seen: set[Any] = set()
    recorded = phone_complaint(users, contact=contact, customer=contact.customer)
    investigating = walk_to(phone_complaint(users), ComplaintState.INVESTIGATING, users)
    proposed = walk_to(phone_complaint(users), ComplaintState.PROPOSED, users)
    decided = walk_to(phone_complaint(users), ComplaintState.DECIDED, users)
    officer = client_of(users["complaint_officer"])
    fuzz_pages(officer, [complaint_url(c) for c in (recorded, investigating, decided)], seen)
    fuzz_pages(client_of(users["executive"]), [complaint_url(proposed)], seen)
    open_ticket = register(users, contact)
    token = token_create(user=users["agent"], name="régi kulcs").token
    client_of(users["agent"])  # a second session: the sessions page then offers to end it
    agent = client_of(users["agent"])
    document = objects.document
    fuzz_pages(
        agent,
        [
            "/library/new/",
            f"/library/{document.pk}/edit/",
            f"/library/{document.pk}/versions/new/",
            f"/library/link/{open_ticket.year}/{open_ticket.sequence}/",
            "/profile/tokens/",
            f"/profile/tokens/{token.pk}/revoke/",
            "/account/sessions/",
            "/account/two-factor/",
        ],
        seen,
    )
    actions = posted_actions(seen)
    for expected in (
        "/library/new/",
        "/library/N/edit/",
        "/library/N/versions/new/",
        "/profile/tokens/",
        "/profile/tokens/N/revoke/",
        "/account/sessions/N/end/",
        "/complaints/N/N/steps/entry/",
        "/complaints/N/N/steps/propose/",
        "/complaints/N/N/steps/decide/",
        "/complaints/N/N/steps/answer/",
    ):
        assert expected in actions, f"no form posts to {expected}: {sorted(actions)}"


def test_public_portal_and_login_forms_survive_hostile_input(world):  # noqa: F811
    objects, users = world
    seen: set[Any] = set()
    anonymous = Client()
    fuzz_pages(anonymous, ["/complaints/submit/", "/login/", "/portal/login/", "/portal/password-reset/"], seen)
    contact = objects.ticket.contact
    account = portal_account(contact)
    solved = advance(register(users, contact, channel=Channel.WEB), State.NOTIFIED, users)
    portal = client_of(account)
    fuzz_pages(
        portal,
        [
            "/portal/requests/new/",
            f"/portal/requests/{solved.year}/{solved.sequence}/",
            f"/portal/requests/{objects.ticket.year}/{objects.ticket.sequence}/",
            "/portal/complaint/",
        ],
        seen,
    )
    actions = posted_actions(seen)
    for expected in (
        "/complaints/submit/",
        "/login/",
        "/portal/login/",
        "/portal/password-reset/",
        "/portal/requests/new/",
        "/portal/requests/N/N/reply/",
        "/portal/requests/N/N/feedback/",
        "/portal/requests/N/N/rate/",
        "/portal/complaint/",
    ):
        assert expected in actions, f"no form posts to {expected}: {sorted(actions)}"


def test_data_subject_request_forms_survive_hostile_input(world):  # noqa: F811
    objects, users = world
    seen: set[Any] = set()
    dpo = users["data_protection_officer"]
    other = ContactFactory(name="Adat Alany", customer=objects.ticket.customer)
    request = privacy_services.request_register(
        actor=dpo, kind="access", channel="email", contact=other, details="Kérem az adataimat."
    )
    erasure = privacy_services.request_register(
        actor=dpo, kind="erasure", channel="email", contact=objects.ticket.contact, details="Töröljék."
    )
    client = client_of(dpo)
    fuzz_pages(
        client,
        [
            "/privacy/requests/new/",
            f"/privacy/requests/{request.year}/{request.sequence}/",
            f"/privacy/requests/{erasure.year}/{erasure.sequence}/",
        ],
        seen,
    )
    actions = posted_actions(seen)
    assert "/privacy/requests/new/" in actions, sorted(actions)
    for step in ("assign", "verify", "extend", "complete", "refuse"):
        assert f"/privacy/requests/N/N/{step}/" in actions, sorted(actions)


def test_a_post_without_the_csrf_token_is_refused_and_saves_nothing(world):  # noqa: F811
    objects, users = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["agent"])
    before = counts()
    data = {"subject": "CSRF nélkül", "content": "Nem menthető.", "version": str(objects.ticket.version)}
    for url in ("/intake/oral/", "/intake/written/", "/complaints/new/", "/library/new/", "/profile/tokens/"):
        assert client.post(url, data).status_code == 403, url
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/complaints/submit/", data).status_code == 403
    assert anonymous.post("/login/", {"username": "agent", "password": "x"}).status_code == 403
    assert counts() == before


VERSIONS = st.sampled_from(
    [
        "9223372036854775807",
        "9223372036854775808",
        str(10**40),
        "-1",
        "-9223372036854775809",
        "0",
        "",
        "abc",
        "1.0",
        "1e3",
        "\x00",
        "٣",
        " 1 ",
    ]
) | st.integers(min_value=-(2**70), max_value=2**70).map(str)


def test_a_damaged_version_on_a_ticket_step_changes_nothing(world):  # noqa: F811
    """The ticket step forms' version (their expected_version) huge, negative or not a number: 400 or 409."""
    objects, users = world
    ticket = register(users, objects.ticket.contact)
    agent = client_of(users["agent"])
    forms = [f for f in forms_of(agent, ticket_url(ticket)) if "/steps/" in f.action]
    assert {"verify", "reject"} <= {urlsplit(f.action).path.split("/")[-2] for f in forms}

    @FUZZ
    @given(version=VERSIONS, index=st.integers(0, len(forms) - 1))
    def one(version: str, index: int) -> None:
        with contextlib.suppress(ValidationError):  # a value read as the current version ("1.0") is no damage
            assume(django_forms.IntegerField().clean(version) != ticket.version)
        form = forms[index]
        pairs = [(f.name, (version if f.name.endswith("-version") else sensible(f)).encode()) for f in form.fields]
        response = post_checked(agent, form, pairs)
        assert response.status_code in (400, 409), (form.action, version, response.status_code)
        ticket.refresh_from_db()
        assert ticket.state == State.NEW

    one()


def test_the_staff_login_survives_hostile_passwords_for_a_real_account(world):  # noqa: F811
    form = next(f for f in forms_of(Client(), "/login/") if urlsplit(f.action).path == "/login/")

    @FUZZ
    @given(password=hostile_bytes, repeat=st.integers(1, 7))
    def one(password: bytes, repeat: int) -> None:
        cache.clear()
        client = Client()
        pairs = [(f.name, b"agent" if f.name == "username" else password) for f in form.fields if f.kind != "hidden"]
        for _ in range(repeat):  # past the throttle's five failures, too
            response = post_checked(client, form, pairs, fresh=False)
            assert response.status_code in (200, 403, 429), response.status_code
        assert "_auth_user_id" not in client.session

    one()


MALFORMED_BODIES = [
    (b'--abc\r\nContent-Disposition: form-data; name="subject"\r\n\r\nx', "multipart/form-data; boundary=abc"),
    (b"--abc--\r\n", "multipart/form-data"),  # no boundary given
    (b"garbage without parts", "multipart/form-data; boundary=abc"),
    (b"subject=%zz&content=%&=&&%ff%fe=%00", "application/x-www-form-urlencoded"),
    ("&".join(f"f{i}=x" for i in range(5000)).encode(), "application/x-www-form-urlencoded"),  # too many fields
    (b"subject=" + b"x" * 3_000_000, "application/x-www-form-urlencoded"),  # past the upload memory limit
    (b'{"subject": "json"}', "application/json"),
    (b"\xff\xfe\x00\x01", "text/plain; charset=utf-16"),
    (b"subject=x", "application/x-www-form-urlencoded; charset=nincs-ilyen"),
]


def test_malformed_request_bodies_are_refused_and_save_nothing(world):  # noqa: F811
    objects, users = world
    ticket = register(users, objects.ticket.contact)
    agent, anonymous = client_of(users["agent"]), Client()
    targets = [
        (agent, "/intake/oral/"),
        (agent, "/intake/written/"),
        (agent, "/complaints/new/"),
        (agent, "/library/new/"),
        (agent, "/profile/tokens/"),
        (agent, f"/tickets/{ticket.year}/{ticket.sequence}/steps/verify/"),
        (anonymous, "/complaints/submit/"),
        (anonymous, "/login/"),
        (anonymous, "/portal/login/"),
    ]
    before = counts()
    for client, url in targets:
        client.raise_request_exception = False
        for body, content_type in MALFORMED_BODIES:
            cache.clear()
            response = client.generic("POST", url, data=body, content_type=content_type)  # sent as it is
            assert response.status_code < 500, (url, content_type, body[:40], response.status_code)
    assert counts() == before
    ticket.refresh_from_db()
    assert ticket.state == State.NEW


@pytest.mark.parametrize("employee", ["9223372036854775808", "-9223372036854775809", str(10**40)])
def test_an_employee_id_past_the_integer_range_is_refused_as_an_unknown_choice(world, employee):  # noqa: F811
    """Found by the fuzzing: the "employees concerned" step answered a server error for such an id."""
    _objects, users = world
    complaint = phone_complaint(users)
    client = client_of(users["complaint_officer"])
    response = client.post(
        f"{complaint_url(complaint)}steps/concerned/",
        {"concerned-version": complaint.version, "concerned-employees": [users["executor"].pk, employee]},
    )
    assert response.status_code == 400
    assert ERROR_SHOWN.search(response.content)  # the form comes back with the field's error
    complaint.refresh_from_db()
    assert not complaint.concerned.exists()


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00", "9999-12-31T23:59", "1000-01-01T12:00"])
@pytest.mark.parametrize("outside_hours", [b"", b"on"])
def test_a_far_off_reception_time_is_refused_with_an_error(world, received_at, outside_hours):  # noqa: F811
    """Found by the fuzzing: 0001-01-01 as the time an oral request arrived was a server error (the opening-hours
    calendar counted from it past the first day there is)."""
    _objects, users = world
    pages = [
        (client_of(users["agent"]), "/intake/oral/"),
        (client_of(users["agent"]), "/intake/written/"),
        (client_of(users["agent"]), "/complaints/new/"),
        (client_of(users["data_protection_officer"]), "/privacy/requests/new/"),
    ]
    for client, page in pages:
        form = next(f for f in forms_of(client, page) if urlsplit(f.action).path == page and f.method == "post")
        assert "received_at" in {f.name for f in form.fields}, page
        pairs = [
            (f.name, received_at.encode() if f.name == "received_at" else sensible(f).encode())
            for f in form.fields
            if f.name != "outside_hours" and f.kind != "file"
        ]
        response = post_checked(client, form, [*pairs, ("outside_hours", outside_hours)])
        assert refused(response), (page, response.status_code)
