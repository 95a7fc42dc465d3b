"""No user content executes in a staff member's or a customer's browser.

Script payloads go in through every door a customer or a sender has — a contact's name, a ticket's subject
and description, a file name, an HTML e-mail, a library Markdown page, a complaint — and the staff pages
(ticket list and page, intake searches, complaints, library, dashboard, the admin's contact list) and the
portal pages must show them as text only: no script element of ours carries them, no tag gets an on…=
handler, no link a javascript: address. One test opens the pages in Chromium and waits for a dialog.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from library.choices import Visibility
from library.tests.factories import publish
from mail.services import message_ingest
from portal.tests.factories import PASSWORD, portal_account
from testkit.complaints import phone_complaint
from testkit.factories import ContactFactory
from tickets import workflow
from tickets.choices import Channel
from tickets.models import Ticket

CONTACT_NAME = "<script>alert(1)</script>Kovács"
SUBJECT = "<img src=x onerror=alert(2)>"
DESCRIPTION = "Nem megy. <svg onload=alert(3)> <a href='javascript:alert(5)'>katt</a>"
FILE_NAME = '"><script>alert(4)</script>.png'  # Django keeps the part after the last "/": script>.png
FILE_NAME_2 = '"><img src=x onerror=alert(18)>.png'
MAIL_HTML = (
    "<html><body><p>Levél <script>alert(6)</script><img src=x onerror=alert(7)>"
    "<a href='javascript:alert(8)'>ide</a></p></body></html>"
)
MARKDOWN = (
    "# Kézikönyv <script>alert(9)</script>\n\n<img src=x onerror=alert(10)>\n\n"
    "[kattints](javascript:alert(11)) <svg onload=alert(12)>"
)
COMPLAINT_TEXT = "<script>alert(13)</script> panasz <img src=x onerror=alert(14)>"


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def executable_content(html: str) -> list[str]:
    """What in `html` a browser would run: inline scripts with a payload, on… handlers, javascript: links."""
    parser = _Tags()
    parser.feed(html)
    found = [f"<script> with {text.strip()[:60]!r}" for text in parser.scripts if "alert(" in text]
    for tag, attrs in parser.tags:
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:text/html", "vbscript:")):
                found.append(f"<{tag} {name}={value!r}>")
    # The raw payloads, unescaped, anywhere in the source.
    for raw in ("<script>alert", "<img src=x onerror", "<svg onload"):
        if raw in html:
            found.append(f"raw {raw!r}")
    return found


def _ingest_html_mail(sender: str) -> None:
    boundary = "b-xss"
    raw = (
        f"From: <{sender}>\r\nTo: help@pult.example\r\nSubject: =?utf-8?q?Lev=C3=A9l?= <b onmouseover=alert(15)>\r\n"
        f"Message-ID: <xss-1@alfa.example>\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{MAIL_HTML}\r\n"
        f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="<img src=x onerror=alert(16)>.txt"\r\n\r\nszoveg\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    message_ingest(raw=raw)


def hostile_world(users: dict[str, Any]) -> dict[str, Any]:
    agent = users["agent"]
    contact = ContactFactory(name=CONTACT_NAME, email="xss@alfa.example", customer__name="<b>Alfa</b> Kft.")
    ticket = workflow.register_ticket(
        actor=agent,
        contact=contact,
        subject=SUBJECT,
        description=DESCRIPTION,
        channel=Channel.PHONE,
        attachments=[
            SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, content_type="image/png")
            for name in (FILE_NAME, FILE_NAME_2)
        ],
    )
    _ingest_html_mail(contact.email)
    mailed = Ticket.objects.exclude(pk=ticket.pk).get(contact=contact)
    publish(agent, title="<script>alert(17)</script>Kézikönyv", markdown=MARKDOWN, visibility=Visibility.CUSTOMERS)
    complaint = phone_complaint(
        users, subject=COMPLAINT_TEXT, description=COMPLAINT_TEXT, complainant_name=CONTACT_NAME, contact=contact
    )
    account = portal_account(contact)
    return {"contact": contact, "ticket": ticket, "mailed": mailed, "complaint": complaint, "account": account}


def staff_pages(world: dict[str, Any]) -> dict[str, list[str]]:
    """URLs by role: the pages on which the hostile texts show up."""
    ticket, mailed, complaint = world["ticket"], world["mailed"], world["complaint"]
    document_pk = _document_pk()
    return {
        "agent": [
            "/",
            "/tickets/",
            "/tickets/?q=img",
            "/tickets/?q=onerror+alert",  # the search's highlighted subject and snippet (<mark> only)
            "/tickets/?q=svg+onload",
            f"/tickets/{ticket.year}/{ticket.sequence}/",
            f"/tickets/{mailed.year}/{mailed.sequence}/",
            "/intake/contacts/?q=Kov",
            "/intake/feedback/?q=img",
            "/complaints/",
            f"/complaints/{complaint.year}/{complaint.sequence}/",
            "/library/",
            "/library/?q=kezikonyv",
            f"/library/{document_pk}/",
            "/overview/",
        ],
        "complaint_officer": ["/complaints/", f"/complaints/{complaint.year}/{complaint.sequence}/"],
        "manager": ["/admin/customers/contact/", f"/admin/customers/contact/{world['contact'].pk}/change/"],
    }


def _document_pk() -> int:
    from library.models import Document

    return Document.objects.get(title__contains="alert(17)").pk


def portal_pages(world: dict[str, Any]) -> list[str]:
    ticket, mailed = world["ticket"], world["mailed"]
    return [
        "/portal/",
        f"/portal/requests/{ticket.year}/{ticket.sequence}/",
        f"/portal/requests/{mailed.year}/{mailed.sequence}/",
        "/portal/documents/",
        f"/portal/documents/{_document_pk()}/",
    ]


@pytest.mark.django_db
def test_hostile_texts_are_shown_as_text_on_every_staff_and_portal_page(users, smtp_server):
    User.objects.filter(pk=users["manager"].pk).update(is_staff=True)
    world = hostile_world(users)
    problems: list[str] = []
    seen_escaped = 0
    for role, urls in staff_pages(world).items():
        client = Client()
        client.force_login(users[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, f"{role} {url}: {response.status_code}"
            html = response.content.decode()
            problems += [f"{role} {url}: {found}" for found in executable_content(html)]
            seen_escaped += html.count("&lt;script&gt;alert(1)") + html.count("&lt;img src=x onerror=alert(2)")
    client = Client()
    client.force_login(world["account"])
    for url in portal_pages(world):
        response = client.get(url)
        assert response.status_code == 200, f"portal {url}: {response.status_code}"
        html = response.content.decode()
        problems += [f"portal {url}: {found}" for found in executable_content(html)]
    assert not problems, "\n".join(problems)
    # The texts are there, escaped: the pages did show them (a page that dropped them would prove nothing).
    assert seen_escaped >= 5


@pytest.mark.django_db
def test_the_stored_ticket_keeps_the_texts_as_typed_and_the_mail_html_is_sanitised(users, smtp_server):
    world = hostile_world(users)
    ticket = world["ticket"]
    assert ticket.subject == SUBJECT
    assert set(ticket.attachments.values_list("original_name", flat=True)) == {"script>.png", FILE_NAME_2}
    mailed = world["mailed"]
    assert "alert(6)" not in mailed.description  # the HTML's script is dropped, not turned into text
    assert "javascript:" not in mailed.description


# --- in a real browser ---------------------------------------------------------------------------------------


def _watched_page(browser: Any, dialogs: list[str], console: list[str]) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{page.url}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: console.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"{page.url}: {error}"))
    return page


def _log_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form [type=submit]")


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_in_chromium_on_the_ticket_page_and_the_portal_request(
    browser, live_server, users, smtp_server
):
    world = hostile_world(users)
    ticket, base = world["ticket"], live_server.url
    dialogs: list[str] = []
    console: list[str] = []

    staff = _watched_page(browser, dialogs, console)
    _log_in(staff, f"{base}/login/", "agent")
    for url in (f"/tickets/{ticket.year}/{ticket.sequence}/", "/tickets/"):
        response = staff.goto(f"{base}{url}")
        assert response is not None and response.status == 200
        staff.wait_for_load_state("networkidle")
        assert SUBJECT in staff.locator("main").inner_text()  # shown, as text
    staff.goto(f"{base}/tickets/{ticket.year}/{ticket.sequence}/")
    assert FILE_NAME_2 in staff.locator("main").inner_text() and CONTACT_NAME in staff.locator("main").inner_text()

    customer = _watched_page(browser, dialogs, console)
    _log_in(customer, f"{base}/portal/login/", world["account"].username)
    for item in (ticket, world["mailed"]):
        response = customer.goto(f"{base}/portal/requests/{item.year}/{item.sequence}/")
        assert response is not None and response.status == 200
        customer.wait_for_load_state("networkidle")

    assert dialogs == []
    assert [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m] == []


def test_the_checker_finds_a_payload_that_was_not_escaped():
    """The page check above would see a payload that got through (it is not a check that cannot fail)."""
    assert executable_content(f"<p>{SUBJECT}</p>") != []
    assert executable_content("<a href=' JavaScript:alert(1)'>x</a>") != []
    assert executable_content("<script>alert(1)</script>") != []
    assert executable_content("<p>&lt;img src=x onerror=alert(2)&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>") == []
