"""One error shape for every refusal of the API: ``{"detail": …, "code": …, "errors": […]}``.

`detail` is translated into the request's language (Hungarian unless the language cookie or `?lang=`
chose English); `code` is a stable machine word; `errors` lists the fields that failed validation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from pydantic import Field

from common.errors import DomainError


class FieldError(Schema):
    loc: list[str | int] = Field(description="Where the value is: body, query or path, then the field names.")
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the request's language.")
    code: str = Field(description="A stable machine-readable code, e.g. not_found or ticket_changed.")
    errors: list[FieldError] = Field(default_factory=list, description="Field errors (validation only).")


class ApiError(Exception):
    """A refusal the API raises itself, with its status, code and translated message."""

    def __init__(self, status: int, code: str, detail: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(str(detail))
        self.status, self.code, self.detail, self.headers = status, code, detail, headers or {}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: Any,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"detail": str(detail), "code": code}
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "rate_limited",
}


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def install_error_handlers(api: NinjaAPI) -> None:
    """Register a handler for every kind of refusal, all answering in the one shape."""

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            detail=_("The request is not valid: see the field errors."),
            errors=_field_errors(exc.errors),
        )

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            status=401,
            code="not_authenticated",
            detail=_("Authentication is required: send a valid API token (Authorization: Bearer …)."),
            headers={"WWW-Authenticate": 'Bearer realm="pult"'},
        )

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return error_response(
            api,
            request,
            status=429,
            code="rate_limited",
            detail=_("Too many requests: wait until the time in Retry-After has passed."),
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        return error_response(
            api, request, status=status, code=_HTTP_CODES.get(status, "error"), detail=_translated_http(exc)
        )

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, status=exc.status, code=exc.code, detail=exc.detail, headers=exc.headers)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="not_found", detail=_("Not found, or you may not see it."))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) if exc.args and exc.args[0] else _("Your role does not allow this.")
        return error_response(api, request, status=403, code="permission_denied", detail=message)

    def on_refusal(request: HttpRequest, exc: DomainError) -> HttpResponse:
        # Each refusal carries its status and code (common.errors): the pages answer with the same status.
        return error_response(api, request, status=exc.status, code=exc.code, detail=exc.message)

    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {}
    handlers[ValidationError] = on_validation
    handlers[AuthenticationError] = on_authentication
    handlers[Throttled] = on_throttled
    handlers[HttpError] = on_http_error
    handlers[ApiError] = on_api_error
    handlers[Http404] = on_not_found
    handlers[PermissionDenied] = on_permission_denied
    handlers[DomainError] = on_refusal
    for kind, handler in handlers.items():
        api.add_exception_handler(kind, handler)


def _translated_http(exc: HttpError) -> str:
    """Ninja's own English messages (e.g. an unparsable body) in the request's language."""
    if exc.status_code == 400:
        return _("The request body could not be read: send valid JSON or form data.")
    return str(exc)


ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)


def with_errors(ok: dict[int, Any], *statuses: int) -> dict[int, Any]:
    """An operation's responses: its success schemas plus the error shape for each refusal it can give."""
    return {**ok, **dict.fromkeys(statuses or ERROR_STATUSES, ErrorOut)}
