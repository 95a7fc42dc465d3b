"""Small template helpers for data-subject requests, and the officer's start-page box."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from privacy.choices import ObjectionDecision

register = template.Library()


@register.filter
def request_overdue(subject_request: Any, now: dt.datetime | None = None) -> bool:
    return bool(subject_request.is_overdue(now or timezone.now()))


@register.filter
def objection_label(value: str) -> str:
    try:
        return str(ObjectionDecision(value).label)
    except ValueError:
        return value


@register.inclusion_tag("privacy/requests/_start_box.html")
def open_subject_requests() -> dict[str, Any]:
    """The open requests with the nearest deadlines (two queries whatever their number)."""
    from privacy.choices import OPEN_REQUEST_STATES
    from privacy.models import SubjectRequest
    from privacy.selectors import open_requests

    return {
        "requests": open_requests(limit=10),
        "open_count": SubjectRequest.objects.filter(state__in=OPEN_REQUEST_STATES).count(),
        "now": timezone.now(),
    }
