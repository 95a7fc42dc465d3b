"""The login (password, then the authenticator code when the user has one), the user's own sessions and
two-factor enrolment. The login page also tells anyone the service desk's hours and coming closures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import sessions, two_factor
from accounts.forms import CodeForm, ConfirmCodeForm, RecoveryCodeForm, StaffAuthenticationForm, throttled_status
from accounts.models import User
from accounts.throttling import LoginGuard, locked_message
from worktime.selectors import desk_status, upcoming_closures, weekly_hours

WRONG_CODE = gettext_lazy("This code is not right. Enter the current code from your authenticator app.")
WRONG_RECOVERY_CODE = gettext_lazy(
    "This recovery code is not right, or it has been used already. Each recovery code works once."
)
WRONG_CONFIRMATION_CODE = gettext_lazy(
    "This code is not right. Enter the current code from your authenticator app, or an unused recovery code."
)


def _desk_context() -> dict[str, Any]:
    is_open, opens = desk_status()
    return {"weekly_hours": weekly_hours(), "closures": upcoming_closures(), "desk_open": is_open, "desk_opens": opens}


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = StaffAuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | _desk_context()

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = throttled_status(form)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if two_factor.device_of(user) is not None:
            two_factor.start_pending_login(self.request, user, backend=user.backend, redirect_to=self.get_success_url())
            return redirect("accounts:login_code")
        response = super().form_valid(form)
        if two_factor.is_required(user):
            self.request.session[two_factor.ENROLMENT_REQUIRED_KEY] = True
            messages.warning(
                self.request, _("Your role requires two-factor login. Set up your authenticator app to continue.")
            )
            return redirect("accounts:two_factor")
        return response


@login_not_required
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of the staff login: the 6-digit code, or a recovery code; throttled like the password."""
    found = two_factor.pending_login(request)
    if found is None:
        request.session.pop(two_factor.PENDING_KEY, None)
        messages.error(request, _("Your login has timed out. Please log in again."))
        return redirect("login")
    user, pending = found
    with_recovery = "recovery_code" in request.POST
    form = CodeForm(request.POST if request.method == "POST" and not with_recovery else None)
    recovery_form = RecoveryCodeForm(request.POST if with_recovery else None)
    submitted: CodeForm | RecoveryCodeForm = recovery_form if with_recovery else form
    status = 200
    if request.method == "POST" and submitted.is_valid():
        guard = LoginGuard.for_request(request, user.get_username())
        until = guard.locked_until()
        if until is not None:
            submitted.add_error(None, locked_message(until))
            status = 429
        elif not with_recovery and two_factor.two_factor_verify(user=user, code=form.cleaned_data["code"]):
            return _code_step_passed(request, user, pending)
        elif with_recovery:
            left = two_factor.recovery_code_use(user=user, code=recovery_form.cleaned_data["recovery_code"])
            if left is not None:
                messages.warning(request, _recovery_codes_left_message(left))
                return _code_step_passed(request, user, pending)
            guard.record_failure()
            recovery_form.add_error("recovery_code", WRONG_RECOVERY_CODE)
        else:
            guard.record_failure()
            form.add_error("code", WRONG_CODE)
    context = {"form": form, "recovery_form": recovery_form} | _desk_context()
    return render(request, "accounts/login_code.html", context, status=status)


