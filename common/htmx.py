"""One helper decides between the full page and an htmx partial."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """Render `partial` for an htmx request, otherwise the full `template` (which includes the partial)."""
    is_htmx = bool(getattr(request, "htmx", False))
    return render(request, partial if is_htmx else template, context, status=status)
