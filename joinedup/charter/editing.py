"""Editing a Charter version's text on the pages, shared by the programme's Charter and a
partnership's own revision (the API does the same through `PUT …/charter/draft`).

The form names the version it was opened on (a hidden `number`), so a version adopted while
someone had the form open is refused by `charter_edit` with its own message rather than the
edit landing on another version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from joinedup.charter import actions
from joinedup.charter.forms import CharterTextForm
from joinedup.charter.models import Charter, CharterStatus
from joinedup.forms import act
from joinedup.http import AuthedRequest

INVALID = 422
CONFLICT = 409


def edit_page(
    request: AuthedRequest,
    charter: Charter | None,
    *,
    back: str,
    context: dict[str, Any],
) -> HttpResponse:
    """GET: the in-progress version's text as a form (or why there is none). POST: save it
    through `charter_edit`; a refused edit re-renders the form naming what is wrong."""
    in_progress = (
        charter.versions.filter(status__in=[CharterStatus.DRAFT, CharterStatus.COMMENT]).first()
        if charter
        else None
    )
    status = 200
    form = None
    if request.method == "POST":
        if charter is None:
            return HttpResponse(actions.NOT_EDITABLE, status=CONFLICT)
        try:
            number = int(request.POST.get("number", ""))
        except ValueError:
            return HttpResponse("Say which version is being edited.", status=400)
        version = get_object_or_404(charter.versions, number=number)
        form = CharterTextForm(request.POST, themes=version.themes)
        if form.is_valid():
            saved = act(
                form,
                actions.charter_edit,
                version=version,
                by=request.user,
                themes=form.edited_themes(),
                title=form.cleaned_data["title"].strip(),
            )
            if saved is not None:
                messages.success(request, f"Version {saved.number} is saved.")
                return redirect(back)
            status = CONFLICT if version.status not in _EDITABLE else INVALID
        else:
            status = INVALID
        in_progress = version
    elif in_progress is not None:
        form = CharterTextForm(
            initial={"number": in_progress.number, "title": in_progress.title},
            themes=in_progress.themes,
        )
    return render(
        request,
        "charter/edit.html",
        {**context, "form": form, "version": in_progress, "back": back},
        status=status,
    )


_EDITABLE = (CharterStatus.DRAFT, CharterStatus.COMMENT)