def _code_step_passed(request: HttpRequest, user: User, pending: dict[str, Any]) -> HttpResponse:
    request.session.pop(two_factor.PENDING_KEY, None)
    login(request, user, backend=pending["backend"])
    target = str(pending.get("next") or "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("dashboard:home")
    return redirect(target)


def _recovery_codes_left_message(left: int) -> str:
    if left == 0:
        return _(
            "You logged in with your last recovery code. Make new recovery codes on the two-factor login page now."
        )
    return ngettext(
        "You logged in with a recovery code; it cannot be used again. %(count)d recovery code is left.",
        "You logged in with a recovery code; it cannot be used again. %(count)d recovery codes are left.",
        left,
    ) % {"count": left}


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponseBase:
    """The admin has no login of its own: everyone logs in through the staff login (throttling, two-factor)."""
    user: Any = request.user
    if user.is_authenticated:
        if not user.is_staff:
            raise PermissionDenied
        return redirect(reverse("admin:index"))
    query = request.GET.urlencode()
    return redirect(reverse("login") + (f"?{query}" if query else ""))


# --- the user's own account: sessions and two-factor login ---------------------------------------------------


def _staff_only(request: HttpRequest) -> User:
    user: Any = request.user
    if getattr(user, "contact_id", None):
        raise PermissionDenied
    return user  # type: ignore[no-any-return]


@require_http_methods(["GET"])
def session_list(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    rows = list(sessions.active_sessions_of(user))
    current = request.session.session_key
    return render(
        request,
        "accounts/sessions.html",
        {"rows": rows, "current_key": current, "others": sum(1 for row in rows if row.session_key != current)},
    )


@require_POST
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    user = _staff_only(request)
    # The session in use is ended with "Log out"; here only the others.
    if sessions.user_session_end(user=user, session_id=session_id, keep_session_key=request.session.session_key or ""):
        messages.success(request, _("The session is signed out."))
    else:
        messages.error(request, _("This session has already ended."))
    return redirect("accounts:sessions")


@require_POST
def session_end_others(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    count = sessions.user_sessions_end_others(user=user, keep_session_key=request.session.session_key or "")
    messages.success(request, _("Signed out of %(count)d other sessions.") % {"count": count})
    return redirect("accounts:sessions")


@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Set up (or turn off) the authenticator: a QR code and the secret in text, confirmed by a code. Once it
    is on, the recovery codes: how many are left, and new ones (confirmed by a code; the old ones stop working).
    New recovery codes are shown once, in the answer to the form that made them, and kept nowhere in clear."""
    user = _staff_only(request)
    device = two_factor.device_of(user)
    required = two_factor.is_required(user)
    if device is not None:
        return _two_factor_on(request, user, device, required)
    form = CodeForm(request.POST or None)
    status = 200
    secret = request.session.get(two_factor.ENROL_SECRET_KEY)
    if not isinstance(secret, str) or not secret:
        secret = two_factor.new_secret()
        request.session[two_factor.ENROL_SECRET_KEY] = secret
    if request.method == "POST":
        if form.is_valid():
            enabled = two_factor.two_factor_enable(user=user, secret=secret, code=form.cleaned_data["code"])
            if enabled is not None:
                device, codes = enabled
                request.session.pop(two_factor.ENROL_SECRET_KEY, None)
                request.session.pop(two_factor.ENROLMENT_REQUIRED_KEY, None)
                messages.success(request, _("Two-factor login is on. From now on you give a code after your password."))
                return _two_factor_on(request, user, device, required, new_codes=codes)
            form.add_error("code", WRONG_CODE)
        status = 400
    uri = two_factor.provisioning_uri(user, secret)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": None,
            "required": required,
            "form": form,
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": two_factor.qr_svg(uri),
        },
        status=status,
    )


def _two_factor_on(
    request: HttpRequest, user: User, device: Any, required: bool, *, new_codes: list[str] | None = None
) -> HttpResponse:
    action = request.POST.get("action") if new_codes is None else None
    form = CodeForm(request.POST if action == "disable" else None)
    regenerate_form = ConfirmCodeForm(request.POST if action == "regenerate" else None, prefix="regenerate")
    status = 200
    if action == "disable":
        if required:
            messages.error(request, _("Your role requires two-factor login; it cannot be turned off."))
        elif form.is_valid() and two_factor.two_factor_verify(user=user, code=form.cleaned_data["code"]):
            two_factor.two_factor_disable(user=user)
            messages.success(request, _("Two-factor login is turned off."))
            return redirect("accounts:two_factor")
        else:
            if form.is_valid():
                form.add_error("code", WRONG_CODE)
            status = 400
    elif action == "regenerate":
        status = 400
        if regenerate_form.is_valid():
            guard = LoginGuard.for_request(request, user.get_username())  # guessing codes here is throttled too
            until = guard.locked_until()
            if until is not None:
                regenerate_form.add_error(None, locked_message(until))
                status = 429
            elif two_factor.two_factor_confirm(user=user, code=regenerate_form.cleaned_data["code"]):
                new_codes = two_factor.recovery_codes_regenerate(user=user)
                messages.success(request, _("New recovery codes are made; the old ones no longer work."))
                status = 200
            else:
                guard.record_failure()
                regenerate_form.add_error("code", WRONG_CONFIRMATION_CODE)
    context = {
        "device": device,
        "required": required,
        "form": form,
        "regenerate_form": regenerate_form,
        "new_codes": new_codes,
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/two_factor.html", context, status=status)
