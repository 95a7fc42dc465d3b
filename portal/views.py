"""Pages of the customer portal. Django's LoginRequiredMiddleware sends anonymous visitors to the staff login,
so every portal page is `login_not_required` and checks the portal account itself (`portal_page`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import throttled_status
from accounts.models import User
from accounts.throttling import reset_mail_allowed
from common.files import download
from portal import selectors, services
from portal.forms import (
    ComplaintForm,
    DocumentSearchForm,
    FeedbackForm,
    PortalAuthenticationForm,
    PortalPasswordResetForm,
    RatingForm,
    ReplyForm,
    RequestForm,
)
from tickets.choices import State
from tickets.models import Ticket
from worktime.humanize import handling_sentence
from worktime.selectors import desk_status, upcoming_closures, weekly_hours

PAGE_SIZE = 25
View = Callable[..., HttpResponseBase]


def portal_page(view: View) -> View:
    """A page for portal accounts: anonymous visitors go to the portal login, staff get a friendly refusal."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user: Any = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not user.contact_id:
            return render(request, "portal/staff_account.html", status=403)
        if not user.contact.is_active:
            logout(request)
            messages.error(request, _("This portal account is no longer active. Please call the service desk."))
            return redirect("portal:login")
        return view(request, *args, **kwargs)

    return wrapped


def _opening_hours() -> dict[str, Any]:
    is_open, opens = desk_status()
    return {
        "weekly_hours": weekly_hours(),
        "closures": upcoming_closures(),
        "desk_open": is_open,
        "desk_opens": opens,
        # "Kérését 2026. november 30-án, hétfőn 7:30-tól dolgozzuk fel." — the sentence the acknowledgement uses.
        "handling": handling_sentence(opens) if opens is not None and not is_open else "",
    }


