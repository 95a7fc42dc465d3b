"""The data-protection officer's access log, and the privacy notice of the customer portal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.csv_cells import csv_response
from common.htmx import render_page_or_partial
from common.pdf import letterhead
from privacy import selectors
from privacy.choices import AccessAction, AccessKind
from privacy.forms import AccessLogSearchForm
from privacy.models import AccessLogEntry
from privacy.services import record_access

PAGE_SIZE = 50
VIEW_PERMISSION = "privacy.view_accesslogentry"


def _search(request: HttpRequest) -> tuple[AccessLogSearchForm, QuerySet[AccessLogEntry], int]:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied()
    form = AccessLogSearchForm(request.GET or None)
    filters = form.to_filter() if form.is_bound else selectors.AccessLogFilter()
    if filters is None:
        return form, AccessLogEntry.objects.none(), 400
    return form, selectors.access_log(filters=filters), 200


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    form, entries, status = _search(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page_or_partial(
        request, "privacy/access_log.html", "privacy/partials/_results.html", context, target="results", status=status
    )


def _when(value: object) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")  # type: ignore[arg-type]


def csv_rows(entries: Iterable[AccessLogEntry]) -> Iterator[list[str]]:
    yield [
        _("Time"),
        _("Staff member"),
        _("User name"),
        _("Action"),
        _("What"),
        _("Reference"),
        _("Object id"),
        _("Contact id"),
        _("Person concerned"),
        _("IP address"),
        _("Address"),
    ]
    for entry in entries:
        user = entry.user
        yield [
            _when(entry.at),
            user.display_name if user is not None else _("System"),
            user.username if user is not None else "",
            str(entry.get_action_display()),
            str(entry.get_kind_display()),
            entry.reference,
            str(entry.object_id or ""),
            str(entry.contact_id or ""),
            entry.subject,
            entry.ip_address or "",
            entry.path,
        ]


@require_GET
def access_log_csv(request: HttpRequest) -> HttpResponse:
    form, entries, status = _search(request)
    if status != 200:
        return render(request, "privacy/access_log.html", {"form": form, "page": None, "query": ""}, status=status)
    summary = "; ".join(f"{key}={value}" for key, value in request.GET.items() if value)
    record_access(request, action=AccessAction.EXPORT, obj=None, kind=AccessKind.ACCESS_LOG, reference=summary)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(csv_rows(entries.iterator(chunk_size=2000)), filename=f"hozzaferesi-naplo-{stamp}.csv")


@login_not_required
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The company's data-protection notice, for anyone (linked from the portal and its login page)."""
    context = {
        "company": letterhead(),
        "retention": {
            "closed_ticket_years": settings.PULT_RETENTION_CLOSED_TICKET_YEARS,
            "raw_email_days": settings.PULT_RETENTION_RAW_EMAIL_DAYS,
            "complaint_years": settings.PULT_COMPLAINT_RETENTION_YEARS,
            "access_log_years": settings.PULT_RETENTION_ACCESS_LOG_YEARS,
        },
    }
    return render(request, "privacy/notice.html", context)
