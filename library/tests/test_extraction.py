"""An uploaded file's text is read by the worker after the upload commits, never in the request: a DOCX zip
bomb is stored at once and then refused by the worker within little memory (the file stays downloadable,
the page says its text could not be indexed), and a normal DOCX becomes searchable when the task has run."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest
from django.test import Client

from library import selectors
from library.choices import TextRefusal, TextStatus, Visibility
from library.extraction import version_text_extract
from library.models import Document, DocumentVersion
from library.tasks import extract_version_text_task
from library.tests.factories import category, docx_bomb_bytes, docx_bytes, upload
from search.models import SearchEntry

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def english_client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def publish_through_the_form(client: Client, name: str, content: bytes) -> Any:
    return client.post(
        "/library/new/",
        {
            "title": "Beszerelési útmutató",
            "summary": "",
            "category": category().pk,
            "visibility": Visibility.STAFF,
            "file": upload(name, content),
        },
    )


def measured(action: Any) -> tuple[Any, float, int]:
    """The action's result, its seconds and the peak of memory Python allocated meanwhile."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = action()
        return result, time.monotonic() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_docx_zip_bomb_is_stored_at_once_and_refused_by_the_worker_in_little_memory(
    users, django_capture_on_commit_callbacks
):
    bomb = docx_bomb_bytes()  # 235 MB of text in about 240 KB
    assert len(bomb) < 600 * 1024
    client = english_client(users["manager"])
    assert client.get("/library/new/").status_code == 200  # the pages' code is loaded before measuring

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response, seconds, peak = measured(lambda: publish_through_the_form(client, "bomba.docx", bomb))
    assert response.status_code == 302, response.content.decode()[:2000]
    # The request only stored the file and queued the reading: no text, and no unpacking's time or memory.
    version = DocumentVersion.objects.get()
    assert (version.text_status, version.extracted_text) == (TextStatus.PENDING, "")
    assert len(queued) == 1
    assert seconds < 2 and peak < 10 * MB, (seconds, peak)

    _result, seconds, peak = measured(lambda: [callback() for callback in queued])  # the worker's turn
    assert seconds < 2 and peak < 10 * MB, (seconds, peak)
    version.refresh_from_db()
    assert (version.text_status, version.text_refusal) == (TextStatus.REFUSED, TextRefusal.UNPACKED_TOO_LARGE)
    assert version.extracted_text == ""

    document = Document.objects.get()
    page = client.get(f"/library/{document.pk}/").content.decode()
    assert "Its text could not be indexed (its contents unpack to more than 100 MB)" in page
    assert "The file is kept and can be downloaded." in page
    download = client.get(f"/library/{document.pk}/versions/1/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == bomb
    documents = selectors.visible_to(users["manager"])
    assert list(selectors.search(documents, "beszerelesi utmutato")) == [document]  # by its title still


def test_a_normal_docx_becomes_searchable_when_the_worker_has_read_it(users, django_capture_on_commit_callbacks):
    client = english_client(users["manager"])
    docx = docx_bytes(["Tükörfúrógép beszerelése", "A csavarokat nyomatékkulccsal húzza meg."])
    documents = selectors.visible_to(users["manager"])

    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert publish_through_the_form(client, "beszereles.docx", docx).status_code == 302
    document = Document.objects.get()
    assert list(selectors.search(documents, "nyomatekkulccsal")) == []  # not read yet
    assert "Its text is being read for search" in client.get(f"/library/{document.pk}/").content.decode()

    for callback in queued:
        callback()

    version = DocumentVersion.objects.get()
    assert version.text_status == TextStatus.DONE
    assert version.extracted_text.splitlines() == [
        "Tükörfúrógép beszerelése",
        "A csavarokat nyomatékkulccsal húzza meg.",
    ]
    assert list(selectors.search(documents, "nyomatekkulccsal")) == [document]
    assert "nyomatékkulccsal" in SearchEntry.objects.get(document=document).body
    assert "Its text" not in client.get(f"/library/{document.pk}/").content.decode()


def test_reading_a_version_twice_changes_nothing_the_second_time(users, django_capture_on_commit_callbacks):
    client = english_client(users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        publish_through_the_form(client, "a.docx", docx_bytes(["Első olvasás"]))
    version = DocumentVersion.objects.get()
    assert version.text_status == TextStatus.DONE and version.extracted_text == "Első olvasás"

    DocumentVersion.objects.filter(pk=version.pk).update(extracted_text="kézzel javítva")
    assert version_text_extract(version_id=version.pk) is None
    extract_version_text_task(version.pk)
    version.refresh_from_db()
    assert version.extracted_text == "kézzel javítva"


def test_an_older_version_read_late_does_not_change_the_current_ones_search_text(
    users, django_capture_on_commit_callbacks
):
    client = english_client(users["manager"])
    with django_capture_on_commit_callbacks(execute=False) as first:
        publish_through_the_form(client, "regi.docx", docx_bytes(["Régi esztergagép"]))
    document = Document.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/library/{document.pk}/versions/new/", {"markdown": "Új marógép", "note": ""})
    for callback in first:
        callback()

    documents = selectors.visible_to(users["manager"])
    assert DocumentVersion.objects.get(number=1).extracted_text == "Régi esztergagép"
    assert list(selectors.search(documents, "esztergagep")) == []
    assert list(selectors.search(documents, "marogep")) == [document]
