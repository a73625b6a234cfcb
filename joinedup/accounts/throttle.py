"""Throttling guesses: failed sign-ins (django-axes), password reset requests and new API tokens
(django-ratelimit).

django-axes counts failed sign-ins per account and, separately, per address
(`AXES_LOCKOUT_PARAMETERS`); either reaching `AXES_FAILURE_LIMIT` locks sign-in until the cool-off
has passed since the last failure. A wrong second-step code counts as a failed sign-in too
(`sign_in_failed`). The real user's way back is the password reset: setting a new password
through the emailed link clears the account's failures (`unlock`).

A successful sign-in forgets the failures of *that account* only (`forget_own_failures`), not
those from the address it came from: otherwise anyone with an account could guess nine times at
someone else's, sign in to their own, and guess again, for ever.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

LOCKED_OUT = (
    "Too many failed sign-ins. To keep this account safe, signing in is paused until {until}. "
    "If this is your account, you can reset your password now to sign in straight away."
)


class SignInThrottle(AxesStandaloneBackend):
    """django-axes' check, first among the authentication backends.

    A sign-in with no request (the test client's `login`, a management command) comes from
    no address and is no guess made over the web, so it is not counted; axes itself refuses
    such calls outright."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, **kwargs)


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a sign-in is for, as the user model keeps it (emails in lower case), so
    `LENA@…` and `lena@…` count as one."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else None


def address_of(request: HttpRequest) -> str:
    """The client's address: behind `JOINEDUP_PROXY_COUNT` proxies, the entry they added to
    X-Forwarded-For (never one the client wrote itself), else the connection's."""
    proxies = settings.JOINEDUP_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def locked_out_until() -> str:
    cool_off = get_cool_off()
    until = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    return until.strftime("%H:%M") if until else "later"


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page again, saying until when sign-in is paused and how to get back in."""
    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": LOCKED_OUT.format(until=locked_out_until())},
        status=429,
    )


def is_locked_out(request: HttpRequest, email: str) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": email})


def sign_in_failed(request: HttpRequest, email: str) -> None:
    """Count a wrong second-step code as the failed sign-in it is."""
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)


def forget_own_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On `user_logged_in`: the account that signed in starts afresh; nobody else's does."""
    axes_reset(username=user.email.lower())


def unlock(*, email: str) -> None:
    """The account's failed sign-ins are forgotten: its owner proved they hold its email."""
    axes_reset(username=email.lower())
