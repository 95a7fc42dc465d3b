"""The library pages as staff use them: search, a document and its versions, publishing, downloads, links."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from library import selectors, services
from library.choices import FileType, Visibility
from library.models import Document, DocumentVersion, TicketDocument
from library.tests.factories import category, client_for, docx_bytes, pdf_bytes, publish, upload
from testkit.factories import ContactFactory, ModuleFactory, UserFactory
from testkit.workflow import advance, register
from tickets.choices import State

pytestmark = pytest.mark.django_db


def test_a_staff_member_finds_a_modules_manual_by_searching_without_accents(users: Any) -> None:
    module = ModuleFactory(name="Tükörfúrógép")
    manual = publish(
        users["manager"],
        title="Tükörfúrógép felhasználói kézikönyv",
        module=module,
        file=upload("kezikonyv.pdf", pdf_bytes("A tükörfúrógép beállítása és karbantartása")),
    )
    publish(users["manager"], title="Cégbemutató", category=category("company-presentation"))

    response = client_for(users["executor"]).get("/library/", {"q": "tukorfurogep kezikonyv"})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [manual]
    page = response.content.decode()
    assert "Tükörfúrógép felhasználói kézikönyv" in page and "Cégbemutató" not in page
    assert reverse("library:detail", args=[manual.pk]) in page


def test_the_list_filters_by_category_and_module(users: Any) -> None:
    module = ModuleFactory()
    manual = publish(users["agent"], title="Modul leírás", module=module)
    publish(users["agent"], title="Minőségügyi kézikönyv", category=category("quality-assurance"))
    client = client_for(users["agent"])

    by_module = client.get("/library/", {"module": module.pk})
    by_category = client.get("/library/", {"category": category("quality-assurance").pk})
    damaged = client.get("/library/", {"module": "nem-szam", "q": "modul"})

    assert list(by_module.context["page"].object_list) == [manual]
    assert [d.title for d in by_category.context["page"].object_list] == ["Minőségügyi kézikönyv"]
    assert damaged.status_code == 200 and list(damaged.context["page"].object_list) == [manual]


def test_an_htmx_search_returns_only_the_results(users: Any) -> None:
    publish(users["agent"], title="Számlázó kézikönyv")
    response = client_for(users["agent"]).get(
        "/library/", {"q": "szamlazo"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="results">') and "Számlázó kézikönyv" in page


def _varied_documents(users: Any, count: int, start: int = 0) -> None:
    """Documents with and without a module, in several categories, Markdown or a file."""
    slugs = ["module-documentation", "company-presentation", "quality-assurance"]
    for n in range(start, start + count):
        extra: dict[str, Any] = {"category": category(slugs[n % 3])}
        if n % 2:
            extra["module"] = ModuleFactory()
        if n % 4 == 0:
            extra["file"] = upload(f"d{n}.txt", f"Dokumentum {n}".encode())
        publish(users["agent"], title=f"Dokumentum {n:02d}", **extra)


def test_the_list_runs_the_same_queries_for_3_or_30_documents(users: Any, django_assert_num_queries: Any) -> None:
    client = client_for(users["agent"])
    _varied_documents(users, 3)
    client.get("/library/")  # warm up: session, content types

    with CaptureQueriesContext(connection) as few:
        response = client.get("/library/")
    assert len(response.context["page"].object_list) == 3

    _varied_documents(users, 27, start=3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/library/")
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 25


def test_roles_without_the_library_and_portal_accounts_are_kept_out(users: Any) -> None:
    document = publish(users["agent"], visibility=Visibility.PUBLIC, file=upload("a.txt", b"Nyilvanos"))
    assert client_for(users["administrator"]).get("/library/").status_code == 403
    assert client_for(users["administrator"]).get(f"/library/{document.pk}/").status_code == 403
    assert client_for(users["administrator"]).get(f"/library/{document.pk}/versions/1/download/").status_code == 404
    portal_user = UserFactory(contact=ContactFactory())
    for url in ("/library/", f"/library/{document.pk}/", f"/library/{document.pk}/versions/1/download/"):
        assert client_for(portal_user).get(url).status_code in (302, 403, 404)


def test_the_document_page_shows_the_rendered_page_and_every_version(users: Any) -> None:
    agent = users["agent"]
    document = publish(
        agent, title="Panaszkezelési szabályzat", markdown="# Szabályzat\n\n<script>alert(1)</script>**Hatályos**"
    )
    services.add_version(document=document, actor=agent, file=upload("szabalyzat.docx", docx_bytes(["Régi"])))
    services.add_version(document=document, actor=agent, markdown="# Szabályzat 3\n\n**Hatályos**", note="Új határidők")

    response = client_for(users["executor"]).get(f"/library/{document.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Szabályzat 3</h1>" in page and "<strong>Hatályos</strong>" in page
    assert "<script>alert" not in page
    assert [v.number for v in response.context["versions"]] == [3, 2, 1]
    assert reverse("library:download", args=[document.pk, 2]) in page and "szabalyzat.docx" in page
    assert "Új határidők" in page


def test_a_download_is_an_attachment_with_nosniff_also_for_older_versions(users: Any) -> None:
    agent = users["agent"]
    first = pdf_bytes("Első kiadás")
    document = publish(agent, title="Kézikönyv", file=upload("kezikönyv v1.pdf", first))
    services.add_version(document=document, actor=agent, file=upload("kezikonyv-v2.pdf", pdf_bytes("Második")))

    response = client_for(users["executor"]).get(f"/library/{document.pk}/versions/1/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == first
    assert response["Content-Disposition"].startswith("attachment;")
    assert "kez" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"


def test_a_download_of_an_invisible_or_missing_version_is_404(users: Any) -> None:
    agent = users["agent"]
    archived = publish(agent, title="Régi", file=upload("regi.txt", b"regi szoveg"))
    Document.objects.filter(pk=archived.pk).update(is_archived=True)
    markdown_only = publish(agent, title="Csak szöveg")
    executor = client_for(users["executor"])

    assert executor.get(f"/library/{archived.pk}/versions/1/download/").status_code == 404
    assert executor.get(f"/library/{archived.pk}/").status_code == 404
    assert executor.get(f"/library/{markdown_only.pk}/versions/1/download/").status_code == 404
    assert executor.get(f"/library/{markdown_only.pk}/versions/9/download/").status_code == 404
    assert executor.get("/library/99999/versions/1/download/").status_code == 404
    # Those who manage the library still reach an archived document, to bring it back.
    assert client_for(agent).get(f"/library/{archived.pk}/versions/1/download/").status_code == 200


def test_a_manager_publishes_a_pdf_through_the_form(users: Any, django_capture_on_commit_callbacks: Any) -> None:
    module = ModuleFactory(name="Bérszámfejtő")
    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the PDF's text after the commit
        response = client_for(users["manager"]).post(
            "/library/new/",
            {
                "title": "Bérszámfejtő kézikönyv",
                "summary": "Telepítés és használat",
                "category": category().pk,
                "module": module.pk,
                "visibility": Visibility.CUSTOMERS,
                "file": upload("berszamfejto.pdf", pdf_bytes("Bérszámfejtés lépései")),
                "note": "Első kiadás",
            },
        )

    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/library/{document.pk}/"
    assert document.visibility == Visibility.CUSTOMERS and document.module == module
    assert document.current is not None and document.current.content_type == FileType.PDF
    assert list(selectors.search(Document.objects.all(), "berszamfejtes lepesei")) == [document]


def test_a_wrong_file_type_in_the_form_is_refused_with_a_message_and_nothing_saved(users: Any) -> None:
    response = client_for(users["agent"]).post(
        "/library/new/",
        {
            "title": "Kézikönyv",
            "category": category().pk,
            "visibility": Visibility.STAFF,
            "file": upload("kezikonyv.pdf", b"MZ\x90\x00" + b"\x00\x01" * 200, "application/pdf"),
        },
    )

    assert response.status_code == 422
    assert "kezikonyv.pdf" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert Document.objects.count() == 0 and DocumentVersion.objects.count() == 0


def test_the_form_refuses_a_file_and_a_text_together(users: Any) -> None:
    response = client_for(users["agent"]).post(
        "/library/new/",
        {
            "title": "Kézikönyv",
            "category": category().pk,
            "visibility": Visibility.STAFF,
            "markdown": "# Szöveg",
            "file": upload("a.txt", b"szoveg"),
        },
    )
    assert response.status_code == 400 and Document.objects.count() == 0


def test_an_executor_cannot_reach_the_publishing_forms(users: Any) -> None:
    document = publish(users["agent"])
    executor = client_for(users["executor"])
    assert executor.get("/library/new/").status_code == 403
    data = {"title": "X", "category": category().pk, "visibility": Visibility.PUBLIC, "markdown": "x"}
    assert executor.post("/library/new/", data).status_code == 403
    assert executor.post(f"/library/{document.pk}/versions/new/", {"markdown": "Átírva"}).status_code == 403
    assert executor.post(f"/library/{document.pk}/edit/", data).status_code == 403
    assert Document.objects.count() == 1 and document.versions.count() == 1
    assert "/library/new/" not in executor.get("/library/").content.decode()


def test_a_new_version_and_an_edit_through_the_forms(users: Any, django_capture_on_commit_callbacks: Any) -> None:
    document = publish(users["agent"], title="Cégbemutató", category=category("company-presentation"))
    client = client_for(users["agent"])

    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the DOCX's text after the commit
        added = client.post(
            f"/library/{document.pk}/versions/new/",
            {"file": upload("bemutato.docx", docx_bytes(["Cégünk 1992 óta"])), "note": "Frissítve"},
        )
    edited = client.post(
        f"/library/{document.pk}/edit/",
        {
            "title": "Cégbemutató 2026",
            "summary": "",
            "category": category("company-presentation").pk,
            "visibility": Visibility.PUBLIC,
        },
    )

    assert added.status_code == 302 and edited.status_code == 302
    document.refresh_from_db()
    assert document.title == "Cégbemutató 2026" and document.visibility == Visibility.PUBLIC
    assert document.current is not None and document.current.number == 2
    assert list(selectors.search(Document.objects.all(), "cegunk 1992")) == [document]


def test_an_agent_links_a_document_from_the_ticket_and_the_ticket_partial_shows_it(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    document = publish(users["manager"], title="Nyomtatási útmutató")
    client = client_for(users["agent"])
    link_url = f"/library/link/{ticket.year}/{ticket.sequence}/"

    found = client.get(link_url, {"q": "nyomtatasi"})
    linked = client.post(link_url, {"document": document.pk})

    assert found.status_code == 200 and list(found.context["page"].object_list) == [document]
    assert linked.status_code == 302
    assert linked["Location"] == reverse("tickets:detail", args=[ticket.year, ticket.sequence])
    assert TicketDocument.objects.get().linked_by == users["agent"]

    request = RequestFactory().get("/")
    request.user = users["agent"]
    partial = render_to_string(
        "library/_ticket_documents.html",
        {"ticket": ticket, "linked_documents": selectors.linked_to_ticket(users["agent"], ticket)},
        request=request,
    )
    assert "Nyomtatási útmutató" in partial and reverse("library:detail", args=[document.pk]) in partial
    assert f"/library/unlink/{ticket.year}/{ticket.sequence}/" in partial

    detail = client.get(f"/library/{document.pk}/")
    assert ticket.number in detail.content.decode()

    assert (
        client.post(f"/library/unlink/{ticket.year}/{ticket.sequence}/", {"document": document.pk}).status_code == 302
    )
    assert not TicketDocument.objects.exists()


def test_linking_to_a_ticket_the_user_cannot_see_is_404_and_without_permission_403(users: Any, contact: Any) -> None:
    mine = advance(register(users, contact), State.ASSIGNED, users)
    other = register(users, contact, subject="Másik")
    document = publish(users["agent"])

    executor = client_for(users["executor"])
    assert executor.post(f"/library/link/{other.year}/{other.sequence}/", {"document": document.pk}).status_code == 404
    assert executor.post(f"/library/link/{mine.year}/{mine.sequence}/", {"document": document.pk}).status_code == 302
    dispatcher = client_for(users["dispatcher"])
    assert dispatcher.post(f"/library/link/{mine.year}/{mine.sequence}/", {"document": document.pk}).status_code == 403
    assert executor.post(f"/library/link/{mine.year}/{mine.sequence}/", {"document": "x"}).status_code == 404
    assert list(TicketDocument.objects.values_list("ticket_id", flat=True)) == [mine.pk]


ROLES = ["agent", "manager", "dispatcher", "executor", "complaint_officer", "executive", "administrator"]
READERS = {"agent", "manager", "dispatcher", "executor", "complaint_officer", "executive"}
MANAGERS = {"agent", "manager"}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_opens_for_the_roles_it_is_for_and_refuses_the_others(role: str, users: Any) -> None:
    document = publish(users["manager"], title="Cégbemutató", markdown="# Rólunk")
    client = client_for(users[role])
    reading = {"/library/": role in READERS, f"/library/{document.pk}/": role in READERS}
    managing = {
        "/library/new/": role in MANAGERS,
        f"/library/{document.pk}/versions/new/": role in MANAGERS,
        f"/library/{document.pk}/edit/": role in MANAGERS,
    }
    for url, allowed in {**reading, **managing}.items():
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), (url, response.status_code)
