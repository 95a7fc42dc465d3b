"""What an uploaded file really is, judged by its first bytes, never by its name or the browser's word.

Stored files keep the type found here (unknown content is `application/octet-stream`); programs are refused
outright, so a file a customer or a mail sender sends can never be run by the colleague who downloads it.
"""

from __future__ import annotations

import zipfile
from typing import Any

from django.utils.translation import gettext as _

OCTET_STREAM = "application/octet-stream"
HEAD_BYTES = 8192

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # old Word / Excel, Outlook .msg
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
]
# Programs: Windows (MZ), Linux (ELF), macOS (Mach-O, universal), Java classes, and scripts (#!).
_EXECUTABLE_PREFIXES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
_ZIP_KINDS = [
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]


def is_executable(head: bytes) -> bool:
    """A program's header (binary, so a text that happens to start with "MZ" passes), or a script's #!."""
    if head.removeprefix(b"\xef\xbb\xbf").startswith(b"#!"):
        return True
    return head.startswith(_EXECUTABLE_PREFIXES) and not _looks_like_text(head)


def detect(head: bytes, whole: Any = None) -> str:
    """The MIME type of content starting with `head`; `whole` (a seekable file) lets a zip be told apart."""
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(whole)
    if head.startswith(b"%!PS"):
        return "application/postscript"
    if head and _looks_like_text(head):
        return "text/plain"
    return OCTET_STREAM


def upload_type(upload: Any) -> str:
    """The type of an uploaded file by its content; raises ValueError (a translated message) for a program."""
    head = read_head(upload)
    if is_executable(head):
        raise ValueError(
            _("The file “%(name)s” is a program; programs cannot be attached.") % {"name": getattr(upload, "name", "")}
        )
    return detect(head, upload)


def read_head(upload: Any) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return bytes(head or b"")


def _zip_kind(whole: Any) -> str:
    if whole is None:
        return "application/zip"
    try:
        whole.seek(0)
        with zipfile.ZipFile(whole) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return "application/zip"
    finally:
        whole.seek(0)
    for marker, kind in _ZIP_KINDS:
        if marker in names:
            return kind
    if "mimetype" in names and "content.xml" in names:
        return "application/vnd.oasis.opendocument.text"
    return "application/zip"


def _looks_like_text(head: bytes) -> bool:
    # Control characters other than tab, newline, carriage return and form feed: a binary file.
    return not any((byte < 32 and byte not in (9, 10, 12, 13)) or byte == 127 for byte in head[:4096])
