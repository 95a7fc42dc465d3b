"""Review of the portal, the API, the library and webhooks (issue 6): defects found, and properties checked.

The tests named ``test_defect_…`` show a defect: they fail until it is fixed. The others check properties
that hold and that no other test covered.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api.services import token_create
from library import services as library
from library.choices import Visibility
from library.models import Category
from portal import services as portal
from portal.tests.factories import PASSWORD, client_for, portal_account
from testkit.factories import ContactFactory
from webhooks.models import Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(db: Any) -> Any:
    """A contact of Alfa Kft. with a portal account."""
    return portal_account(ContactFactory(name="Kiss Anna", customer__name="Alfa Kft."))


def _bearer(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='review').plain}")


def _category() -> Category:
    return Category.objects.get_or_create(slug="review-6", defaults={"name": "Teszt", "name_en": "Test"})[0]


def _txt(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _TagCollector()
    parser.feed(html)
    return parser.tags


# --- defects -------------------------------------------------------------------------------------------


def test_defect_portal_mail_subjects_show_html_entities_for_an_ampersand(anna, settings, smtp_server):
    """The invitation's and the password reset's subject are rendered with HTML autoescaping: a company
    called "Kovács & Fia Kft." reaches the contact as "Kovács &amp; Fia Kft." in the subject line."""
    settings.PULT_COMPANY_NAME = "Kovács & Fia Kft."
    staff = type(anna).objects.create_superuser("meghivo", "meghivo@pult.example", PASSWORD)
    portal.invite_contact(contact=anna.contact, actor=staff)
    Client().post(reverse("portal:password_reset"), {"email": anna.email})

    subjects = [str(message["Subject"]) for message in smtp_server.messages]
    assert len(subjects) == 2
    for subject in subjects:
        assert "&amp;" not in subject
        assert "Kovács & Fia Kft." in subject


@pytest.mark.parametrize("param", ["q", "state"])
def test_defect_the_complaint_list_refuses_a_nul_character_like_every_other_api_list(users, param):
    """Every other API text parameter refuses NUL with 422 (api.schemas.Text); the complaint list passes it
    to the database, where PostgreSQL's driver refuses it (psycopg DataError: a 500 on PostgreSQL)."""
    client = _bearer(users["complaint_officer"])
    client.raise_request_exception = False

    answer = client.get("/api/v1/complaints/", {param: "panasz\x00"})

    assert answer.status_code == 422
    assert answer.json()["code"] == "validation_error"
    # The same value on the ticket list, for comparison:
    assert client.get("/api/v1/tickets", {"q": "panasz\x00"}).status_code == 422


@pytest.mark.parametrize("page", ["list", "link"])
def test_defect_a_library_search_with_a_nul_character_never_reaches_the_database(users, page, anna):
    """SearchForm.filters() falls back to the raw `q` when the form is invalid, so a NUL character typed in
    the staff search goes into the LIKE query as a parameter; psycopg refuses NUL in parameters (DataError),
    which is a server error on PostgreSQL. On SQLite the page answers, but the parameter is sent all the same."""
    ticket = portal.submit_request(user=anna, module=None, subject="Hiba", description="x")
    url = "/library/" if page == "list" else f"/library/link/{ticket.year}/{ticket.sequence}/"
    client = client_for(users["agent"])

    sent: list[Any] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.extend(params or ())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(url, {"q": "kezikonyv\x00"})

    assert response.status_code == 200
    assert not [value for value in sent if isinstance(value, str) and "\x00" in value]


