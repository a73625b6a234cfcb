"""Setting up two-factor sign-in from the settings page, and turning it off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts import actions
from joinedup.accounts.forms import ConfirmCodeForm, PasswordCheckForm
from joinedup.accounts.two_factor import (
    has_two_factor,
    pending_authenticator,
    qr_svg,
    recovery_codes_left,
    secret_for_typing,
    two_factor_required,
)
from joinedup.http import AuthedRequest

REQUIRED = (
    "Two-factor sign-in stays on: your account needs it, as you can see the personal details "
    "of people your organisation supports."
)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor(request: AuthedRequest) -> HttpResponse:
    """Where it stands; a POST starts setting up an authenticator (a new QR code)."""
    user = request.user
    if request.method == "POST":
        actions.two_factor_start(user=user)
        return redirect(request.get_full_path())
    return _page(request, ConfirmCodeForm())


@never_cache
@require_POST
@login_required
def two_factor_confirm(request: AuthedRequest) -> HttpResponse:
    """A first correct code turns it on; the recovery codes are shown this once."""
    form = ConfirmCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = actions.two_factor_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # This session proved the second factor just now.
            otp_login(request, TOTPDevice.objects.get(user=request.user, confirmed=True))
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next(request) or reverse("settings")},
            )
    return _page(request, form, status=422)


@never_cache
@require_POST
@login_required
def two_factor_off(request: AuthedRequest) -> HttpResponse:
    """Turning it off needs the password, so a session left open cannot do it."""
    if two_factor_required(request.user):
        messages.error(request, REQUIRED)
        return redirect("two_factor")
    form = PasswordCheckForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Two-factor sign-in is still on: that is not your password.")
        return redirect("two_factor")
    actions.two_factor_disable(user=request.user, by=request.user)
    messages.success(request, "Two-factor sign-in is off.")
    return redirect("two_factor")


def _page(request: AuthedRequest, confirm_form: ConfirmCodeForm, status: int = 200) -> HttpResponse:
    user = request.user
    device = pending_authenticator(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": has_two_factor(user),
            "required": two_factor_required(user),
            "device": device,
            "qr": qr_svg(device) if device else "",
            "secret": secret_for_typing(device) if device else "",
            "confirm_form": confirm_form,
            "off_form": PasswordCheckForm(user=user),
            "codes_left": recovery_codes_left(user),
            "next": _next(request),
        },
        status=status,
    )


def _next(request: AuthedRequest) -> str:
    """Where someone sent here to set it up was going, if it is on this site."""
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else ""
