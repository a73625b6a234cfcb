"""The signed-in person's own settings: who they are, their organisations, their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from joinedup.accounts import actions
from joinedup.accounts.forms import TokenForm
from joinedup.accounts.models import ApiToken
from joinedup.accounts.two_factor import has_two_factor
from joinedup.http import AuthedRequest

# New API tokens per person: plenty for real use, a brake on a script gone wrong or a session
# in the wrong hands.
TOKEN_RATE = "10/h"
TOO_MANY_TOKENS = "You have made too many tokens in the last hour. Please wait and try again."


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    status = 200
    if request.method == "POST" and is_ratelimited(
        request, group="api_token.create", key="user", rate=TOKEN_RATE, increment=True
    ):
        form.add_error(None, TOO_MANY_TOKENS)
        status = 429
    elif request.method == "POST":
        if form.is_valid():
            _, new_token = actions.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
            form = TokenForm()
        else:
            status = 422
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.all(),
            "affiliations": request.user.affiliations.select_related("organisation"),
            "two_factor_on": has_two_factor(request.user),
        },
        status=status,
    )


@require_POST
@login_required
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    # A token is only ever its owner's: anyone else's is "not found".
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.api_token_revoke(token=token, by=request.user)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("settings")
