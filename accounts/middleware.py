"""Customer portal accounts never reach a staff page, whatever URL they type.

A portal account (``User.contact`` set) holds no role and no permission, so the staff pages would refuse
it one by one anyway; this middleware makes the separation one rule: outside the portal (and the language
switch) a portal account is sent to the portal's start page, or refused if it was not a page visit.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

PORTAL_PATHS = ("/portal/", "/i18n/", "/static/")


class PortalAccountsStayInPortalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "contact_id", None) and not request.path.startswith(PORTAL_PATHS):
            message = _("This page is for the company's staff. Customers use the customer portal.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "portal_account"}, status=403)
            if request.method in ("GET", "HEAD"):
                return redirect("portal:home")
            return HttpResponseForbidden(message)
        return self.get_response(request)
