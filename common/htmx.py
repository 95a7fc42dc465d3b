"""One helper decides between the full page and an htmx partial.

A fragment is only right for an htmx request that will swap it into the element it was made for. A boosted
link, a history restore (htmx asks the server when its history cache misses, and puts the answer in place of
the whole body) or an htmx request aimed at another element gets the full page. Every answer of a view that
can give either says `Vary: HX-Request`, so no cache hands the fragment to a browser's ordinary navigation.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_partial(request: HttpRequest, *, target: str) -> bool:
    """Whether `request` asks for the fragment that htmx swaps into the element whose id is `target`."""
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.boosted or htmx.history_restore_request:
        return False
    return bool(htmx.target == target)


def render_page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    target: str,
    status: int = 200,
) -> HttpResponse:
    """Render `partial` (the element with id `target`) for an htmx request aimed at it, otherwise the full
    `template`, which includes the partial. The partial sees `htmx_partial` true when it stands alone."""
    partial_only = wants_partial(request, target=target)
    context = {**context, "htmx_partial": partial_only}
    response = render(request, partial if partial_only else template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def render_fragment(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a fragment-only answer (polling, search-as-you-type options): there is no page behind its address."""
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
