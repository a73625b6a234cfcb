"""Irreversible actions ask first, on a page that works without JavaScript.

The action's own URL answers both: its GET is a page that says what will happen and cannot
be undone, with one button; the button POSTs to the same URL, which acts. So a link is all
a page needs to offer the action, and a client that POSTs (the tests, the API's callers)
acts as before. Where the action takes a form (recording leaving), the form's valid POST
shows the same page, carrying the values in hidden fields, and acts once it comes back with
`confirmed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    happens: list[str],
    button: str,
    back: str,
    partnership: Any = None,
    carry: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page that asks. `happens`: what the action does, a sentence each; `back`: where
    "No, go back" leads; `carry`: form values to send again with the confirmation."""
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "happens": happens,
            "button": button,
            "back": back,
            "partnership": partnership,
            "carry": [(name, "" if v is None else v) for name, v in (carry or {}).items()],
            "confirmed": CONFIRMED,
        },
        status=status,
    )


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "yes"
