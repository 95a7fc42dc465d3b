"""Text for search: the accent-free folded form, the recognised file type, and text read out of files.

Nothing here trusts a file's name: the type is recognised from the content. Text extraction never raises:
a broken or hostile file gives less text (or none), never an error page.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from common.filetypes import HEAD_BYTES, detect, is_executable
from common.lookup import fold as common_fold
from library.choices import FileType

# The most text kept from one file, and the most XML read from one part of a zip (zip bombs).
MAX_TEXT_CHARS = 2_000_000
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 2000

_WHITESPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


def fold(text: str) -> str:
    """Lower-case, without accents (ő → o, ű → u, ﬁ → fi), with whitespace collapsed: the search form."""
    return _WHITESPACE.sub(" ", common_fold(text or "")).strip()


def detect_type(data: bytes) -> str | None:
    """The FileType value of `data` judged by its content (the same detection as every other upload,
    `common.filetypes`), or None if the library does not take it; a program never."""
    head = data[:HEAD_BYTES]
    if is_executable(head):
        return None
    kind = detect(head, io.BytesIO(data))
    return kind if kind in FileType.values else None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else the Hungarian Windows code page; never raises."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1250", errors="replace")


def extract_text(upload_bytes: bytes, content_type: str, name: str = "") -> str:
    """The readable text of a file of the given (recognised) type, for search. Never raises."""
    try:
        if content_type == FileType.PDF:
            text = _pdf_text(upload_bytes)
        elif content_type == FileType.DOCX:
            text = _zip_xml_text(upload_bytes, ["word/document.xml"], paragraph=r"</w:p>|<w:br\s*/>|<w:cr\s*/>")
        elif content_type == FileType.ODT:
            text = _zip_xml_text(upload_bytes, ["content.xml"], paragraph=r"</text:p>|</text:h>|<text:line-break\s*/>")
        elif content_type == FileType.XLSX:
            text = _zip_xml_text(upload_bytes, ["xl/sharedStrings.xml"], paragraph=r"</si>")
        elif content_type in (FileType.TEXT, "text/markdown"):
            text = decode_text(upload_bytes)
        else:
            text = ""
    except Exception:  # a last resort: a hostile file costs its text, never the upload
        text = ""
    return clean_text(text)


def clean_text(text: str) -> str:
    """Without NUL characters (PostgreSQL refuses them) and within the size kept."""
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]


def _pdf_text(data: bytes) -> str:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is expected here, not news
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                return ""
        parts: list[str] = []
        length = 0
        for index, page in enumerate(reader.pages):
            if index >= MAX_PDF_PAGES or length > MAX_TEXT_CHARS:
                break
            try:
                page_text = page.extract_text() or ""
            except Exception:  # one unreadable page costs only its own text
                page_text = ""
            parts.append(page_text)
            length += len(page_text)
        return "\n".join(parts)
    except Exception:
        return ""


def _zip_xml_text(data: bytes, parts: list[str], *, paragraph: str) -> str:
    """The text of XML parts of an office file: paragraph ends become new lines, tags go, entities decode.

    Tags are removed rather than parsed, so no XML parser sees hostile markup (entity expansion), and a
    word split across formatting runs stays one word.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts = []
            for part in parts:
                try:
                    with archive.open(part) as stream:
                        xml = stream.read(MAX_XML_BYTES).decode("utf-8", errors="replace")
                except KeyError:
                    continue
                xml = re.sub(r"<w:tab\s*/>|<text:tab\s*/>|<text:s\s*/>", " ", xml)
                xml = re.sub(paragraph, "\n", xml)
                texts.append(html.unescape(_TAG.sub("", xml)))
            return "\n".join(texts)
    except Exception:
        return ""
