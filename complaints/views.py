"""Complaint pages: the register, recording, the complaint with its timeline and steps, documents, review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.clients import client_ip
from common.csv_cells import csv_response
from common.dates import day_span
from common.files import download
from common.forms import errors_as_text
from common.htmx import render_page_or_partial
from common.pdf import pdf_response
from complaints import documents, selectors, services
from complaints.forms import STEP_FORMS, ComplaintForm, FilterForm, PublicComplaintForm, StepForm, offered_steps
from complaints.models import Answer, Complaint, InvestigationEntry
from complaints.reports import PeriodForm, csv_rows
from privacy.choices import AccessAction, AccessKind
from privacy.services import record_access
from tickets import selectors as ticket_selectors
from tickets.views import posted_version

PAGE_SIZE = 25


def _url(complaint: Complaint) -> str:
    return reverse("complaints:detail", kwargs={"year": complaint.year, "sequence": complaint.sequence})


@require_GET
def register_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("complaints.view_complaints") or user.has_perm("complaints.register_complaint")):
        raise PermissionDenied()
    form = FilterForm(request.GET)
    complaints = selectors.register_list(user=user, filters=form.to_filter())
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "now": timezone.now()}
    return render_page_or_partial(
        request, "complaints/list.html", "complaints/partials/_results.html", context, target="results"
    )


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, year: int | None = None, sequence: int | None = None) -> HttpResponse:
    """Record a complaint; from a ticket's page, with the ticket linked and its contact filled in."""
    if not request.user.has_perm("complaints.register_complaint"):
        raise PermissionDenied()
    ticket = None
    if year is not None and sequence is not None:
        ticket = ticket_selectors.get_for(request.user, year=year, sequence=sequence)
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, ticket=ticket)
        status = 400
        if form.is_valid():
            try:
                complaint = services.complaint_record(actor=request.user, data=form.to_input())
            except services.WorkflowError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(
                    request,
                    _("Complaint recorded with number %(number)s. Tell the complainant this number.")
                    % {"number": complaint.number},
                )
                if selectors.visible_to(request.user).filter(pk=complaint.pk).exists():
                    return redirect(_url(complaint))
                return redirect("complaints:list")
        return render(request, "complaints/record.html", {"form": form, "ticket": ticket}, status=status)
    return render(request, "complaints/record.html", {"form": ComplaintForm(ticket=ticket), "ticket": ticket})


def _client_address(request: HttpRequest) -> str:
    return client_ip(request) or ""


@login_not_required
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest) -> HttpResponse:
    """Anyone can complain through the web; the complaint is recorded and acknowledged at once."""
    from accounts.services import system_user

    if request.method != "POST":
        return render(request, "complaints/public_form.html", {"form": PublicComplaintForm()})
    form = PublicComplaintForm(request.POST)
    key = f"complaint-form:{_client_address(request)}"
    if cache.get(key, 0) >= settings.PULT_PUBLIC_COMPLAINTS_PER_HOUR:
        form.add_error(None, _("Too many complaints from this address in the last hour. Please try again later."))
        return render(request, "complaints/public_form.html", {"form": form}, status=429)
    if form.is_valid():
        try:
            complaint = services.complaint_record(actor=system_user(), data=form.to_input())
        except services.WorkflowError as error:
            form.add_error(None, str(error.message))
        else:
            cache.set(key, cache.get(key, 0) + 1, 3600)
            return render(request, "complaints/public_thanks.html", {"complaint": complaint})
    return render(request, "complaints/public_form.html", {"form": form}, status=400)


def _detail_context(request: HttpRequest, complaint: Complaint, bound: StepForm | None = None) -> dict[str, Any]:
    user = request.user
    follows = selectors.follows_register(user)
    steps = offered_steps(user, complaint) if follows else []
    forms = [STEP_FORMS[name](complaint=complaint) for name in steps]
    if bound is not None:
        forms = [bound, *[form for form in forms if form.step != bound.step]]
    answers = list(complaint.answers.select_related("conciliation_body", "seat_conciliation_body", "authority"))
    return {
        "complaint": complaint,
        "page_address": reverse("complaints:detail", args=[complaint.year, complaint.sequence]),
        "follows": follows,
        "record": getattr(complaint, "record", None),
        "events": selectors.timeline(complaint) if follows else [],
        "entries": complaint.entries.select_related("author") if follows else [],
        "proposals": complaint.proposals.select_related("proposed_by", "decided_by") if follows else [],
        "answers": answers if follows else [],
        "concerned": list(complaint.concerned.all()) if follows else [],
        "can_post": follows and "answer" in steps,
        "latest_answer": answers[-1] if answers else None,
        "step_forms": forms,
        "open_step": bound.step if bound is not None else request.GET.get("step", ""),
        "now": timezone.now(),
    }


