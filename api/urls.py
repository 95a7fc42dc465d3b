"""The JSON API, version 1: one NinjaAPI with a router per domain; the OpenAPI document comes from the code.

Authentication is the staff session for now (personal API tokens follow with the portal and API work);
every endpoint reads through the same selectors, so it sees exactly what the pages show.
"""

from __future__ import annotations

from django.urls import path
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

urlpatterns = [path("", api.urls)]
