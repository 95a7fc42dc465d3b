"""No copies of personal data in caches: `Cache-Control: no-store` on what a signed-in person gets.

Staff pages, the admin, the API (with a token and with the session), the portal's pages and every download
(attachments, PDFs, CSV exports, library files) are requested as a staff member and as a portal user, and each
answer must say no-store; a download is no-store even for a visitor. Static files keep their caching, and a
view's own no-store header (the health checks' never_cache) is left as the view wrote it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from api.services import token_create
from common.middleware import NoStoreMiddleware
from common.pdf import pdf_response
from library.choices import Visibility
from library.tests.factories import publish, upload
from portal import services as portal_services
from portal.tests.factories import portal_account
from testkit.complaints import phone_complaint
from testkit.factories import ContactFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users: dict[str, Any], smtp_server: Any) -> dict[str, Any]:
    contact = ContactFactory()
    portal_user = portal_account(contact)
    ticket = portal_services.submit_request(
        user=portal_user,
        module=None,
        subject="Nem nyomtat a számlázó",
        description="A nyomtatás gomb nem működik.",
        files=[SimpleUploadedFile("szamla.txt", b"Szamla tartalma\n", content_type="text/plain")],
    )
    phone_complaint(users, contact=contact, customer=contact.customer)
    document = publish(
        users["agent"], title="Kézikönyv", visibility=Visibility.CUSTOMERS, file=upload("kezikonyv.txt", b"Szoveg\n")
    )
    return {"ticket": ticket, "attachment": ticket.attachments.get(), "document": document, "portal_user": portal_user}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_no_store(client: Client, url: str, **extra: Any) -> None:
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    assert "no-store" in response.get("Cache-Control", ""), url


def test_staff_pages_and_downloads_are_never_stored(users: dict[str, Any], world: dict[str, Any]) -> None:
    ticket, attachment = world["ticket"], world["attachment"]
    number = {"year": ticket.year, "sequence": ticket.sequence}
    today = timezone.localdate().isoformat()
    agent = _client(users["agent"])
    for url in [
        reverse("dashboard:home"),
        reverse("tickets:list"),
        reverse("tickets:detail", kwargs=number),
        reverse("tickets:pdf", kwargs=number),  # a PDF, inline
        reverse("tickets:attachment", kwargs={"pk": attachment.pk}),  # an attachment
        reverse("library:download", kwargs={"pk": world["document"].pk, "number": world["document"].current.number}),
        reverse("api_pages:tokens"),
        f"/api/v1/tickets/{ticket.year}/{ticket.sequence}",  # the API with the staff session
    ]:
        _assert_no_store(agent, url)

    officer = _client(users["complaint_officer"])
    _assert_no_store(officer, reverse("complaints:list"))
    _assert_no_store(officer, reverse("complaints:export_csv"), data={"start": today, "end": today})
    _assert_no_store(_client(users["data_protection_officer"]), reverse("privacy:access_log_csv"))
    _assert_no_store(_client(users["manager"]), reverse("dashboard:report_csv"))
    admin = user_with_role(Role.ADMINISTRATOR, username="admin-cache", is_staff=True)
    _assert_no_store(_client(admin), reverse("admin:index"))


def test_api_answers_to_a_token_are_never_stored(users: dict[str, Any], world: dict[str, Any]) -> None:
    token = token_create(user=users["agent"], name="cache").plain
    headers = {"Authorization": f"Bearer {token}"}
    client = Client()
    _assert_no_store(client, "/api/v1/tickets", headers=headers)
    _assert_no_store(client, f"/api/v1/attachments/{world['attachment'].pk}/download", headers=headers)


def test_portal_pages_and_downloads_are_never_stored(world: dict[str, Any]) -> None:
    ticket = world["ticket"]
    number = {"year": ticket.year, "sequence": ticket.sequence}
    client = _client(world["portal_user"])
    for url in [
        reverse("portal:home"),
        reverse("portal:request", kwargs=number),
        reverse("portal:attachment", kwargs={**number, "pk": world["attachment"].pk}),
        reverse("portal:documents"),
        reverse("portal:document_download", kwargs={"pk": world["document"].pk}),
    ]:
        _assert_no_store(client, url)


def test_static_files_keep_their_caching_for_a_signed_in_user(users: dict[str, Any]) -> None:
    response = _client(users["agent"]).get("/static/css/pult.css")
    assert response.status_code == 200
    cache_control = response.get("Cache-Control", "")
    assert "max-age" in cache_control and "no-store" not in cache_control


def test_a_views_own_no_store_header_is_kept(users: dict[str, Any]) -> None:
    response = _client(users["agent"]).get(reverse("monitoring:live"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def _through_middleware(response: HttpResponse, user: Any) -> HttpResponse:
    request: HttpRequest = RequestFactory().get("/")
    request.user = user
    return NoStoreMiddleware(lambda _request: response)(request)


def test_a_download_is_never_stored_even_for_a_visitor() -> None:
    attachment = FileResponse(iter([b"x"]), as_attachment=True, filename="a.txt")
    assert _through_middleware(attachment, AnonymousUser())["Cache-Control"] == "no-store"
    pdf = pdf_response(b"%PDF-1.7", "level.pdf")
    pdf["Cache-Control"] = "max-age=3600"  # weaker than no-store: replaced
    assert _through_middleware(pdf, AnonymousUser())["Cache-Control"] == "no-store"


def test_a_visitors_page_is_left_to_the_view() -> None:
    page = HttpResponse("<p>Bejelentkezés</p>")
    assert not _through_middleware(page, AnonymousUser()).has_header("Cache-Control")