# --- logging in and out, invitations, password reset -----------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("portal:home")

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = throttled_status(form)  # 429 while logins are locked (accounts.throttling)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | _opening_hours()


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    next_page = "portal:login"


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Accepting the invitation: the contact sets a password and is logged in."""
    user = _portal_user(uidb64)
    if user is None or not services.invitation_tokens.check_token(user, token):
        return render(request, "portal/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="accounts.backends.PermissionsAtOnceBackend")
        messages.success(request, _("Welcome! Your password is set and you are logged in."))
        return redirect("portal:home")
    return render(request, "portal/invitation.html", {"form": form, "contact": user.contact})


def _portal_user(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return (
        User.objects.select_related("contact")
        .filter(pk=pk, is_active=True, contact__isnull=False, contact__is_active=True)
        .first()
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "portal/password_reset.html"
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")
    token_generator = services.password_reset_tokens

    def form_valid(self, form: Any) -> HttpResponse:
        # Counted per address asked for and per client (accounts.throttling): beyond the limit no mail goes
        # out, and the answer is the same page as always, so it tells nothing about the address.
        if not reset_mail_allowed(self.request, form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {"base_url": settings.PULT_BASE_URL, "company_name": settings.PULT_COMPANY_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")
    token_generator = services.password_reset_tokens

    def get_user(self, uidb64: str) -> Any:
        return _portal_user(uidb64)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"


# --- requests --------------------------------------------------------------------------------------


@require_GET
@portal_page
def home(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.request_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(ticket, selectors.public_state(ticket), selectors.public_state_class(ticket)) for ticket in page]
    context = {"page": page, "rows": rows, "shared": selectors.shares_requests(request.user)} | _opening_hours()
    return render(request, "portal/home.html", context)


@require_http_methods(["GET", "POST"])
@portal_page
def new_request(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.submit_request(
                user=request.user,
                module=data["module"],
                subject=data["subject"],
                description=data["description"],
                files=data["attachments"],
            )
        except services.PortalError as error:
            form.add_error(None, str(error.message))
        else:
            from mail.outbound import handling_note

            messages.success(
                request, _("Your request was registered with the number %(number)s.") % {"number": ticket.number}
            )
            note = handling_note(ticket)
            if note:
                messages.info(request, note)
            return redirect("portal:request", year=ticket.year, sequence=ticket.sequence)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/request_form.html", {"form": form} | _opening_hours(), status=status)


def _request_context(request: HttpRequest, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    closed = ticket.state in (State.CLOSED, State.REJECTED)
    rated = ticket.ratings.filter(reopen_count=ticket.reopen_count).first() if ticket.state == State.CLOSED else None
    context = {
        "ticket": ticket,
        "state_label": selectors.public_state(ticket),
        "state_class": selectors.public_state_class(ticket),
        "timeline": selectors.public_timeline(ticket),
        "attachments": selectors.customer_attachments(ticket),
        "reply_form": ReplyForm() if ticket.is_open else None,
        "questions": selectors.open_questions_to_user(ticket) if ticket.is_open else [],
        "feedback_form": FeedbackForm() if closed else None,
        "rating": rated,
        "rating_form": RatingForm() if ticket.state == State.CLOSED and rated is None else None,
    }
    context.update({name: form for name, form in forms.items() if form is not None})
    return context


@require_GET
@portal_page
def request_detail(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = selectors.get_request(request.user, year, sequence)
    return render(request, "portal/request_detail.html", _request_context(request, ticket))


def _posted(
    request: HttpRequest,
    ticket: Ticket,
    form: Any,
    form_name: str,
    action: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except services.PortalError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, success)
            return redirect("portal:request", year=ticket.year, sequence=ticket.sequence)
    ticket.refresh_from_db()
    context = _request_context(request, ticket, **{form_name: form})
    return render(request, "portal/request_detail.html", context, status=400)


@require_POST
@portal_page
def request_reply(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = selectors.get_request(request.user, year, sequence)
    form = ReplyForm(request.POST, request.FILES)
    return _posted(
        request,
        ticket,
        form,
        "reply_form",
        lambda data: services.reply(user=request.user, ticket=ticket, text=data["text"], files=data["attachments"]),
        _("Your message was sent to the service desk."),
    )


@require_POST
@portal_page
def request_feedback(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = selectors.get_request(request.user, year, sequence)
    form = FeedbackForm(request.POST)
    return _posted(
        request,
        ticket,
        form,
        "feedback_form",
        lambda data: services.give_feedback(user=request.user, ticket=ticket, text=data["text"]),
        _("Thank you for your feedback. An agent will review it."),
    )


@require_POST
@portal_page
def request_rate(request: HttpRequest, year: int, sequence: int) -> HttpResponse:
    ticket = selectors.get_request(request.user, year, sequence)
    form = RatingForm(request.POST)
    return _posted(
        request,
        ticket,
        form,
        "rating_form",
        lambda data: services.rate(user=request.user, ticket=ticket, score=data["score"], comment=data["comment"]),
        _("Thank you for your rating."),
    )


@require_GET
@portal_page
def attachment_download(request: HttpRequest, year: int, sequence: int, pk: int) -> FileResponse:
    attachment = selectors.get_attachment(request.user, year, sequence, pk)
    return download(attachment.file, attachment.original_name)


# --- complaints ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_page
def complaint(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.submit_complaint(
                user=request.user,
                subject=data["subject"],
                description=data["description"],
                module=data["module"],
                evidence=data["evidence"],
                county=data["county"],
            )
        except services.PortalError as error:
            form.add_error(None, str(error.message))
        else:
            return render(request, "portal/complaint_thanks.html", {"complaint": recorded})
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/complaint_form.html", {"form": form}, status=status)


# --- the public documents of the library ------------------------------------------------------------


@require_GET
@portal_page
def documents(request: HttpRequest) -> HttpResponse:
    from library import selectors as library

    form = DocumentSearchForm(request.GET)
    found = library.visible_to(request.user).select_related("category", "module")
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        found = library.search(found, query)
    page = Paginator(found.order_by("category__order", "category__name", "title", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/documents.html", {"form": form, "page": page, "query": query})


def _document(user: Any, pk: int) -> Any:
    from library import selectors as library

    document = library.visible_to(user).select_related("category", "module", "current").filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    return document


@require_GET
@portal_page
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from library.rendering import render_markdown

    document = _document(request.user, pk)
    version = document.current
    html = render_markdown(version.markdown) if version is not None and version.markdown else ""
    return render(request, "portal/document_detail.html", {"document": document, "version": version, "html": html})


@require_GET
@portal_page
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    from library.services import file_response

    document = _document(request.user, pk)
    if document.current is None or not document.current.file:
        raise Http404("The document has no file.")
    return file_response(document.current, as_attachment=True)
