"""Data-subject requests for the tests, made through the services like the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from privacy import services
from privacy.choices import RequestChannel, RequestKind
from privacy.models import SubjectRequest


def subject_request(
    users: dict[str, Any],
    contact: Any = None,
    *,
    kind: str = RequestKind.ACCESS,
    received_at: dt.datetime | None = None,
    verified: bool = False,
    **kwargs: Any,
) -> SubjectRequest:
    officer = users["data_protection_officer"]
    request = services.request_register(
        actor=officer,
        kind=kind,
        channel=kwargs.pop("channel", RequestChannel.EMAIL),
        received_at=received_at,
        contact=contact,
        **kwargs,
    )
    if verified:
        request = services.request_verify_identity(
            request=request, actor=officer, method="A nyilvántartott e-mail címről érkezett"
        )
    return request
