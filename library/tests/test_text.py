"""Folding for accent-free search, recognising file types by content, and reading text out of files."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from library.choices import FileType, TextRefusal, TextStatus
from library.tests.factories import docx_bomb_bytes, docx_bytes, pdf_bytes
from library.text import MAX_TEXT_CHARS, MAX_ZIP_MEMBERS, detect_type, extract, extract_text, fold


def test_fold_removes_hungarian_accents_and_capitals() -> None:
    assert fold("Tükörfúrógép") == "tukorfurogep"
    assert fold("ÁRVÍZTŰRŐ TÜKÖRFÚRÓGÉP") == "arvizturo tukorfurogep"
    assert fold("Számla") == "szamla"


def test_fold_collapses_whitespace_and_splits_ligatures() -> None:
    assert fold("  Első\t\n  oldal  ") == "elso oldal"
    assert fold("ﬁók") == "fiok"


def test_a_pdf_made_with_weasyprint_gives_its_hungarian_text() -> None:
    pdf = pdf_bytes("Tükörfúrógép kezelési kézikönyv\nÁrvíztűrő számla beállítása")
    assert detect_type(pdf) == FileType.PDF

    text = extract_text(pdf, FileType.PDF, "kezikonyv.pdf")

    assert "Tükörfúrógép" in text
    assert "tukorfurogep" in fold(text) and "arvizturo" in fold(text)


@pytest.mark.parametrize(
    "damaged",
    [b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", b"%PDF-", b"%PDF-1.4\n" + b"\x00" * 4000],
)
def test_a_broken_pdf_gives_no_text_and_no_error(damaged: bytes) -> None:
    assert detect_type(damaged) == FileType.PDF
    assert extract_text(damaged, FileType.PDF, "hibas.pdf") == ""


def test_a_truncated_real_pdf_gives_no_error() -> None:
    pdf = pdf_bytes("Tükörfúrógép")
    assert isinstance(extract_text(pdf[: len(pdf) // 2], FileType.PDF, "fel.pdf"), str)


def test_a_docx_gives_its_paragraphs_and_keeps_a_word_split_across_runs_whole() -> None:
    docx = docx_bytes(["Minőségbiztosítási kézikönyv", ["Tükör", "fúrógép"], "Fejezet & melléklet"])
    assert detect_type(docx) == FileType.DOCX

    text = extract_text(docx, FileType.DOCX, "mb.docx")

    assert text.splitlines() == ["Minőségbiztosítási kézikönyv", "Tükörfúrógép", "Fejezet & melléklet"]


def test_a_broken_docx_gives_no_text_and_no_error() -> None:
    assert extract_text(b"PK\x03\x04 not really a zip", FileType.DOCX, "x.docx") == ""


def test_types_are_recognised_by_content_not_by_name() -> None:
    assert detect_type(b"\x89PNG\r\n\x1a\n....") == FileType.PNG
    assert detect_type(b"\xff\xd8\xff\xe0....") == FileType.JPEG
    assert detect_type("Egyszerű szöveg, ékezetekkel.\n".encode()) == FileType.TEXT
    # A program renamed to .pdf is still a program.
    assert detect_type(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff") is None
    assert detect_type(b"\x7fELF\x02\x01\x01\x00") is None


def test_a_zip_that_is_not_an_office_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("virus.exe", b"MZ")
    assert detect_type(buffer.getvalue()) is None


def test_plain_text_in_the_windows_hungarian_code_page_is_read() -> None:
    data = "Tükörfúrógép – árvíztűrő".encode("cp1250")
    assert detect_type(data) == FileType.TEXT
    assert extract_text(data, FileType.TEXT, "a.txt") == "Tükörfúrógép – árvíztűrő"


def test_a_script_is_not_taken_even_though_it_is_text() -> None:
    assert detect_type(b"#!/bin/sh\nrm -rf ~\n") is None
    assert detect_type("\ufeff#!/usr/bin/env python\nprint('x')\n".encode()) is None


def _docx_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_archive_of_too_many_files_is_not_read() -> None:
    members = {"word/document.xml": b"<w:p><w:t>Tartalom</w:t></w:p>"}
    members |= {f"word/media/kep{n}.xml": b"x" for n in range(MAX_ZIP_MEMBERS)}
    result = extract(_docx_with(members), FileType.DOCX)
    assert result == (
        "",
        TextStatus.REFUSED,
        TextRefusal.TOO_MANY_MEMBERS,
    )


def test_a_part_compressed_suspiciously_tightly_is_not_read_even_when_small_enough() -> None:
    body = b"<w:p><w:t>" + b"a" * (5 * 1024 * 1024) + b"</w:t></w:p>"  # 5 MB, about 1000 to 1
    result = extract(_docx_with({"word/document.xml": body}), FileType.DOCX)
    assert (result.status, result.refusal) == (TextStatus.REFUSED, TextRefusal.COMPRESSION_RATIO)


def test_a_zip_bomb_is_refused_before_anything_is_unpacked() -> None:
    result = extract(docx_bomb_bytes(), FileType.DOCX)
    assert (result.status, result.refusal) == (TextStatus.REFUSED, TextRefusal.UNPACKED_TOO_LARGE)


def test_a_long_text_is_cut_at_the_limit_and_said_to_be_cut() -> None:
    words = random.Random(18)
    paragraphs = [
        "".join(words.choice("abcdefghijklmnopqrstuvwxyzáéíóöőúüű ") for _ in range(1000)) for _ in range(2100)
    ]
    result = extract(docx_bytes(paragraphs), FileType.DOCX)
    assert result.status == TextStatus.TRUNCATED and len(result.text) == MAX_TEXT_CHARS
    assert result.text.startswith(paragraphs[0].strip())


def test_a_damaged_archive_is_refused_as_unreadable() -> None:
    result = extract(b"PK\x03\x04 not really a zip", FileType.DOCX)
    assert (result.status, result.refusal) == (TextStatus.REFUSED, TextRefusal.UNREADABLE)
