from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may read a library document."""

    STAFF = "staff", _("Staff only")
    CUSTOMERS = "customers", _("Customers (portal accounts)")
    PUBLIC = "public", _("Public")


class FileType(models.TextChoices):
    """The file types the library accepts, recognised by their content, never by their name."""

    PDF = "application/pdf", "PDF"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
    ODT = "application/vnd.oasis.opendocument.text", "ODT"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"
    TEXT = "text/plain", "TXT"


# The extension a stored file gets, from its recognised type.
EXTENSIONS = {
    FileType.PDF: "pdf",
    FileType.DOCX: "docx",
    FileType.ODT: "odt",
    FileType.XLSX: "xlsx",
    FileType.PNG: "png",
    FileType.JPEG: "jpg",
    FileType.TEXT: "txt",
}


class TextStatus(models.TextChoices):
    """Where reading a version's text for search stands (library.tasks reads files in the worker)."""

    PENDING = "pending", _("Being read for search")
    DONE = "done", _("Searchable")
    TRUNCATED = "truncated", _("Only the beginning of its text is searchable")
    REFUSED = "refused", _("Its text could not be indexed")


class TextRefusal(models.TextChoices):
    """Why a file's text was not read (library.text's limits); the file itself is kept."""

    TOO_MANY_MEMBERS = "too_many_members", _("too many files in the archive")
    UNPACKED_TOO_LARGE = "unpacked_too_large", _("unpacks too large")
    COMPRESSION_RATIO = "compression_ratio", _("compressed suspiciously tightly")
    UNREADABLE = "unreadable", _("unreadable")
