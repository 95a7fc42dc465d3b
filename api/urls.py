"""The JSON API, version 1: one NinjaAPI with a router per domain; the OpenAPI document comes from the code.

Authentication is the staff session for now (personal API tokens follow with the portal and API work);
every endpoint reads through the same selectors, so it sees exactly what the pages show.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from ninja import NinjaAPI
from ninja.security import django_auth

from complaints.api import router as complaints_router

api = NinjaAPI(
    title="Pult API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
    docs_url="/docs",
)
api.add_router("/complaints", complaints_router)


def _api_urls() -> list[URLPattern | URLResolver]:
    """The API answers an anonymous caller itself (401 JSON), instead of the pages' redirect to the login."""
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return list(patterns)


urlpatterns = [path("", include((_api_urls(), "api-v1"), namespace="api-v1"))]
