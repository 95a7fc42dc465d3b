"""A contact sees exactly their own requests (or their organisation's, when shared) and nothing else, on
every portal URL. The URL list is read from portal/urls.py, so a new URL cannot be left out of the check."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from library import services as library
from library.choices import Visibility
from library.models import Category
from portal import services
from portal.tests.factories import PASSWORD, client_for
from portal.urls import urlpatterns
from testkit.workflow import advance
from tickets.choices import State

pytestmark = pytest.mark.django_db

SECRET = "Béta titkos kérése"


@pytest.fixture
def world(customer_a: Any, customer_b: Any, users: Any) -> dict[str, Any]:
    """Customer B has a closed request with a file and an open one; A has one of their own; the library has
    a staff-only document next to a customers' one."""

    def file(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"tartalom", content_type="text/plain")

    b_open = services.submit_request(
        user=customer_b, module=None, subject=SECRET, description="Belső ügy.", files=[file("beta.txt")]
    )
    b_closed = advance(
        services.submit_request(user=customer_b, module=None, subject=SECRET + " 2", description="x"),
        State.CLOSED,
        users,
    )
    a_own = services.submit_request(
        user=customer_a, module=None, subject="Alfa kérése", description="y", files=[file("alfa.txt")]
    )
    boss = User.objects.create_superuser("konyvtaros", "konyvtar@pult.example", PASSWORD)
    category = Category.objects.get_or_create(slug="portal-test", defaults={"name": "Teszt", "name_en": "Test"})[0]
    staff_doc = library.publish_document(
        actor=boss,
        title="Belső kézikönyv",
        summary="",
        category=category,
        module=None,
        visibility=Visibility.STAFF,
        file=SimpleUploadedFile("belso.txt", b"belso szoveg", content_type="text/plain"),
    )
    public_doc = library.publish_document(
        actor=boss,
        title="Ügyfél útmutató",
        summary="",
        category=category,
        module=None,
        visibility=Visibility.CUSTOMERS,
        markdown="# Útmutató",
    )
    return {
        "b_open": b_open,
        "b_closed": b_closed,
        "b_attachment": b_open.attachments.get(),
        "a_own": a_own,
        "a_attachment": a_own.attachments.get(),
        "staff_doc": staff_doc,
        "public_doc": public_doc,
    }


def ticket_kwargs(ticket: Any) -> dict[str, int]:
    return {"year": ticket.year, "sequence": ticket.sequence}


def other_customers_urls(name: str, world: dict[str, Any], customer_b: Any) -> list[str]:
    """The URLs of `name` that point at customer B's data (or at staff-only data)."""
    from django.urls import reverse

    b_open, b_closed, attachment = world["b_open"], world["b_closed"], world["b_attachment"]
    if name in ("request", "reply", "feedback", "rate"):
        return [reverse(f"portal:{name}", kwargs=ticket_kwargs(t)) for t in (b_open, b_closed)]
    if name == "attachment":
        return [
            reverse("portal:attachment", kwargs=ticket_kwargs(b_open) | {"pk": attachment.pk}),
            # B's file through A's own request.
            reverse("portal:attachment", kwargs=ticket_kwargs(world["a_own"]) | {"pk": attachment.pk}),
        ]
    if name in ("document", "document_download"):
        return [reverse(f"portal:{name}", kwargs={"pk": world["staff_doc"].pk})]
    raise AssertionError(name)


OBJECT_URLS = {"request", "reply", "feedback", "rate", "attachment", "document", "document_download"}
# Pages without an object of their own: they must show nothing of another customer.
PAGES = {"home", "new_request", "complaint", "documents", "login", "password_reset", "password_reset_done"}
# Account links carry a user id and a token: checked by test_account_links_do_not_open_another_account.
ACCOUNT_LINKS = {"invitation", "password_reset_confirm"}
# Pages that show no data at all.
STATIC_PAGES = {"logout", "password_reset_complete"}


