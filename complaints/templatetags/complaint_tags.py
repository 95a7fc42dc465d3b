"""The answer deadline in plain words: "még 12 nap", "ma jár le", "3 napja lejárt"."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.choices import PENDING_STATES
from complaints.models import Complaint

register = template.Library()


@register.filter
def answer_overdue(complaint: Complaint, now: dt.datetime) -> bool:
    return complaint.state in PENDING_STATES and complaint.due_at is not None and complaint.due_at <= now


def describe_answer_due(complaint: Complaint, now: dt.datetime) -> tuple[str, str]:
    """(text, css class) of the answer deadline, counted in calendar days as the law counts it."""
    if complaint.state not in PENDING_STATES or complaint.due_at is None:
        if complaint.answered_at is not None:
            late = complaint.due_at is not None and complaint.answered_at > complaint.due_at
            return (_("answered late") if late else _("answered in time"), "late" if late else "ok")
        return ("", "")
    today = timezone.localtime(now).date()
    due_day = timezone.localtime(complaint.due_at).date()
    days = (due_day - today).days
    if complaint.due_at <= now:
        overdue = max(1, (today - due_day).days)
        return (ngettext("overdue by %(n)d day", "overdue by %(n)d days", overdue) % {"n": overdue}, "late")
    if days == 0:
        return (_("due today"), "soon")
    css = "soon" if complaint.warn_at is not None and complaint.warn_at <= now else "ok"
    return (ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}, css)


@register.simple_tag
def answer_due(complaint: Complaint, now: dt.datetime) -> SafeString:
    text, css = describe_answer_due(complaint, now)
    if not text:
        return SafeString("—")
    when = formats.date_format(timezone.localtime(complaint.due_at), "SHORT_DATE_FORMAT") if complaint.due_at else ""
    return format_html('<span class="due due-{}" title="{}">{}</span>', css, when, text)