@require_GET
def detail(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    complaint = selectors.get_for(request.user, year=year, sequence=sequence)
    _log_access(request, AccessAction.VIEW, complaint)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


def _log_access(request: HttpRequest, action: AccessAction, complaint: Complaint) -> None:
    """A complaint holds the complainant's personal data: every look at it goes to the access log."""
    record_access(
        request, action=action, obj=complaint, contact=complaint.contact_id, subject=complaint.complainant_name
    )


@require_POST
def step(request: HttpRequest, year: int, sequence: int, step: str) -> HttpResponse:
    complaint = selectors.get_for(request.user, year=year, sequence=sequence)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404()
    if not selectors.follows_register(request.user):
        raise PermissionDenied()
    form = form_class(request.POST, request.FILES, complaint=complaint)
    if form.is_valid():
        try:
            form.submit(request.user)
        except services.WorkflowError as error:
            complaint = selectors.get_for(request.user, year=year, sequence=sequence)
            if isinstance(error, services.ComplaintChangedMeanwhile):
                form = _reviewed(form_class, request, complaint)  # sendable again once reviewed
            form.complaint = complaint
            form.add_error(None, str(error.message))
            context = _detail_context(request, complaint, form)
            return render(request, "complaints/detail.html", context, status=error.status)
        messages.success(request, _("Done: %(step)s.") % {"step": form.label})
        if not selectors.visible_to(request.user).filter(pk=complaint.pk).exists():
            return redirect("complaints:list")
        return redirect(_url(complaint))
    return render(request, "complaints/detail.html", _detail_context(request, complaint, form), status=400)


def _reviewed(form_class: type[StepForm], request: HttpRequest, complaint: Complaint) -> StepForm:
    """The typed form again, now carrying the complaint's current version."""
    data = request.POST.copy()
    data[f"{form_class.step}-version"] = str(complaint.version)
    form = form_class(data, request.FILES, complaint=complaint)
    form.is_valid()
    return form


@require_GET
def record_pdf(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    complaint = selectors.get_for(request.user, year=year, sequence=sequence)
    if not hasattr(complaint, "record"):
        raise Http404()
    pdf = documents.record_pdf(complaint)
    _log_access(request, AccessAction.PDF, complaint)
    return pdf_response(pdf, documents.record_filename(complaint))


def _answer_of(request: HttpRequest, year: int, sequence: int, pk: int) -> Answer:
    if not selectors.follows_register(request.user):
        raise PermissionDenied()
    complaint = selectors.get_for(request.user, year=year, sequence=sequence)
    return get_object_or_404(Answer.objects.select_related("complaint", "prepared_by"), pk=pk, complaint=complaint)


@require_GET
def answer_pdf(request: HttpRequest, year: int, sequence: int, pk: int) -> HttpResponse:
    answer = _answer_of(request, year, sequence, pk)
    pdf = documents.answer_pdf(answer)
    _log_access(request, AccessAction.PDF, answer.complaint)
    return pdf_response(pdf, documents.answer_filename(answer))


@require_POST
def answer_posted(request: HttpRequest, year: int, sequence: int, pk: int) -> HttpResponse:
    answer = _answer_of(request, year, sequence, pk)
    try:
        services.answer_posted(answer=answer, actor=request.user, expected_version=posted_version(request))
    except services.WorkflowError as error:
        context = {**_detail_context(request, answer.complaint), "refusal": str(error.message)}
        return render(request, "complaints/detail.html", context, status=error.status)
    messages.success(request, _("The answer is posted: the complaint is answered."))
    return redirect(_url(answer.complaint))


@require_GET
def entry_file(request: HttpRequest, pk: int) -> FileResponse:
    if not selectors.follows_register(request.user):
        raise Http404()
    entry = (
        InvestigationEntry.objects.filter(pk=pk, complaint__in=selectors.visible_to(request.user))
        .exclude(file="")
        .first()
    )
    if entry is None:
        raise Http404()
    return download(entry.file, entry.original_name)


# --- review and inspection -------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    start = today.replace(month=1, day=1)
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": today})
    return form, start, today


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("complaints.view_complaint_statistics"):
        raise PermissionDenied()
    form, start, end = _period(request)
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {
        "form": form,
        "start": start,
        "end": end,
        "stats": selectors.statistics(user=request.user, start=start, end=end),
        "whole_register": selectors.follows_register(request.user),
    }
    return render(request, "complaints/statistics.html", context, status=status)


class _PeriodRefused(Exception):
    def __init__(self, form: PeriodForm) -> None:
        super().__init__(errors_as_text(form))


def _refused(error: _PeriodRefused) -> HttpResponse:
    """A download with a wrong period says what is wrong, in plain text (there is no page to show it on)."""
    return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


def _inspection(request: HttpRequest) -> tuple[dt.date, dt.date, Any]:
    if not request.user.has_perm("complaints.export_complaints"):
        raise PermissionDenied()
    form, start, end = _period(request)
    if form.is_bound and not form.is_valid():
        raise _PeriodRefused(form)
    since, until = day_span(start, end)
    complaints = (
        selectors.visible_to(request.user)
        .filter(received_at__gte=since, received_at__lt=until)
        .select_related("module", "officer", "record__taken_by")
        .prefetch_related("answers__conciliation_body", "answers__seat_conciliation_body", "answers__authority")
        .order_by("received_at", "id")
    )
    return start, end, complaints


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    try:
        start, end, complaints = _inspection(request)
    except _PeriodRefused as error:
        return _refused(error)
    _log_export(request, start, end)
    return csv_response(csv_rows(complaints, timezone.now()), filename=f"panasznyilvantartas-{start}-{end}.csv")


@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    try:
        start, end, complaints = _inspection(request)
    except _PeriodRefused as error:
        return _refused(error)
    pdf = documents.inspection_bundle(complaints, start=start, end=end)
    _log_export(request, start, end)
    return pdf_response(pdf, f"panasznyilvantartas-{start}-{end}.pdf")


def _log_export(request: HttpRequest, start: dt.date, end: dt.date) -> None:
    """The register of a period carries every complainant's data: one access-log entry for the export."""
    record_access(
        request, action=AccessAction.EXPORT, obj=None, kind=AccessKind.COMPLAINT_REGISTER, reference=f"{start} – {end}"
    )


def start_page_counts(user: Any) -> dict[str, int] | None:
    """The start page's complaint box for officers and executives."""
    if not selectors.follows_register(user):
        return None
    return selectors.deadline_counts(user, timezone.now())
