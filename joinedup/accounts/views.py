"""The signed-in person's own settings: who they are, their organisations, their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.accounts import actions
from joinedup.accounts.forms import TokenForm
from joinedup.accounts.models import ApiToken
from joinedup.http import AuthedRequest


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    status = 200
    if request.method == "POST":
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
