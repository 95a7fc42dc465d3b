"""Publishing, versions, changes and ticket links through library.services: who may, and what is kept."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError

from customers.models import Module
from library import selectors, services
from library.choices import FileType, Visibility
from library.models import Document, DocumentVersion, TicketDocument
from library.tests.factories import category, docx_bytes, pdf_bytes, publish, upload
from testkit.factories import ModuleFactory
from testkit.workflow import advance, register
from tickets.choices import Action, State

pytestmark = pytest.mark.django_db


def _stored_files() -> set[str]:
    root = os.path.join(settings.MEDIA_ROOT, "library")
    return {os.path.join(path, name) for path, _dirs, names in os.walk(root) for name in names}


def test_an_agent_publishes_a_pdf_manual_and_it_is_found_without_accents(
    users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    module = ModuleFactory(name="Tükörfúrógép vezérlő")
    pdf = pdf_bytes("A tükörfúrógép kalibrálása\nSzámla nyomtatása")

    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the PDF's text after the commit
        document = publish(
            users["agent"],
            title="Kezelési útmutató",
            module=module,
            file=upload("utmutato.pdf", pdf),
            note="Első kiadás",
        )
    document.refresh_from_db()

    version = document.current
    assert version is not None and version.number == 1
    assert version.content_type == FileType.PDF and version.size == len(pdf)
    assert version.original_name == "utmutato.pdf"
    assert version.file.read() == pdf
    assert not version.file.name.endswith("utmutato.pdf")  # the stored name is never the user's
    staff = selectors.visible_to(users["agent"])
    assert list(selectors.search(staff, "kalibralasa")) == [document]  # from the PDF's text
    assert list(selectors.search(staff, "tukorfurogep vezerlo")) == [document]  # from the module


def test_a_new_version_becomes_current_and_the_older_ones_are_kept(users: Any) -> None:
    agent = users["agent"]
    document = publish(agent, title="Cégbemutató", markdown="Régi szöveg: lyukasztógép")

    second = services.add_version(
        document=document, actor=agent, file=upload("uj.docx", docx_bytes(["Új szöveg: tükörfúrógép"]))
    )
    third = services.add_version(document=document, actor=agent, markdown="Legújabb: esztergagép", note="Javítás")

    document.refresh_from_db()
    assert document.current == third
    assert [v.number for v in selectors.versions(document)] == [3, 2, 1]
    assert second.content_type == FileType.DOCX and second.file
    assert DocumentVersion.objects.get(document=document, number=1).markdown == "Régi szöveg: lyukasztógép"
    # Search follows the current version only.
    staff = selectors.visible_to(agent)
    assert list(selectors.search(staff, "esztergagep")) == [document]
    assert list(selectors.search(staff, "tukorfurogep")) == []
    assert list(selectors.search(staff, "lyukasztogep")) == []


def test_an_executor_cannot_publish_or_add_versions(users: Any) -> None:
    with pytest.raises(services.NotAllowed):
        publish(users["executor"], title="Saját jegyzet")
    document = publish(users["agent"])
    with pytest.raises(services.NotAllowed):
        services.add_version(document=document, actor=users["executor"], markdown="Átírva")
    with pytest.raises(services.NotAllowed):
        services.change_document(
            document=document,
            actor=users["executor"],
            title="Átírva",
            summary="",
            category=category(),
            module=None,
            visibility=Visibility.PUBLIC,
        )
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 1
    document.refresh_from_db()
    assert document.visibility == Visibility.STAFF


def test_a_file_of_a_refused_type_is_refused_with_a_message_and_nothing_is_saved(users: Any) -> None:
    before = _stored_files()
    program = upload("kezikonyv.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" * 10)

    with pytest.raises(services.InvalidInput) as refused:
        publish(users["agent"], file=program)

    assert "kezikonyv.pdf" in str(refused.value.message)
    assert "PDF, DOCX" in str(refused.value.message)
    assert Document.objects.count() == 0 and DocumentVersion.objects.count() == 0
    assert _stored_files() == before


def test_a_file_over_the_size_limit_is_refused(users: Any, settings: Any) -> None:
    settings.PULT_LIBRARY_MAX_FILE_BYTES = 1024
    with pytest.raises(services.InvalidInput, match=r"nagy\.txt"):
        publish(users["agent"], file=upload("nagy.txt", b"a" * 2048))
    assert Document.objects.count() == 0


def test_a_version_is_a_file_or_markdown_not_both_and_not_neither(users: Any) -> None:
    with pytest.raises(services.InvalidInput):
        publish(users["agent"], file=upload("a.txt", b"szoveg"), markdown="# Szöveg")
    document = publish(users["agent"])
    with pytest.raises(services.InvalidInput):
        services.add_version(document=document, actor=users["agent"], markdown="   ")
    assert document.versions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_save_removes_the_file_it_wrote(users: Any) -> None:
    """The file is stored inside the transaction; when the commit fails (here: the module was deleted
    meanwhile, which the deferred foreign-key check finds), the rows roll back and the file goes too."""
    module = ModuleFactory()
    Module.objects.filter(pk=module.pk).delete()  # the form still holds the deleted module
    before = _stored_files()

    with pytest.raises(IntegrityError):
        publish(users["agent"], module=module, file=upload("a.pdf", pdf_bytes("Szöveg")))

    assert _stored_files() == before
    assert Document.objects.count() == 0 and DocumentVersion.objects.count() == 0


def test_changing_a_document_updates_its_search_text_and_archiving_hides_it(users: Any) -> None:
    agent = users["agent"]
    document = publish(agent, title="Régi cím", markdown="A dokumentum szövege.")
    services.change_document(
        document=document,
        actor=agent,
        title="Minőségirányítási kézikönyv",
        summary="ISO 9001",
        category=category("quality-assurance"),
        module=None,
        visibility=Visibility.CUSTOMERS,
    )
    assert list(selectors.search(selectors.visible_to(agent), "minosegiranyitasi")) == [document]
    assert list(selectors.search(selectors.visible_to(agent), "regi")) == []

    services.change_document(
        document=document,
        actor=agent,
        title=document.title,
        summary=document.summary,
        category=document.category,
        module=None,
        visibility=document.visibility,
        is_archived=True,
    )
    assert not selectors.visible_to(agent).filter(pk=document.pk).exists()


def test_staff_link_a_document_to_a_ticket_once_and_unlink_it(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    document = publish(users["agent"])

    services.link_to_ticket(actor=users["agent"], document=document, ticket=ticket)
    services.link_to_ticket(actor=users["manager"], document=document, ticket=ticket)  # again: no change

    assert TicketDocument.objects.filter(ticket=ticket).count() == 1
    assert list(selectors.linked_to_ticket(users["agent"], ticket)) == [document]
    assert list(selectors.linked_tickets(users["agent"], document)) == [ticket]

    services.unlink(actor=users["agent"], document=document, ticket=ticket)
    services.unlink(actor=users["agent"], document=document, ticket=ticket)  # again: nothing to remove
    assert list(selectors.linked_to_ticket(users["agent"], ticket)) == []

    # Both are on the ticket's timeline, once each, by the agent, with the title; the ticket's version is kept.
    noted = [(e.action, e.actor, e.note) for e in ticket.events.filter(action__startswith="document_")]
    assert noted == [
        (Action.DOCUMENT_LINKED, users["agent"], document.title),
        (Action.DOCUMENT_UNLINKED, users["agent"], document.title),
    ]
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_an_executor_links_documents_only_to_tickets_assigned_to_them(users: Any, contact: Any) -> None:
    theirs = advance(register(users, contact), State.ASSIGNED, users)
    other = register(users, contact, subject="Másik hiba")
    document = publish(users["agent"])

    services.link_to_ticket(actor=users["executor"], document=document, ticket=theirs)
    with pytest.raises(services.NotAllowed):
        services.link_to_ticket(actor=users["executor"], document=document, ticket=other)
    with pytest.raises(services.NotAllowed):
        services.link_to_ticket(actor=users["dispatcher"], document=document, ticket=theirs)  # no permission

    assert list(TicketDocument.objects.values_list("ticket_id", flat=True)) == [theirs.pk]
    # The document page shows an executor only the tickets they may see.
    services.link_to_ticket(actor=users["agent"], document=document, ticket=other)
    assert list(selectors.linked_tickets(users["executor"], document)) == [theirs]


def test_an_archived_document_cannot_be_linked(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    document = publish(users["agent"])
    Document.objects.filter(pk=document.pk).update(is_archived=True)
    with pytest.raises(services.InvalidInput):
        services.link_to_ticket(actor=users["agent"], document=document, ticket=ticket)
