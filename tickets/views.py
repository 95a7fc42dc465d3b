"""Ticket pages: the list, the ticket with its timeline and step forms, attachments, the summary PDF."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services import timeline_order_set
from common.files import download
from common.htmx import render_fragment, render_page_or_partial
from common.pagination import LargeListPaginator
from common.pdf import letterhead, pdf_response, render_pdf
from privacy.choices import AccessAction
from privacy.services import record_access
from tickets import selectors, workflow
from tickets.choices import FeedbackOutcome, TimelineKind
from tickets.forms import (
    FEEDBACK_STEPS,
    LOOKUP_FIELDS,
    STEP_FORMS,
    StepForm,
    TicketFilterForm,
    can_look_up,
    lookup_choices,
)
from tickets.models import Attachment, Feedback, Letter, Ticket

PAGE_SIZE = 25


def linked_complaints(user: Any, ticket: Ticket) -> list[Any]:
    """Complaints raised from the ticket, only those the user may see (never to an employee they concern)."""
    from complaints.selectors import linked_to_ticket

    return list(linked_to_ticket(user, ticket).only("year", "sequence", "number", "state"))


def linked_library_documents(user: Any, ticket: Ticket) -> list[Any]:
    """Library documents linked to the ticket that the user may read."""
    from library.selectors import linked_to_ticket

    return list(linked_to_ticket(user, ticket))


def can_list_tickets(user: Any) -> bool:
    return bool(user.has_perm("tickets.view_all_tickets") or user.has_perm("tickets.work_on_ticket"))


def posted_version(request: HttpRequest) -> int:
    """The version a plain (non-step) form was shown with; a damaged value is the user's error, not ours."""
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        raise workflow.InvalidInput(_("The form is damaged; reload the page.")) from None


def _ticket_url(ticket: Ticket) -> str:
    return reverse("tickets:detail", kwargs={"year": ticket.year, "sequence": ticket.sequence})


