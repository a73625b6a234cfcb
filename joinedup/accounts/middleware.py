"""Sending those who must use two-factor sign-in to set it up before anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from joinedup.accounts.two_factor import has_two_factor, two_factor_required

# Pages a person who still owes their second factor may reach: setting it up, signing out,
# the sign-in and reset pages, help, and what is not a page (static files; the API and calendar
# feeds authenticate by token, not by session).
OPEN_PREFIXES = ("/settings/two-factor/", "/accounts/", "/static/", "/api/", "/calendar/", "/help/")
SET_IT_UP = (
    "You can see the personal details of people your organisation supports, so your "
    "account needs two-factor sign-in. Please set it up to carry on."
)


class TwoFactorRequiredMiddleware:
    """Someone signed in whom `two_factor_required` names, and whose session has not passed a
    second factor, reaches no page but the setup: sent to set it up if they have none, and
    to sign in again (with their code) if they have one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.is_verified()
            and two_factor_required(user)
        ):
            going = urlencode({"next": request.get_full_path()})
            if has_two_factor(user):
                logout(request)
                return redirect(f"{reverse('login')}?{going}")
            messages.warning(request, SET_IT_UP)
            return redirect(f"{reverse('two_factor')}?{going}")
        return self.get_response(request)
