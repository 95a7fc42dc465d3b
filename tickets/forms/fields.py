"""Fields the ticket forms share: the executor pickers (with each one's open work and absence) and files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from common import filetypes
from common.collation import hungarian
from tickets.selectors import EXECUTOR_OPEN_STATES

User = get_user_model()


def executors() -> QuerySet[Any]:
    """Active members of the executor role: the people work is assigned to."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.EXECUTOR)
        .distinct()
        .order_by(hungarian("last_name"), hungarian("first_name"))
    )


class ExecutorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


def executors_with_load() -> QuerySet[Any]:
    """The executors with the number of tickets each holds open (one query, for the assigning pickers)."""
    open_work = Q(assigned_tickets__state__in=EXECUTOR_OPEN_STATES)
    return executors().annotate(open_load=Count("assigned_tickets", filter=open_work, distinct=True))


class ExecutorLoadChoiceField(ExecutorChoiceField):
    """ "Tóth Gábor — 3 open tasks, away until 2026. 12. 10.": whom to give work to, at a glance."""

    def label_from_instance(self, obj: Any) -> str:
        load = getattr(obj, "open_load", 0)
        parts = [ngettext("%(count)d open task", "%(count)d open tasks", load) % {"count": load}]
        if obj.away_on(timezone.localdate()):
            if obj.away_until is not None:
                until = date_format(obj.away_until, "SHORT_DATE_FORMAT")
                parts.append(gettext("away until %(date)s") % {"date": until})
            else:
                parts.append(gettext("away"))
        return f"{obj.display_name} — {', '.join(parts)}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once, each checked against the attachment size limit."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        limit = settings.PULT_MAX_ATTACHMENT_BYTES
        for upload in cleaned:
            if upload.size > limit:
                raise forms.ValidationError(
                    _("The file “%(name)s” is larger than the limit of %(limit)s MB."),
                    params={"name": upload.name, "limit": limit // (1024 * 1024)},
                )
            try:
                filetypes.upload_type(upload)
            except ValueError as program:
                raise forms.ValidationError(str(program)) from None
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"])
        return cleaned
