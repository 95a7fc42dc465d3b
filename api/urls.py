"""The JSON API, version 1: one NinjaAPI with a router per resource; the OpenAPI document comes from the code.

Callers authenticate with a personal API token (Bearer) or the staff session; every endpoint reads through
the same selectors and writes through the same workflow as the pages, so it sees and does exactly what the
pages allow. Errors share one shape (api.errors); requests are rate-limited per token (api.ratelimit).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.utils import translation
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from api.auth import SessionAuth, TokenAuth
from api.description import DESCRIPTION
from api.errors import install_error_handlers
from api.ratelimit import PerCallerThrottle
from api.routers.documents import router as documents_router
from api.routers.records import router as records_router
from api.routers.reference import router as reference_router
from api.routers.tickets import router as tickets_router
from complaints.api import router as complaints_router


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON: Hungarian names and messages stay readable (“Kovács Éva”, not “Kov\\u00e1cs”)."""

    json_dumps_params = {"ensure_ascii": False}


class PultAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """Stable, readable operation ids: the view's name (list_tickets, step_verify …)."""
        return str(operation.view_func.__name__)


api = PultAPI(
    title="Pult API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[PerCallerThrottle()],
    docs_url="/docs",
    renderer=UnicodeJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/tickets", tickets_router)
api.add_router("", records_router)
api.add_router("", reference_router)
api.add_router("/documents", documents_router)
api.add_router("/complaints", complaints_router)


def _api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API answers an anonymous caller itself (401 JSON) instead of the pages' redirect to the login;
    `?lang=en` picks the language of the messages; the rate limit's headers go on every answer."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = request.GET.get("lang", "")
        if language in dict(settings.LANGUAGES):
            with translation.override(language):
                response = view(request, *args, **kwargs)
        else:
            response = view(request, *args, **kwargs)
        rate = getattr(request, "rate_limit", None)
        if rate is not None:
            response["X-RateLimit-Limit"] = str(rate[0])
            response["X-RateLimit-Remaining"] = str(rate[1])
        return response

    return wrapped


def _api_urls() -> list[URLPattern | URLResolver]:
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _api_view(pattern.callback)
    return list(patterns)


urlpatterns = [path("", include((_api_urls(), "api-v1"), namespace="api-v1"))]
