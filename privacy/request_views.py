"""The data-protection officer's pages for data-subject requests: list, new request, the request with its
timeline and steps, erasure with confirmation, the export (prepared by the worker, downloaded once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.htmx import render_fragment, render_page_or_partial
from customers.models import Contact
from privacy import exports, selectors, services
from privacy.choices import EXPORT_KINDS, AccessAction, AccessKind, RequestKind, RequestState
from privacy.forms import (
    AssignForm,
    CompleteForm,
    EraseForm,
    ExtendForm,
    LiftRestrictionForm,
    ObjectionForm,
    RectifyForm,
    RefuseForm,
    RegisterRequestForm,
    RequestFilterForm,
    RestrictForm,
    VerifyIdentityForm,
)
from privacy.models import Restriction, SubjectRequest
from privacy.services import record_access

PAGE_SIZE = 50


def _officer(request: HttpRequest) -> Any:
    if not services.may_handle(request.user):
        raise PermissionDenied()
    return request.user


def _url(subject_request: SubjectRequest) -> str:
    return reverse("privacy:request_detail", args=[subject_request.year, subject_request.sequence])


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = RequestFilterForm(request.GET)
    now = timezone.now()
    requests = selectors.subject_requests(filters=form.to_filter(), now=now)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "now": now}
    return render_page_or_partial(
        request, "privacy/requests/list.html", "privacy/requests/_results.html", context, target="results"
    )


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    officer = _officer(request)
    search = request.GET.get("q", "")[:200]
    contact = None
    chosen = request.GET.get("contact") or request.POST.get("contact")
    if chosen and str(chosen).isdigit():
        contact = Contact.objects.select_related("customer").filter(pk=int(chosen)).first()
    status = 200
    if request.method == "POST":
        form = RegisterRequestForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.request_register(
                    actor=officer,
                    kind=data["kind"],
                    channel=data["channel"],
                    received_at=data.get("received_at"),
                    contact=data.get("contact"),
                    requester_name=data.get("requester_name") or "",
                    requester_email=data.get("requester_email") or "",
                    details=data.get("details") or "",
                )
            except services.WorkflowError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, _("Request recorded with number %(number)s.") % {"number": created.number})
                return redirect(_url(created))
    else:
        form = RegisterRequestForm(initial={"contact": contact.pk if contact else None})
    context = {
        "form": form,
        "search": search,
        "found": selectors.find_contacts(search) if search else [],
        "contact": contact,
    }
    return render(request, "privacy/requests/new.html", context, status=status)


# The steps of a request page: form, service call, and when the page offers it.
Offer = Callable[[SubjectRequest, bool], bool]


def _open(req: SubjectRequest, has_restrictions: bool) -> bool:
    return req.is_open


STEPS: dict[str, tuple[type[forms.Form], Callable[..., Any], Offer, Any]] = {
    "assign": (
        AssignForm,
        lambda req, actor, data, version: services.request_assign(
            request=req, actor=actor, handler=data["handler"], expected_version=version
        ),
        _open,
        _("Assign a handler"),
    ),
    "verify": (
        VerifyIdentityForm,
        lambda req, actor, data, version: services.request_verify_identity(
            request=req, actor=actor, method=data["method"], expected_version=version
        ),
        lambda req, has: req.is_open and not req.identity_verified,
        _("Record the identity check"),
    ),
    "extend": (
        ExtendForm,
        lambda req, actor, data, version: services.request_extend(
            request=req, actor=actor, reason=data["reason"], expected_version=version
        ),
        lambda req, has: req.state in (RequestState.RECEIVED, RequestState.IN_PROGRESS) and req.extended_at is None,
        _("Extend the deadline by two months"),
    ),
    "rectify": (
        RectifyForm,
        lambda req, actor, data, version: services.request_rectify(
            request=req, actor=actor, note=data["note"], expected_version=version
        ),
        lambda req, has: req.is_open and req.kind == RequestKind.RECTIFICATION,
        _("Record the rectification"),
    ),
    "restrict": (
        RestrictForm,
        lambda req, actor, data, version: services.request_restrict(
            request=req, actor=actor, reason=data["reason"], expected_version=version
        ),
        lambda req, has: req.is_open and req.kind == RequestKind.RESTRICTION and req.contact_id is not None,
        _("Restrict the processing"),
    ),
    "lift": (
        LiftRestrictionForm,
        lambda req, actor, data, version: services.request_lift_restriction(
            request=req,
            actor=actor,
            restriction_pk=data["restriction"],
            reason=data["reason"],
            expected_version=version,
        ),
        lambda req, has: req.is_open and has,
        _("Lift the restriction"),
    ),
    "objection": (
        ObjectionForm,
        lambda req, actor, data, version: services.request_objection(
            request=req, actor=actor, decision=data["decision"], note=data["note"], expected_version=version
        ),
        lambda req, has: req.is_open and req.kind == RequestKind.OBJECTION,
        _("Decide on the objection"),
    ),
    "complete": (
        CompleteForm,
        lambda req, actor, data, version: services.request_complete(
            request=req, actor=actor, answer=data["answer"], expected_version=version
        ),
        _open,
        _("Complete with the answer"),
    ),
    "refuse": (
        RefuseForm,
        lambda req, actor, data, version: services.request_refuse(
            request=req, actor=actor, reason=data["reason"], expected_version=version
        ),
        _open,
        _("Refuse the request"),
    ),
}


def _context(
    request: HttpRequest, subject_request: SubjectRequest, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    restrictions = (
        list(Restriction.objects.filter(contact_id=subject_request.contact_id).select_related("set_by", "lifted_by"))
        if subject_request.contact_id
        else []
    )
    active = [restriction for restriction in restrictions if restriction.is_active]
    bound = bound or {}
    steps = []
    for name, (form_class, _call, offered, title) in STEPS.items():
        if name in bound or offered(subject_request, bool(active)):
            form = bound.get(name) or form_class(initial={"version": subject_request.version})
            steps.append({"name": name, "title": title, "form": form})
    return {
        "req": subject_request,
        "events": list(subject_request.events.select_related("actor")),
        "restrictions": restrictions,
        "active_restrictions": active,
        "steps": steps,
        "exports": list(subject_request.exports.select_related("downloaded_by")),
        "can_export": subject_request.is_open and subject_request.kind in EXPORT_KINDS,
        "can_erase": subject_request.is_open and subject_request.kind == RequestKind.ERASURE,
        "is_handler": subject_request.handler_id == request.user.pk,
        "now": timezone.now(),
    }


@require_GET
def request_detail(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    _officer(request)
    subject_request = selectors.get_request(year=year, sequence=sequence)
    record_access(
        request,
        action=AccessAction.VIEW,
        obj=subject_request,
        kind=AccessKind.SUBJECT_REQUEST,
        contact=subject_request.contact_id,
        subject=subject_request.person_name,
    )
    return render(request, "privacy/requests/detail.html", _context(request, subject_request))


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@require_POST
def request_step(request: HttpRequest, year: int, sequence: int, step: str) -> HttpResponse:
    officer = _officer(request)
    if step not in STEPS:
        raise Http404()
    subject_request = selectors.get_request(year=year, sequence=sequence)
    form_class, call, _offered, _title = STEPS[step]
    form = form_class(request.POST)
    status = 400
    if form.is_valid():
        try:
            call(subject_request, officer, form.cleaned_data, _version(request))
        except services.WorkflowError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            messages.success(request, _("Saved."))
            return redirect(_url(subject_request))
    subject_request.refresh_from_db()
    return render(
        request, "privacy/requests/detail.html", _context(request, subject_request, {step: form}), status=status
    )


@require_http_methods(["GET", "POST"])
def request_erase(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    """The erasure, behind a confirmation that says what will happen or why it cannot."""
    officer = _officer(request)
    subject_request = selectors.get_request(year=year, sequence=sequence)
    if subject_request.kind != RequestKind.ERASURE:
        raise Http404()
    status = 200
    form = EraseForm(request.POST or None, initial={"version": subject_request.version})
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.request_erase(request=subject_request, actor=officer, expected_version=_version(request))
            except services.WorkflowError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, _("The person's data has been erased. Complete the request with the answer."))
                return redirect(_url(subject_request))
        subject_request.refresh_from_db()
    context = {"req": subject_request, "form": form, "refusal": services.erasure_refusal(subject_request)}
    return render(request, "privacy/requests/erase.html", context, status=status)


@require_POST
def request_export(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    officer = _officer(request)
    subject_request = selectors.get_request(year=year, sequence=sequence)
    try:
        services.request_export(request=subject_request, actor=officer, expected_version=_version(request))
    except services.WorkflowError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The export is being prepared; this page shows the download when it is ready."))
    return redirect(_url(subject_request) + "#exports")


@require_GET
def export_status(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    """The exports box alone, for htmx polling while an export is being prepared."""
    _officer(request)
    subject_request = selectors.get_request(year=year, sequence=sequence)
    context = {
        "req": subject_request,
        "exports": list(subject_request.exports.select_related("downloaded_by")),
        "can_export": subject_request.is_open and subject_request.kind in EXPORT_KINDS,
        "is_handler": subject_request.handler_id == request.user.pk,
    }
    return render_fragment(request, "privacy/requests/_exports.html", context)


@require_POST
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The one download (POST, so that no link prefetcher or scanner can use it up)."""
    officer = _officer(request)
    try:
        handle, export = exports.download(export_pk=pk, actor=officer)
    except exports.ExportGone as gone:
        return render(request, "privacy/requests/export_gone.html", {"message": gone.message}, status=410)
    except services.NotAllowed as error:
        raise PermissionDenied(str(error.message)) from error
    except services.WorkflowError as error:
        raise Http404(str(error.message)) from error
    filename = "adatexport-" + export.request.number.replace("/", "-") + ".zip"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
