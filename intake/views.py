"""Intake pages: the intake sheet, the written-request form, contact search and the feedback sheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.htmx import render_fragment, render_page_or_partial
from common.pdf import pdf_response, render_pdf
from customers.selectors import contact_search as search_contacts
from intake import selectors, services
from intake.forms import FeedbackForm, FeedbackSearchForm, OralIntakeForm, WrittenRequestForm
from intake.models import IntakeSheet
from tickets import selectors as ticket_selectors
from tickets import workflow
from tickets.models import Ticket


def _print_link(message: str, sheet_pk: int) -> str:
    return format_html(
        '{} <a href="{}" target="_blank">{}</a>',
        message,
        reverse("intake:sheet_pdf", args=[sheet_pk]),
        _("Print the intake sheet"),
    )


def _registration_page(
    request: HttpRequest,
    form: OralIntakeForm | WrittenRequestForm,
    template: str,
    register: Callable[[], tuple[Ticket, IntakeSheet | None]],
) -> HttpResponse:
    """Validate, register through the service, then go to the new ticket — or show the form again."""
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            ticket, sheet = register()
        except workflow.WorkflowError as refused:
            form.add_error(None, str(refused.message))
            status = refused.status
        else:
            message = _("Registered as %(number)s.") % {"number": ticket.number}
            messages.success(request, _print_link(message, sheet.pk) if sheet else message)
            return redirect("tickets:detail", year=ticket.year, sequence=ticket.sequence)
    return render(request, template, {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("tickets.register_ticket", raise_exception=True)
def oral_intake(request: HttpRequest) -> HttpResponse:
    form = OralIntakeForm(request.POST or None)

    def register() -> tuple[Ticket, IntakeSheet | None]:
        sheet = services.oral_request_register(actor=request.user, **form.service_arguments())
        return cast(Ticket, sheet.ticket), sheet  # an oral request's sheet always has its ticket

    return _registration_page(request, form, "intake/oral.html", register)


@require_http_methods(["GET", "POST"])
@permission_required("tickets.register_ticket", raise_exception=True)
def written_intake(request: HttpRequest) -> HttpResponse:
    form = WrittenRequestForm(request.POST or None, request.FILES or None)

    def register() -> tuple[Ticket, IntakeSheet | None]:
        return services.written_request_register(actor=request.user, **form.service_arguments()), None

    return _registration_page(request, form, "intake/written.html", register)


@require_GET
@permission_required("customers.view_contact", raise_exception=True)
def contact_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    return render_fragment(
        request, "intake/partials/_contact_results.html", {"contacts": search_contacts(query=query), "q": query}
    )


@require_GET
@permission_required("tickets.register_feedback", raise_exception=True)
def feedback_search(request: HttpRequest) -> HttpResponse:
    form = FeedbackSearchForm(request.GET or None)
    tickets = (
        selectors.original_ticket_search(user=request.user, query=form.cleaned_data["q"]) if form.is_valid() else None
    )
    context = {"form": form, "tickets": tickets}
    return render_page_or_partial(
        request,
        "intake/feedback_search.html",
        "intake/partials/_feedback_results.html",
        context,
        target="feedback-results",
    )


@require_http_methods(["GET", "POST"])
@permission_required("tickets.register_feedback", raise_exception=True)
def feedback_register(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = ticket_selectors.get_for(request.user, year=year, sequence=sequence)
    form = FeedbackForm(
        request.POST or None, ticket_version=ticket.version, can_reopen=workflow.can(request.user, ticket, "reopen")
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                _feedback, sheet = services.feedback_register(
                    actor=request.user,
                    ticket=ticket,
                    expected_version=data["version"],
                    channel=data["channel"],
                    received_at=data["received_at"],
                    caller_name=data["caller_name"],
                    caller_phone=data["caller_phone"],
                    caller_email=data["caller_email"],
                    content=data["content"],
                    reopen=data["outcome"] == FeedbackForm.REOPEN,
                )
            except workflow.WorkflowError as refused:
                form.add_error(None, str(refused.message))
                status = refused.status
                ticket = ticket_selectors.get_for(request.user, year=year, sequence=sequence)
            else:
                message = _("Feedback recorded on %(number)s.") % {"number": ticket.number}
                messages.success(request, _print_link(message, sheet.pk))
                return redirect("tickets:detail", year=ticket.year, sequence=ticket.sequence)
    return render(request, "intake/feedback_form.html", {"form": form, "ticket": ticket}, status=status)


@require_GET
def sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.sheet_for(request.user, pk)
    pdf = render_pdf("intake/pdf/sheet.html", {"sheet": sheet}, request=request)
    return pdf_response(pdf, f"felveteli-lap-{sheet.pk}.pdf")