# --- properties that hold ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example/x", "http:evil.example"]
)
def test_the_portal_login_never_redirects_to_another_site(anna, target):
    response = Client().post(
        f"{reverse('portal:login')}?next={target}", {"username": anna.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_an_invitation_link_is_no_reset_link_and_a_reset_link_works_once(anna):
    uid = urlsafe_base64_encode(force_bytes(anna.pk))
    invitation_token = portal.invitation_tokens.make_token(anna)
    reset_token = portal.password_reset_tokens.make_token(anna)

    # Each kind of token only opens its own kind of link.
    confirm = Client().get(
        reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": invitation_token}), follow=True
    )
    assert not confirm.context["validlink"]
    assert Client().get(reverse("portal:invitation", kwargs={"uidb64": uid, "token": reset_token})).status_code == 400

    # The reset link sets the password once; the same link then no longer works.
    browser = Client()
    form = browser.get(reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": reset_token}))
    assert form.status_code == 302
    done = browser.post(form["Location"], {"new_password1": "Uj-Jelszo-2026!", "new_password2": "Uj-Jelszo-2026!"})
    assert done.status_code == 302
    anna.refresh_from_db()
    assert anna.check_password("Uj-Jelszo-2026!")
    again = Client().get(
        reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": reset_token}), follow=True
    )
    assert not again.context["validlink"]
    assert (
        Client().get(reverse("portal:invitation", kwargs={"uidb64": uid, "token": invitation_token})).status_code == 400
    )


def test_the_portal_serves_only_the_current_version_of_a_customers_document_as_a_safe_download(anna, users):
    staff = users["agent"]
    document = library.publish_document(
        actor=staff,
        title="Ügyfél útmutató",
        summary="",
        category=_category(),
        module=None,
        visibility=Visibility.STAFF,
        file=_txt("belso.txt", b"Belso, csak munkatarsaknak"),
    )
    library.add_version(document=document, actor=staff, file=_txt("utmutato.txt", b"<html><script>alert(1)</script>"))
    document = library.change_document(
        document=document,
        actor=staff,
        title=document.title,
        summary="",
        category=document.category,
        module=None,
        visibility=Visibility.CUSTOMERS,
    )
    client = client_for(anna)

    download = client.get(reverse("portal:document_download", kwargs={"pk": document.pk}))

    assert download.status_code == 200
    assert download.getvalue() == b"<html><script>alert(1)</script>"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    # The older (staff-era) version has no portal address, and the staff download refuses a portal account.
    page = client.get(reverse("portal:document", kwargs={"pk": document.pk})).content.decode()
    assert "belso.txt" not in page
    assert client.get(f"/portal/documents/{document.pk}/versions/1/download/").status_code == 404
    staff_url = reverse("library:download", args=[document.pk, 1])
    assert client.get(staff_url).status_code in (302, 403, 404)
    assert b"Belso" not in client.get(staff_url, follow=True).content


def test_an_api_download_of_an_attachment_whose_file_is_gone_is_404(anna, users):
    ticket = portal.submit_request(user=anna, module=None, subject="Hiba", description="x", files=[_txt("a.txt", b"x")])
    attachment = ticket.attachments.get()
    attachment.file.storage.delete(str(attachment.file.name))
    client = _bearer(users["agent"])
    client.raise_request_exception = False

    answer = client.get(f"/api/v1/attachments/{attachment.pk}/download")

    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


def test_the_portal_attachment_download_is_never_rendered_by_the_browser(anna):
    ticket = portal.submit_request(
        user=anna, module=None, subject="Hiba", description="x", files=[_txt("kep.html", b"<script>alert(1)</script>")]
    )
    attachment = ticket.attachments.get()
    url = reverse("portal:attachment", kwargs={"year": ticket.year, "sequence": ticket.sequence, "pk": attachment.pk})

    download = client_for(anna).get(url)

    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")


def test_html_in_subjects_descriptions_file_names_and_markdown_is_shown_as_text_in_the_portal(anna, users):
    hostile = '<img src=x onerror="alert(1)">'
    ticket = portal.submit_request(
        user=anna, module=None, subject=hostile, description=hostile, files=[_txt(f"{hostile}.txt", b"x")]
    )
    document = library.publish_document(
        actor=users["agent"],
        title=hostile,
        summary=hostile,
        category=_category(),
        module=None,
        visibility=Visibility.CUSTOMERS,
        markdown=f"# Cím\n\n{hostile}\n\n[kattints](javascript:alert(1))",
    )
    client = client_for(anna)
    pages = [
        client.get(reverse("portal:home")),
        client.get(reverse("portal:request", kwargs={"year": ticket.year, "sequence": ticket.sequence})),
        client.get(reverse("portal:documents")),
        client.get(reverse("portal:document", kwargs={"pk": document.pk})),
    ]

    for response in pages:
        assert response.status_code == 200
        tags = _tags(response.content.decode())
        assert "img" not in [tag for tag, _attrs in tags]
        for _tag, attrs in tags:
            # (The page's own language switch has an onchange; nothing typed by a user becomes a handler.)
            assert not any("alert" in (value or "") for value in attrs.values())
            assert not any("javascript:" in (value or "").lower() for value in attrs.values())
    # The text typed is shown as text.
    assert "&lt;img src=x" in pages[1].content.decode()


def test_a_non_administrator_never_sees_a_webhooks_signing_secret(users):
    hook = Webhook.objects.create(name="Monitor", url="https://hooks.example/pult")
    manager = users["manager"]
    manager.is_staff = True
    manager.save()
    client = client_for(manager)

    for url in (
        reverse("admin:webhooks_webhook_change", args=[hook.pk]),
        reverse("admin:webhooks_webhook_changelist"),
        reverse("admin:webhooks_webhookdelivery_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert hook.secret not in response.content.decode()
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    assert (
        hook.secret
        in client_for(administrator).get(reverse("admin:webhooks_webhook_change", args=[hook.pk])).content.decode()
    )


def test_session_writes_in_the_portal_the_library_and_the_token_page_need_the_csrf_token(anna, users):
    ticket = portal.submit_request(user=anna, module=None, subject="Hiba", description="x")
    customer = Client(enforce_csrf_checks=True)
    customer.force_login(anna)
    request_url = reverse("portal:request", kwargs={"year": ticket.year, "sequence": ticket.sequence})
    assert customer.post(f"{request_url}reply/", {"text": "Hamisított üzenet"}).status_code == 403
    assert customer.post(reverse("portal:new_request"), {"subject": "Hamis", "description": "x"}).status_code == 403
    assert customer.post(reverse("portal:complaint"), {"subject": "Hamis", "description": "x"}).status_code == 403
    assert ticket.events.count() == 1 and anna.contact.tickets.count() == 1

    agent = users["agent"]
    document = library.publish_document(
        actor=agent, title="Kézikönyv", summary="", category=_category(), module=None,
        visibility=Visibility.STAFF, markdown="# Kézikönyv",
    )  # fmt: skip
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(agent)
    link_url = reverse("library:link", args=[ticket.year, ticket.sequence])
    assert staff.post(link_url, {"document": document.pk}).status_code == 403
    assert not ticket.library_links.exists()

    plain = token_create(user=agent, name="szkript")
    revoke_url = reverse("api_pages:token_revoke", args=[plain.token.pk])
    assert staff.post(revoke_url).status_code == 403
    still = Client(HTTP_AUTHORIZATION=f"Bearer {plain.plain}").get("/api/v1/modules")
    assert still.status_code == 200
