"""Library test data, made through the real services (so search text and versions are as in use)."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from library import services
from library.choices import Visibility
from library.models import Category, Document


def category(slug: str = "module-documentation") -> Category:
    # get_or_create: a transactional test elsewhere may have flushed the seeded rows.
    return Category.objects.get_or_create(slug=slug, defaults={"name": slug, "name_en": slug})[0]


def publish(actor: Any, title: str = "Felhasználói kézikönyv", **kwargs: Any) -> Document:
    data: dict[str, Any] = {
        "summary": "",
        "category": category(),
        "module": None,
        "visibility": Visibility.STAFF,
        "markdown": "",
        "file": None,
    }
    data.update(kwargs)
    if data["file"] is None and not data["markdown"]:
        data["markdown"] = f"# {title}\n\nA dokumentum szövege."
    return services.publish_document(actor=actor, title=title, **data)


def pdf_bytes(text: str) -> bytes:
    from weasyprint import HTML

    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    return HTML(string=f"<html><body>{paragraphs}</body></html>").write_pdf()


def docx_bytes(paragraphs: list[str | list[str]]) -> bytes:
    """A minimal Word document; a paragraph given as a list is split into formatting runs."""
    body = ""
    for paragraph in paragraphs:
        runs = paragraph if isinstance(paragraph, list) else [paragraph]
        body += "<w:p>" + "".join(f"<w:r><w:t>{escape(run)}</w:t></w:r>" for run in runs) + "</w:p>"
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def docx_bomb_bytes(unpacked_bytes: int = 235 * 1024 * 1024) -> bytes:
    """A Word document whose one paragraph unpacks to `unpacked_bytes` of the letter a (a zip bomb: the
    default unpacks 235 MB from about 230 KB), written in chunks so that making it costs little memory."""
    buffer = io.BytesIO()
    chunk = b"a" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        with archive.open("word/document.xml", "w", force_zip64=False) as member:
            member.write(b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>')
            for _chunk in range(unpacked_bytes // len(chunk)):
                member.write(chunk)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()
