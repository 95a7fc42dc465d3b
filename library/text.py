"""Text for search: the accent-free folded form, the recognised file type, and text read out of files.

Nothing here trusts a file's name: the type is recognised from the content. Text extraction never raises:
a broken or hostile file gives less text (or none, with the reason), never an error page. It runs in the
worker (library.tasks), not in the request that uploads the file.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import struct
import zipfile
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from common.filetypes import HEAD_BYTES, detect, is_executable
from common.lookup import fold as common_fold
from library.choices import FileType, TextRefusal, TextStatus

# The most text kept from one file, and the most XML read from one part of a zip.
MAX_TEXT_CHARS = 2_000_000
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 2000
# Zip archives (DOCX, ODT, XLSX) beyond these are not read at all (zip bombs): more files than any office
# document has, more unpacked bytes in total, or a member over 1 MB compressed more than 100 to 1 (text
# compresses 5–20 to 1; a bomb's filler thousands to 1).
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024

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


def refusal_reason(refusal: str) -> str:
    """Why a file's text was not read, as a phrase for the document's page."""
    if refusal == TextRefusal.TOO_MANY_MEMBERS:
        return _("the archive holds more than %(count)s files") % {"count": MAX_ZIP_MEMBERS}
    if refusal == TextRefusal.UNPACKED_TOO_LARGE:
        return _("its contents unpack to more than %(size)s MB") % {"size": MAX_ZIP_UNPACKED_BYTES // (1024 * 1024)}
    if refusal == TextRefusal.COMPRESSION_RATIO:
        return _("it is compressed more than %(ratio)s to 1, as zip bombs are") % {"ratio": MAX_ZIP_RATIO}
    return _("the file could not be read")


class Extraction(NamedTuple):
    """What reading a file gave: its text, a TextStatus value, and a TextRefusal value when refused."""

    text: str
    status: str
    refusal: str = ""


class ArchiveRefused(Exception):
    """A zip archive (an office file) beyond the limits: its text is not read."""

    def __init__(self, refusal: str) -> None:
        super().__init__(refusal)
        self.refusal = refusal


def extract(data: bytes, content_type: str) -> Extraction:
    """The readable text of a file of the given (recognised) type, for search, within the limits above.
    Never raises: a broken or hostile file gives less text, or none and the reason."""
    try:
        if content_type == FileType.PDF:
            text, truncated = _pdf_text(data), False
        elif content_type == FileType.DOCX:
            text, truncated = _zip_xml_text(data, ["word/document.xml"], paragraph=r"</w:p>|<w:br\s*/>|<w:cr\s*/>")
        elif content_type == FileType.ODT:
            text, truncated = _zip_xml_text(
                data, ["content.xml"], paragraph=r"</text:p>|</text:h>|<text:line-break\s*/>"
            )
        elif content_type == FileType.XLSX:
            text, truncated = _zip_xml_text(data, ["xl/sharedStrings.xml"], paragraph=r"</si>")
        elif content_type in (FileType.TEXT, "text/markdown"):
            text, truncated = decode_text(data), False
        else:
            text, truncated = "", False
    except ArchiveRefused as refused:
        return Extraction("", TextStatus.REFUSED, refused.refusal)
    except Exception:  # a last resort: a hostile file costs its text, never the upload
        return Extraction("", TextStatus.REFUSED, TextRefusal.UNREADABLE)
    text = text.replace("\x00", "").strip()
    if truncated or len(text) > MAX_TEXT_CHARS:
        return Extraction(text[:MAX_TEXT_CHARS], TextStatus.TRUNCATED)
    return Extraction(text, TextStatus.DONE)


def extract_text(upload_bytes: bytes, content_type: str, name: str = "") -> str:
    """The readable text of a file (see `extract`); empty when refused. Never raises."""
    return extract(upload_bytes, content_type).text


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


def declared_member_count(data: bytes) -> int | None:
    """The number of files a zip's end-of-central-directory record declares (read before the directory
    itself, which costs memory per entry); None if there is no record. ZIP64 counts as "too many"."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) < end + 22:
        return None
    (total,) = struct.unpack_from("<H", data, end + 10)
    return MAX_ZIP_MEMBERS + 1 if total == 0xFFFF else total


def check_archive(data: bytes, archive: zipfile.ZipFile | None = None) -> None:
    """Refuse a zip whose member count, unpacked size or compression ratio is beyond the limits (zip bombs).

    The sizes are those the archive declares; reading never yields more than a member's declared size
    (zipfile stops there), so a member that lies about it gives less, not more."""
    declared = declared_member_count(data)
    if declared is not None and declared > MAX_ZIP_MEMBERS:
        raise ArchiveRefused(TextRefusal.TOO_MANY_MEMBERS)
    if archive is None:
        return
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ArchiveRefused(TextRefusal.TOO_MANY_MEMBERS)
    if sum(member.file_size for member in members) > MAX_ZIP_UNPACKED_BYTES:
        raise ArchiveRefused(TextRefusal.UNPACKED_TOO_LARGE)
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM_BYTES and member.file_size > MAX_ZIP_RATIO * max(
            member.compress_size, 1
        ):
            raise ArchiveRefused(TextRefusal.COMPRESSION_RATIO)


def _zip_xml_text(data: bytes, parts: list[str], *, paragraph: str) -> tuple[str, bool]:
    """The text of XML parts of an office file: paragraph ends become new lines, tags go, entities decode.
    Returns the text and whether it was cut at MAX_TEXT_CHARS.

    Tags are removed rather than parsed, so no XML parser sees hostile markup (entity expansion), and a
    word split across formatting runs stays one word. A part is read in chunks and reading stops once the
    text is long enough, so memory stays small whatever the part's size. Raises ArchiveRefused.
    """
    check_archive(data)
    texts: list[str] = []
    budget = MAX_TEXT_CHARS
    truncated = False
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_archive(data, archive)
        for part in parts:
            try:
                info = archive.getinfo(part)
            except KeyError:
                continue
            with archive.open(info) as stream:
                text, cut = _xml_stream_text(stream, re.compile(paragraph), budget)
            texts.append(text)
            budget -= len(text)
            truncated = truncated or cut
            if budget <= 0:
                break
    return "\n".join(texts), truncated


_SPACE_TAGS = re.compile(r"<w:tab\s*/>|<text:tab\s*/>|<text:s\s*/>")
_CHUNK_BYTES = 1024 * 1024


def _xml_stream_text(stream: Any, paragraph: re.Pattern[str], budget: int) -> tuple[str, bool]:
    """Text of an XML stream, at most `budget` characters and MAX_XML_BYTES read; whether it was cut."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces: list[str] = []
    length = 0
    carry = ""
    read = 0
    while True:
        chunk = stream.read(_CHUNK_BYTES)
        read += len(chunk)
        last = not chunk or read >= MAX_XML_BYTES
        xml = carry + decoder.decode(chunk, final=last)
        # Keep the tail from the last "<" for the next chunk, so no tag (nor the text before it) is split;
        # a tail that grows past a chunk is taken as it is.
        cut_at = xml.rfind("<")
        if last or cut_at <= 0 or len(xml) - cut_at > _CHUNK_BYTES:
            carry, xml = "", xml
        else:
            carry, xml = xml[cut_at:], xml[:cut_at]
        xml = paragraph.sub("\n", _SPACE_TAGS.sub(" ", xml))
        text = html.unescape(_TAG.sub("", xml))
        pieces.append(text)
        length += len(text)
        if length >= budget:
            return "".join(pieces)[:budget], True
        if last:
            return "".join(pieces), read >= MAX_XML_BYTES and bool(chunk)