@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    if not can_list_tickets(request.user):
        raise PermissionDenied()
    form = TicketFilterForm(request.GET, user=request.user)
    filters, sort = form.to_filter()
    tickets = selectors.for_rows(selectors.ticket_list(user=request.user, filters=filters, sort=sort))
    if filters.text.strip():
        from search.selectors import COUNT_CAP, attach_snippets

        page = LargeListPaginator(tickets, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
        attach_snippets(page.object_list, filters.text)
    else:
        page = LargeListPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page_or_partial(
        request, "tickets/list.html", "tickets/partials/_results.html", context, target="results"
    )


def _detail_context(request: HttpRequest, ticket: Ticket, bound: StepForm | None = None) -> dict[str, Any]:
    kinds = [kind for kind in request.GET.getlist("kind") if kind in TimelineKind.values]
    steps = workflow.allowed_steps(request.user, ticket)
    # Steps without a form here are taken elsewhere: feedback on its intake sheet, mail by the intake.
    forms = [STEP_FORMS[name](ticket=ticket, user=request.user) for name in steps if name in STEP_FORMS]
    if bound is not None:
        # The submitted form comes back first with its errors and everything typed, even when its
        # step is no longer possible (the ticket changed meanwhile).
        forms = [bound, *[form for form in forms if form.step != bound.step]]
    return {
        "ticket": ticket,
        "page_address": _ticket_url(ticket),  # where a step's form error leaves the browser (see base.html)
        "events": selectors.timeline(
            ticket, newest_first=getattr(request.user, "timeline_newest_first", False), kinds=kinds
        ),
        "timeline_kinds": TimelineKind.choices,
        "chosen_kinds": kinds,
        "attachments": ticket.attachments.select_related("uploaded_by"),
        "work_logs": ticket.work_logs.select_related("author"),
        "test_logs": ticket.test_logs.select_related("author"),
        "consultations": ticket.consultations.select_related("author", "answered_by", "contact"),
        "notifications": ticket.notifications.select_related("recorded_by"),
        "clocks": ticket.clocks.all(),
        "feedback_list": ticket.feedback.select_related("registered_by"),
        "pending_feedback": [
            feedback for feedback in ticket.feedback.all() if feedback.outcome == FeedbackOutcome.PENDING
        ]
        if workflow.can(request.user, ticket, "record_feedback")
        else [],
        "can_reopen": workflow.can(request.user, ticket, "reopen"),
        "intake_sheets": ticket.intake_sheets.all(),
        "inbound_messages": ticket.inbound_messages.only("pk", "subject", "received_at", "status"),
        "outbound_messages": ticket.outbound_messages.all(),
        "sending_outbound": _sending_outbound(ticket),
        "letters": ticket.letters.select_related("prepared_by"),
        "can_post_letters": workflow.can(request.user, ticket, "record_notification"),
        "minutes_total": ticket.work_logs.aggregate(total=Sum("minutes"))["total"] or 0,
        "step_forms": forms,
        "can_register_feedback": any(name in FEEDBACK_STEPS for name in steps),
        "open_step": bound.step if bound is not None else request.GET.get("step", ""),
        "complaints": linked_complaints(request.user, ticket),
        "linked_documents": linked_library_documents(request.user, ticket),
    }


@require_GET
def ticket_detail(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    record_access(request, action=AccessAction.VIEW, obj=ticket, contact=ticket.contact)
    return render(request, "tickets/detail.html", _detail_context(request, ticket))


def _sending_outbound(ticket: Ticket) -> Any:
    """The notification e-mail or fax on its way, if one is."""
    if ticket.notification_sending_since is None:
        return None
    return ticket.outbound_messages.order_by("-id").first()


@require_POST
def timeline_order(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    """The person's choice of the timeline's order, kept for every ticket page they open from now on."""
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    timeline_order_set(user=request.user, newest_first=request.POST.get("newest_first") == "1")
    kinds = [kind for kind in request.POST.getlist("kind") if kind in TimelineKind.values]
    query = ("?" + urlencode([("kind", kind) for kind in kinds])) if kinds else ""
    return redirect(_ticket_url(ticket) + query + "#timeline")


@require_GET
def notification_sending(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    """Polled by the ticket page while a notification is on its way: the same badge until the mail server
    accepts it or the worker gives up, then a refresh of the whole page (its state and steps change)."""
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    if ticket.notification_sending_since is None:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    context = {"ticket": ticket, "sending_outbound": _sending_outbound(ticket)}
    return render_fragment(request, "tickets/partials/_sending.html", context)


@require_POST
def ticket_step(request: HttpRequest, year: int, sequence: int, step: str) -> HttpResponse:
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404()
    if not workflow.role_allows(request.user, step):
        raise PermissionDenied()
    refused = workflow.refusal(request.user, ticket, step)
    if refused is not None and request.POST.get(f"{step}-version") == str(ticket.version):
        # The ticket is as the page showed it, so the page never offered this step: refuse outright.
        context = {**_detail_context(request, ticket), "refusal": str(refused.message)}
        return render(request, "tickets/detail.html", context, status=refused.status)
    form = form_class(request.POST, request.FILES, ticket=ticket, user=request.user)
    if form.is_valid():
        try:
            form.submit(request.user)
        except workflow.WorkflowError as error:
            ticket = selectors.get_for(request.user, year=year, sequence=sequence)
            if isinstance(error, workflow.TicketChangedMeanwhile):
                # What was typed comes back carrying the current version: sendable again once reviewed.
                data = request.POST.copy()
                data[f"{step}-version"] = str(ticket.version)
                form = form_class(data, request.FILES, ticket=ticket, user=request.user)
                form.is_valid()
            form.add_error(None, str(error.message))
            form.ticket = ticket
            return render(request, "tickets/detail.html", _detail_context(request, ticket, form), status=error.status)
        messages.success(request, _("Done: %(step)s.") % {"step": form.label})
        return redirect(_ticket_url(ticket))
    return render(request, "tickets/detail.html", _detail_context(request, ticket, form), status=400)


@require_POST
def feedback_review(request: HttpRequest, year: int, sequence: int, pk: int) -> HttpResponse:
    """An agent decides on feedback that arrived by itself: reopen the ticket, or record the feedback only."""
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    feedback = get_object_or_404(Feedback, pk=pk, ticket=ticket, outcome=FeedbackOutcome.PENDING)
    reopen = request.POST.get("decision") == "reopen"
    try:
        workflow.register_feedback(
            ticket=ticket,
            actor=request.user,
            content=feedback.content,
            reopen=reopen,
            channel=feedback.channel,
            received_at=feedback.received_at,
            expected_version=posted_version(request),
            pending=feedback,
        )
    except workflow.WorkflowError as error:
        context = {**_detail_context(request, ticket), "refusal": str(error.message)}
        return render(request, "tickets/detail.html", context, status=error.status)
    messages.success(request, _("Ticket reopened.") if reopen else _("Feedback recorded."))
    return redirect(_ticket_url(ticket))


@require_GET
def letter_pdf(request: HttpRequest, year: int, sequence: int, pk: int) -> HttpResponse:
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    letter = get_object_or_404(Letter, pk=pk, ticket=ticket)
    context = {"ticket": ticket, "letter": letter, "company": letterhead()}
    with translation.override(settings.LANGUAGE_CODE):  # the customer's letter, in the desk's language
        pdf = render_pdf("tickets/pdf/letter.html", context, request=request)
    record_access(request, action=AccessAction.PDF, obj=letter, contact=ticket.contact, reference=ticket.number)
    return pdf_response(pdf, f"level-{ticket.year}-{ticket.sequence:06d}-{letter.pk}.pdf")


@require_POST
def letter_posted(request: HttpRequest, year: int, sequence: int, pk: int) -> HttpResponse:
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    letter = get_object_or_404(Letter, pk=pk, ticket=ticket)
    try:
        workflow.letter_posted(letter=letter, actor=request.user, expected_version=posted_version(request))
    except workflow.WorkflowError as error:
        context = {**_detail_context(request, ticket), "refusal": str(error.message)}
        return render(request, "tickets/detail.html", context, status=error.status)
    messages.success(request, _("The letter is posted: the notification is recorded."))
    return redirect(_ticket_url(ticket))


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = (
        Attachment.objects.filter(pk=pk, ticket__in=selectors.visible_to(request.user)).select_related("ticket").first()
    )
    if attachment is None:
        raise Http404()
    return download(attachment.file, attachment.original_name)


@require_GET
def ticket_pdf(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = selectors.get_for(request.user, year=year, sequence=sequence)
    context = _detail_context(request, ticket)
    pdf = render_pdf("tickets/pdf/summary.html", context, request=request)
    record_access(request, action=AccessAction.PDF, obj=ticket, contact=ticket.contact)
    return pdf_response(pdf, f"feladat-{ticket.year}-{ticket.sequence:06d}.pdf")


@require_GET
def filter_lookup(request: HttpRequest, field: str) -> HttpResponse:
    """Options for the ticket list's customer or contact filter: the rows whose name matches the search."""
    if not can_look_up(request.user):
        raise PermissionDenied()
    if field not in LOOKUP_FIELDS:
        raise Http404()
    choices = lookup_choices(field, request.GET.get("q", ""))
    context = {"choices": choices, "nothing": _("No match")}
    return render_fragment(request, "tickets/partials/_lookup_options.html", context)
