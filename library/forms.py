"""Forms of the library pages. Each writing form names the one service it calls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Module
from library import services
from library.choices import Visibility
from library.models import Category, Document, DocumentVersion


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words of the title, the summary or the text; accents and capitals do not matter."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.all(), required=False)
    archived = forms.BooleanField(label=_("Archived documents"), required=False)

    def __init__(self, *args: Any, can_manage: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_manage:
            del self.fields["archived"]

    def filters(self) -> dict[str, Any]:
        """The valid filters; a damaged value is ignored rather than refused."""
        if not self.is_valid():
            return {"query": str(self.data.get("q", "")).replace("\x00", "")[:200]}
        data = self.cleaned_data
        return {
            "query": data["q"],
            "category": data["category"],
            "module": data["module"],
            "archived": bool(data.get("archived")),
        }


def _markdown_field() -> forms.CharField:
    return forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Instead of a file, write the page here: # heading, **bold**, - list, [link](https://…)."),
    )


def _file_field() -> forms.FileField:
    return forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, DOCX, ODT, XLSX, PNG, JPEG or plain text."),
    )


class _ContentMixin(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_file = cleaned.get("file") is not None
        has_text = bool((cleaned.get("markdown") or "").strip())
        if has_file and has_text:
            raise forms.ValidationError(
                _("A version is either an uploaded file or a page written in Markdown, not both.")
            )
        if not has_file and not has_text and not self.errors:
            raise forms.ValidationError(_("Upload a file or write the page's text."))
        return cleaned


class DocumentForm(_ContentMixin, forms.Form):
    """A new document with its first version: services.publish_document."""

    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    module = forms.ModelChoiceField(
        label=_("Module"),
        queryset=Module.objects.filter(is_active=True),
        required=False,
        help_text=_("For module documentation: the module it describes."),
    )
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices, initial=Visibility.STAFF)
    file = _file_field()
    markdown = _markdown_field()
    note = forms.CharField(label=_("Note on this version"), max_length=500, required=False)

    def submit(self, actor: Any) -> Document:
        data = self.cleaned_data
        return services.publish_document(
            actor=actor,
            title=data["title"],
            summary=data["summary"],
            category=data["category"],
            module=data["module"],
            visibility=data["visibility"],
            file=data["file"],
            markdown=data["markdown"],
            note=data["note"],
        )


class VersionForm(_ContentMixin, forms.Form):
    """A new version of a document: services.add_version."""

    file = _file_field()
    markdown = _markdown_field()
    note = forms.CharField(label=_("What changed"), max_length=500, required=False)

    def submit(self, actor: Any, document: Document) -> DocumentVersion:
        data = self.cleaned_data
        return services.add_version(
            document=document, actor=actor, file=data["file"], markdown=data["markdown"], note=data["note"]
        )


class EditForm(forms.Form):
    """The document's data: services.change_document."""

    title = forms.CharField(label=_("Title"), max_length=250)
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.all(), required=False)
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices)
    is_archived = forms.BooleanField(
        label=_("Archived"), required=False, help_text=_("An archived document is hidden from search and readers.")
    )

    @classmethod
    def for_document(cls, document: Document, data: Any = None) -> EditForm:
        initial = {
            "title": document.title,
            "summary": document.summary,
            "category": document.category_id,
            "module": document.module_id,
            "visibility": document.visibility,
            "is_archived": document.is_archived,
        }
        return cls(data, initial=initial)

    def submit(self, actor: Any, document: Document) -> Document:
        data = self.cleaned_data
        return services.change_document(
            document=document,
            actor=actor,
            title=data["title"],
            summary=data["summary"],
            category=data["category"],
            module=data["module"],
            visibility=data["visibility"],
            is_archived=data["is_archived"],
        )
