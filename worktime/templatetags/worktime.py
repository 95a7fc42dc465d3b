"""{% due ticket %}: the ticket's time left or overdue, in working time, computed without queries per row."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html

from common.dates import short_datetime
from worktime.humanize import describe_due
from worktime.services import current_calendar

register = template.Library()


def _calendar_and_now(context: template.Context) -> tuple[Any, Any]:
    """Read once per request: the calendar costs one small query, then every row reuses it."""
    request = context.get("request")
    holder = request if request is not None else context.render_context
    cached = getattr(holder, "_pult_calendar", None) if request is not None else holder.get("_pult_calendar")
    if cached is None:
        cached = (current_calendar(), timezone.now())
        if request is not None:
            request._pult_calendar = cached
        else:
            holder["_pult_calendar"] = cached
    return cached


@register.simple_tag(takes_context=True)
def due(context: template.Context, ticket: Any) -> str:
    if not ticket.is_open:
        return ""
    cal, now = _calendar_and_now(context)
    described = describe_due(cal, now, ticket.due_at, ticket.warn_at, ticket.waiting_since)
    if not described.text:
        return ""
    title = short_datetime(ticket.due_at) if ticket.due_at else ""
    return format_html('<span class="due due-{}" title="{}">{}</span>', described.level, title, described.text)