def test_every_portal_url_is_covered_by_an_isolation_check():
    names = {pattern.name for pattern in urlpatterns}
    assert names == OBJECT_URLS | PAGES | ACCOUNT_LINKS | STATIC_PAGES


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_another_customers_objects_answer_404_on_every_url(name, world, customer_a, customer_b):
    client = client_for(customer_a)
    for url in other_customers_urls(name, world, customer_b):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"text": "x", "score": "5"}).status_code in (404, 405), url
    # Nothing was written on B's requests.
    assert world["b_open"].events.count() == 2  # registered, file attached
    assert not world["b_closed"].ratings.exists() and not world["b_closed"].feedback.exists()


@pytest.mark.parametrize("name", sorted(OBJECT_URLS - {"document", "document_download"}))
def test_the_owner_reaches_the_same_urls(name, world, customer_b):
    from django.urls import reverse

    client = client_for(customer_b)
    if name == "attachment":
        url = reverse("portal:attachment", kwargs=ticket_kwargs(world["b_open"]) | {"pk": world["b_attachment"].pk})
        assert client.get(url).status_code == 200
        return
    url = reverse(f"portal:{name}", kwargs=ticket_kwargs(world["b_closed"]))
    if name == "request":
        assert client.get(url).status_code == 200
    else:
        # Valid for the owner: the form is accepted or refused for its content, never as "not found".
        assert client.post(url, {"text": "Visszajelzés", "score": "5"}).status_code in (302, 400)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_without_an_object_show_nothing_of_another_customer(name, world, customer_a):
    from django.urls import reverse

    client = client_for(customer_a)
    response = client.get(reverse(f"portal:{name}"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET not in page and "beta.txt" not in page and "Belső kézikönyv" not in page
    assert "Béta Bt." not in page and "Nagy Béla" not in page


def test_the_lists_show_own_requests_and_customer_documents(world, customer_a):
    client = client_for(customer_a)
    assert "Alfa kérése" in client.get("/portal/").content.decode()
    documents = client.get("/portal/documents/").content.decode()
    assert "Ügyfél útmutató" in documents and "Belső kézikönyv" not in documents
    found = client.get("/portal/documents/", {"q": "utmutato"}).content.decode()
    assert "Ügyfél útmutató" in found
    assert "Belső kézikönyv" not in client.get("/portal/documents/", {"q": "belso"}).content.decode()
    assert client.get(f"/portal/documents/{world['public_doc'].pk}/").status_code == 200


def test_account_links_do_not_open_another_account(world, customer_a, customer_b, smtp_server):
    from django.urls import reverse

    own_token = services.invitation_tokens.make_token(customer_a)
    b_uid = urlsafe_base64_encode(force_bytes(customer_b.pk))
    response = Client().post(
        reverse("portal:invitation", kwargs={"uidb64": b_uid, "token": own_token}),
        {"new_password1": "Uj-Jelszo-2026", "new_password2": "Uj-Jelszo-2026"},
    )
    assert response.status_code == 400
    reset_token = services.password_reset_tokens.make_token(customer_a)
    confirm = Client().get(
        reverse("portal:password_reset_confirm", kwargs={"uidb64": b_uid, "token": reset_token}), follow=True
    )
    assert not confirm.context["validlink"]
    customer_b.refresh_from_db()
    assert customer_b.check_password(PASSWORD)


def test_a_staff_account_cannot_be_taken_over_through_portal_links(world, users):
    from django.urls import reverse

    agent = users["agent"]
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    for token in (services.invitation_tokens.make_token(agent), services.password_reset_tokens.make_token(agent)):
        assert Client().get(reverse("portal:invitation", kwargs={"uidb64": uid, "token": token})).status_code == 400
        confirm = Client().get(
            reverse("portal:password_reset_confirm", kwargs={"uidb64": uid, "token": token}), follow=True
        )
        assert not confirm.context["validlink"]


@pytest.mark.parametrize("name", sorted(STATIC_PAGES))
def test_static_pages_answer_without_data(name, customer_a):
    from django.urls import reverse

    client = client_for(customer_a)
    response = client.post(reverse(f"portal:{name}")) if name == "logout" else client.get(reverse(f"portal:{name}"))
    assert response.status_code in (200, 302)
