"""Signing in, with a second step for those who turned two-factor on, and resetting a password.

Django's own views do the work; these add what Joined Up asks of them: the second step, the
throttles (joinedup/accounts/throttle.py) and, when someone sets a new password through the
emailed link, their sign-in unlocked and their API tokens revoked.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_ratelimit.core import is_ratelimited

from joinedup.accounts import actions, throttle
from joinedup.accounts.forms import CodeForm, QueuedPasswordResetForm
from joinedup.accounts.models import User
from joinedup.accounts.two_factor import (
    code_used_already,
    has_two_factor,
    recovery_codes_left,
)

PENDING = "joinedup_sign_in_pending"
# How long the second step waits for its code after the password was right.
CODE_WINDOW_SECONDS = 300
WRONG_CODE = "That code is not right. Type the code your app shows now, or a recovery code."
USED_CODE = (
    "That code has been used already: each works once. Wait for the next code your app shows "
    "(a new one every 30 seconds) and type that."
)
# Per address and per email: enough for someone who mistyped, too few to flood an inbox.
RESET_RATE_ADDRESS, RESET_RATE_EMAIL = "20/h", "5/h"
RESET_LIMITED = "Too many reset requests. Please wait an hour and try again."


class SignInView(auth_views.LoginView):
    """The password step. Someone with two-factor on is not signed in yet: the session only
    remembers, for five minutes, who passed the password and where they were going."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not has_two_factor(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_code")


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code (used up)."""
    pending: dict[str, Any] = request.session.get(PENDING) or {}
    user = None
    if pending and time.time() - pending["at"] <= CODE_WINDOW_SECONDS:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, "Please sign in again.")
        return redirect("login")
    if throttle.is_locked_out(request, user.email):
        return throttle.locked_out(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].replace(" ", "").lower())
        if device is not None:
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. "
                    "Make new ones on your settings page if you have lost your phone.",
                )
            return redirect(pending["next"])
        throttle.sign_in_failed(request, user.email)
        if throttle.is_locked_out(request, user.email):
            return throttle.locked_out(request)
        code = form.cleaned_data["code"].replace(" ", "")
        form.add_error("code", USED_CODE if code_used_already(user, code) else WRONG_CODE)
        status = 422
    elif request.method == "POST":
        status = 422
    return render(request, "registration/login_code.html", {"form": form}, status=status)


class ResetRequestView(auth_views.PasswordResetView):
    """Asking for a reset link, throttled per address and per email address; the link is sent
    by a worker."""

    form_class = QueuedPasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("email", "")).strip().lower()
        by_address = is_ratelimited(
            request,
            group="password_reset.address",
            key=lambda group, r: throttle.address_of(r),
            rate=RESET_RATE_ADDRESS,
            increment=True,
        )
        by_email = is_ratelimited(
            request,
            group="password_reset.email",
            key=lambda group, r: email,
            rate=RESET_RATE_EMAIL,
            increment=True,
        )
        if by_address or by_email:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, RESET_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the emailed link: whoever holds the mailbox is the real
    user, so their sign-in is unlocked; their API tokens and calendar links are revoked, as
    someone resetting a password may be shutting out whoever learnt the old one."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        throttle.unlock(email=form.user.email)
        actions.secrets_revoke(user=form.user, reason="password reset", by=form.user)
        return response


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password signed in: as with a reset, the API tokens and calendar links
    stop, so that whoever learnt the old password keeps no way in (Django keeps only this
    session signed in)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        actions.secrets_revoke(user=form.user, reason="password change", by=form.user)
        return response
