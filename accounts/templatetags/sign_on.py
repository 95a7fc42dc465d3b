"""The company sign-on button of the staff login page (shown only when OpenID Connect is configured)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from accounts.oidc import button_label, oidc_enabled

register = template.Library()


@register.inclusion_tag("accounts/partials/_sign_on.html")
def sign_on_buttons(next_url: str = "") -> dict[str, Any]:
    if not oidc_enabled():
        return {"oidc": None}
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return {"oidc": {"url": reverse("accounts:oidc_start") + query, "label": button_label()}}
