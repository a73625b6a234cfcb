"""The programme view: every partnership of a programme that the viewer sees, side by side.
Programme officers and learning teams see every partnership of their programme; a member sees
those of its own partnerships that are in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import get_for, partnerships_visible_to
from joinedup.accounts.actions import preference_set
from joinedup.charter.queries import programme_column as charter_column
from joinedup.figures import queries as figures
from joinedup.figures.compute import refresh as refresh_figures
from joinedup.figures.queries import StoredRows
from joinedup.health.filters import (
    COLUMNS,
    PREFERENCE,
    SORTS,
    ColumnsForm,
    ProgrammeFilter,
    chosen_columns,
)
from joinedup.health.programme_table import rows_html
from joinedup.health.scoring import ANONYMITY_RULE, Band
from joinedup.http import AuthedRequest
from joinedup.jobs.exports import Asked, start
from joinedup.programmes.models import Programme

INVALID = 422
# A person may ask for the figures to be computed afresh at most this often (seconds): each
# refresh gathers a year of evidence for every partnership of the programme.
REFRESH_EVERY = 60


def _programme(request: AuthedRequest, pk: int) -> Programme:
    return get_for(request.user, Programme.objects.all(), perm="programmes.view_programme", pk=pk)


def _stored(request: AuthedRequest, pk: int) -> tuple[Programme, ProgrammeFilter, StoredRows]:
    """The rows from the stored figures (`joinedup.figures`), read in one query."""
    programme = _programme(request, pk)
    hubs = [(h.pk, h.name) for h in programme.hubs.all()]
    form = ProgrammeFilter(request.GET or None, hubs=hubs)
    stored = figures.programme_rows(
        partnerships_visible_to(request.user).filter(programme=programme)
    )
    return programme, form, stored


@require_GET
@login_required
def programme_health(request: AuthedRequest, pk: int) -> HttpResponse:
    programme, form, stored = _stored(request, pk)
    found = form.apply(stored.rows)
    invalid = form.is_bound and not form.is_valid()
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("order", None)
    chosen = form.cleaned_data if form.is_bound and not invalid else {}
    shown = chosen_columns(request.user.preferences)
    if "charter" in shown:
        charter = charter_column(programme, [r.partnership.pk for r in found])
        for r in found:
            r.charter = charter.get(r.partnership.pk)
    return render(
        request,
        "health/programme.html",
        {
            "programme": programme,
            "form": form,
            "rows": found,
            # Drawn in Python: at 500 partnerships the template's tests were most of the time.
            "row_html": rows_html(found, shown),
            "sorts": [c for c in SORTS if c[0] == "name" or c[0] in shown],
            "shown": shown,
            "column_count": 1 + len(shown),
            "column_total": 1 + len(COLUMNS),
            "hidden": [label for key, label in COLUMNS if key not in shown],
            "columns_form": ColumnsForm(
                initial={"columns": shown, "query": request.GET.urlencode()}
            ),
            "sort": chosen.get("sort") or "name",
            "order": chosen.get("order") or "asc",
            "base_query": query.urlencode(),
            "csv_query": request.GET.urlencode(),
            "band_labels": Band.LABELS,
            "anonymity_rule": ANONYMITY_RULE,
            "as_of": stored.oldest,
            "refresh_every": REFRESH_EVERY,
        },
        status=INVALID if invalid else 200,
    )


def export_check(request: AuthedRequest, params: Mapping[str, Any]) -> Asked:
    """Who may download the programme view (whoever sees it), with which filters (`jobs.exports`):
    filters the view would refuse are refused here too."""
    programme = _programme(request, int(params["programme"]))
    query = QueryDict(str(params.get("query") or ""))
    form = ProgrammeFilter(query or None, hubs=[(h.pk, h.name) for h in programme.hubs.all()])
    if form.is_bound and not form.is_valid():
        raise ValidationError(
            [
                f"{field}: {' '.join(str(e) for e in messages)}"
                for field, messages in form.errors.items()
            ]
        )
    encoded = query.urlencode()
    return Asked(
        {"programme": programme.pk, "query": encoded},
        f"The programme view of {programme.name} as CSV (every column)",
        reverse("programme_health", args=[programme.pk]) + (f"?{encoded}" if encoded else ""),
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_health_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    """The rows the view shows with its filters, every column, prepared by a job
    (`programme.csv_file`)."""
    return start(request, "programme-csv", {"programme": pk, "query": request.GET.urlencode()})


@require_POST
@login_required
def programme_columns(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remember which columns the person wants, and return to the view as they left it."""
    programme = _programme(request, pk)
    form = ColumnsForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label or f}: {' '.join(str(m) for m in e)}"
            for f, e in form.errors.items()
        )
        return HttpResponse(errors, status=INVALID, content_type="text/plain; charset=utf-8")
    shown = form.chosen()
    preference_set(user=request.user, key=PREFERENCE, value=shown)
    messages.success(
        request,
        f"Showing {len(shown) + 1} of {len(COLUMNS) + 1} columns. Your choice is kept for "
        "next time.",
    )
    # Only the query string is taken from the form, re-encoded, onto this page's own address.
    query = QueryDict(form.cleaned_data["query"]).urlencode()
    return redirect(
        reverse("programme_health", args=[programme.pk]) + (f"?{query}" if query else "")
    )


@require_POST
@login_required
def programme_health_refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    """Compute the figures of the programme's partnerships the person sees afresh, unless they
    were computed less than `REFRESH_EVERY` seconds ago (then say so and do nothing)."""
    programme, _, stored = _stored(request, pk)
    back = reverse("programme_health", args=[programme.pk])
    query = QueryDict(request.POST.get("query", "")).urlencode()
    back += f"?{query}" if query else ""
    if stored.oldest is not None and timezone.now() - stored.oldest < dt.timedelta(
        seconds=REFRESH_EVERY
    ):
        messages.info(
            request,
            f"These figures were computed less than {REFRESH_EVERY} seconds ago: nothing to do.",
        )
        return redirect(back)
    n = refresh_figures([r.partnership.pk for r in stored.rows])
    messages.success(
        request, f"The figures of {n} partnership{'s' if n != 1 else ''} are up to date."
    )
    return redirect(back)
