"""The help page: where things are, who can help, and what to do when something fails.

It needs no sign-in, so that the error pages can link to it for anyone, and reads nothing
from the database but the person's own session (for the site's menu)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "help.html",
        {
            "support_email": settings.JOINEDUP_SUPPORT_EMAIL,
            "sign_in_failures": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
