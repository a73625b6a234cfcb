"""Subject access export, erasure on request, and an organisation's personal-data access log."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import get_for
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Organisation
from joinedup.referrals import erasure
from joinedup.referrals.models import FIELDS, OPEN, Access, AccessKind, Person
from joinedup.referrals.privacy import log_access

INVALID = 422
EXPORT_FORMATS = {"json": "application/json", "html": "text/html; charset=utf-8"}
LOG_PAGE = 50


@require_GET
@login_required
def person_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """Everything held about the person, as one JSON file or one readable HTML file, for a
    subject access request. Only the holding organisation's staff may export it."""
    person = get_for(
        request.user,
        Person.objects.select_related("organisation"),
        perm="referrals.view_person",
        pk=pk,
    )
    if fmt not in EXPORT_FORMATS:
        raise Http404
    log_access(
        by=request.user,
        kind=AccessKind.EXPORT,
        person=person,
        record=str(person),
        purpose=f"Subject access export ({fmt.upper()})",
    )
    held = erasure.subject_access(person)
    if fmt == "json":
        body = json.dumps(held, indent=2, ensure_ascii=False)
    else:
        readable = _for_reading(held)
        body = render_to_string(
            "referrals/subject_access.html",
            {"held": readable, "person_rows": _readable(readable)},
        )
    response = HttpResponse(body, content_type=EXPORT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$")


def _for_reading(value: Any) -> Any:
    """The export with its ISO dates and times written for people: "17 May 1990",
    "3 Mar 2026 14:05" (local time)."""
    if isinstance(value, dict):
        return {k: _for_reading(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_reading(v) for v in value]
    if isinstance(value, str) and ISO_MOMENT.match(value):
        if "T" not in value:
            return f"{dt.date.fromisoformat(value):%-d %B %Y}"
        return f"{timezone.localtime(dt.datetime.fromisoformat(value)):%-d %b %Y %H:%M}"
    return value


def _readable(held: dict[str, Any]) -> list[tuple[str, str]]:
    labels = {"id": "Number", "held_by": "Held by", **FIELDS, "invented": "Invented for the demo"}
    labels |= {"created_at": "Recorded", "erased_at": "Erased"}
    rows = []
    for key, value in held["person"].items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "Yes" if value else "No"
        rows.append((labels.get(key, key), "" if value is None else str(value)))
    return rows


class EraseForm(forms.Form):
    reason = forms.CharField(
        max_length=150,
        label="Why the data is erased",
        help_text="E.g. “the person asked on 3 March”. Kept in the access log: no personal data.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_erase(request: AuthedRequest, pk: int) -> HttpResponse:
    """Erase a person's data on request: the holding organisation's admins and managers."""
    person = get_for(
        request.user,
        Person.objects.select_related("organisation"),
        perm="referrals.erase_person",
        pk=pk,
    )
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            form,
            erasure.person_erase,
            person=person,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, f"{person}'s personal data is erased; the counts remain.")
            return redirect("person", pk=person.pk)
    return render(
        request,
        "referrals/person_erase.html",
        {
            "person": person,
            "form": form,
            "referrals": person.referrals.count(),
            "open": person.referrals.filter(status__in=OPEN).count(),
        },
        status=INVALID if form.is_bound else 200,
    )


@require_GET
@login_required
def access_log(request: AuthedRequest, org_pk: int) -> HttpResponse:
    """Who viewed, exported or changed personal data held by this organisation, or did so
    acting for it: when, which record, for which purpose."""
    organisation = get_for(request.user, Organisation, perm="referrals.view_access", pk=org_pk)
    # An organisation is not personal data, so `get_for` lets a superuser through; the log of
    # who read its people's records is, and only the rules decide who reads it.
    if not rules.has_perm("referrals.view_access", request.user, organisation):
        raise PermissionDenied
    rows = (
        Access.objects.filter(Q(holder=organisation) | Q(actor_org=organisation))
        .select_related("actor", "actor_org", "holder")
        .order_by("-at", "-pk")
    )
    page = Paginator(rows, LOG_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "referrals/access_log.html", {"organisation": organisation, "page": page}
    )
