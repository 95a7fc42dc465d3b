"""The information library: documents in categories, each with its versions, and their links to tickets."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.collation import hungarian
from library.choices import EXTENSIONS, FileType, TextRefusal, TextStatus, Visibility
from library.text import MAX_TEXT_CHARS, refusal_reason

User = settings.AUTH_USER_MODEL


class Category(models.Model):
    """A shelf of the library: company presentation, module documentation, quality assurance …"""

    name = models.CharField(_("name (Hungarian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")
        ordering = ["order", hungarian("name")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the language of the page: Hungarian unless English is chosen and given."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Document(models.Model):
    title = models.CharField(_("title"), max_length=250)
    summary = models.CharField(_("summary"), max_length=1000, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="documents", verbose_name=_("category")
    )
    module = models.ForeignKey(
        "customers.Module",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_documents",
        verbose_name=_("module"),
    )
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.STAFF)
    current = models.ForeignKey(
        "DocumentVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    # Accent-free lower-case text of the title, summary, module and current version (library.text.fold);
    # written only by library.services, searched with LIKE.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        ordering = [hungarian("title"), "id"]
        permissions = [
            ("manage_documents", _("Can publish and edit library documents")),
            ("link_document", _("Can link documents to tickets")),
        ]

    def __str__(self) -> str:
        return self.title


def version_path(instance: DocumentVersion, filename: str) -> str:
    # The stored name is not the user's: it cannot collide, traverse or be guessed; the extension is the
    # one of the type recognised from the content.
    extension = (
        EXTENSIONS.get(FileType(instance.content_type), "bin") if instance.content_type in FileType.values else "bin"
    )
    return f"library/{timezone.now().year}/{uuid.uuid4().hex}.{extension}"


class DocumentVersion(models.Model):
    """One version of a document: an uploaded file or a page written in Markdown. Versions are kept."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    markdown = models.TextField(_("text (Markdown)"), blank=True)
    extracted_text = models.TextField(_("extracted text"), blank=True, editable=False)
    # A file's text is read by the worker after the upload (library.tasks): pending until then; refused (with
    # the reason) when the file is beyond library.text's limits; the file is kept and downloadable either way.
    text_status = models.CharField(
        _("text for search"), max_length=10, choices=TextStatus.choices, default=TextStatus.DONE, editable=False
    )
    text_refusal = models.CharField(
        _("why the text was not read"), max_length=20, choices=TextRefusal.choices, blank=True, editable=False
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="library_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def has_file(self) -> bool:
        return bool(self.file)

    @property
    def text_note(self) -> str:
        """What the document's page says about searching this version's text; empty when all is searchable."""
        if self.text_status == TextStatus.PENDING:
            return str(_("Its text is being read for search; meanwhile it is found by its title, summary and module."))
        if self.text_status == TextStatus.TRUNCATED:
            return _("Only the first %(count)s characters of its text are searchable.") % {"count": MAX_TEXT_CHARS}
        if self.text_status == TextStatus.REFUSED:
            return _(
                "Its text could not be indexed (%(reason)s): search finds it only by its title, summary and module. "
                "The file is kept and can be downloaded."
            ) % {"reason": refusal_reason(self.text_refusal)}
        return ""

    @property
    def type_label(self) -> str:
        if not self.content_type:
            return "Markdown"
        try:
            return str(FileType(self.content_type).label)
        except ValueError:
            return self.content_type


class TicketDocument(models.Model):
    """A library document linked to a ticket by a staff member (e.g. the manual that answers it)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="library_links")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="ticket_links")
    linked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        verbose_name = _("document linked to a ticket")
        verbose_name_plural = _("documents linked to tickets")
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "document"], name="library_ticket_document_unique")]

    def __str__(self) -> str:
        return f"{self.ticket_id} – {self.document_id}"
