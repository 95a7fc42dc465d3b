"""Writing the access log. The only write here is one INSERT per look at a person's data."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from privacy.choices import AccessAction, AccessKind
from privacy.models import AccessLogEntry

logger = logging.getLogger(__name__)

_KIND_OF_MODEL = {
    "ticket": AccessKind.TICKET,
    "letter": AccessKind.LETTER,
    "contact": AccessKind.CONTACT,
    "complaint": AccessKind.COMPLAINT,
}


def _field_length(name: str) -> int:
    field = AccessLogEntry._meta.get_field(name)
    return int(getattr(field, "max_length", 0) or 0)


def _client_ip(request: HttpRequest) -> str | None:
    value = str(request.META.get("REMOTE_ADDR", "") or "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _who(request_or_user: Any) -> tuple[Any, HttpRequest | None]:
    """The acting user: an API caller (token or session) first, then the page's logged-in user."""
    if isinstance(request_or_user, HttpRequest):
        user = getattr(request_or_user, "auth", None) or getattr(request_or_user, "user", None)
        return user, request_or_user
    return request_or_user, None


def record_access(
    request_or_user: Any,
    *,
    action: AccessAction,
    obj: models.Model | None,
    contact: Any = None,
    subject: str = "",
    kind: AccessKind | None = None,
    reference: str = "",
) -> AccessLogEntry | None:
    """Note that the caller viewed or exported `obj` (a ticket, contact, complaint …) of a person.

    Pass what the view already has (the contact or only its id, the person's name): this reads nothing.
    It never raises into the page: a log that cannot be written goes to the error log and the page goes on.
    """
    try:
        user, request = _who(request_or_user)
        if kind is None:
            kind = _KIND_OF_MODEL[obj._meta.model_name or ""] if obj is not None else AccessKind.ACCESS_LOG
        if contact is None and obj is not None and kind == AccessKind.CONTACT:
            contact = obj
        if not subject and contact is not None and not isinstance(contact, int):
            subject = contact.name
        if not reference and obj is not None:
            reference = str(getattr(obj, "number", "") or "")
        entry = AccessLogEntry(
            user_id=user.pk if user is not None and getattr(user, "is_authenticated", False) else None,
            action=action,
            kind=kind,
            object_id=obj.pk if obj is not None else None,
            reference=reference[: _field_length("reference")],
            contact_id=contact if contact is None or isinstance(contact, int) else contact.pk,
            subject=subject[: _field_length("subject")],
            ip_address=_client_ip(request) if request is not None else None,
            path=request.get_full_path()[: _field_length("path")] if request is not None else "",
        )
        with transaction.atomic():
            entry.save(force_insert=True)
    except Exception:
        logger.exception("The access log entry could not be written (%s %s).", action, kind)
        return None
    return entry
