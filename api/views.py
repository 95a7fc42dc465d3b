"""The profile's API token pages: list your tokens, create one (shown once), revoke one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api import selectors, services
from api.forms import TokenCreateForm


def _staff(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_authenticated or getattr(user, "contact_id", None):
        raise PermissionDenied()
    return user


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.token_create(
                user=user, name=form.cleaned_data["name"], expires_in_days=form.cleaned_data["expires_in_days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown on this answer only: it is not stored anywhere, and reloading does not show it again.
            api_root = request.build_absolute_uri("/api/v1")
            context = {"created": created.token, "plain": created.plain, "api_root": api_root}
            response = render(request, "api/token_created.html", context)
            response["Cache-Control"] = "no-store"
            return response
    context = {
        "form": form,
        "tokens": selectors.tokens_of(user),
        "rate_limit": settings.PULT_API_REQUESTS_PER_MINUTE,
    }
    return render(request, "api/tokens.html", context, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    token = get_object_or_404(selectors.tokens_of(user), pk=pk)  # another user's token: 404
    if request.method == "POST":
        services.token_revoke(token=token, actor=user)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("api_pages:tokens")
    return render(request, "api/token_revoke.html", {"token": token})
