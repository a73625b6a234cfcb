"""The programme view: every partnership of a programme that the viewer sees, side by side.
Programme officers and learning teams see every partnership of their programme; a member sees
those of its own partnerships that are in it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from joinedup.access import get_for, partnerships_visible_to
from joinedup.accounts.actions import preference_set
from joinedup.health import programme as programme_module
from joinedup.health.filters import (
    COLUMNS,
    PREFERENCE,
    SORTS,
    ColumnsForm,
    ProgrammeFilter,
    chosen_columns,
)
from joinedup.health.scoring import ANONYMITY_RULE, Band
from joinedup.http import AuthedRequest
from joinedup.programmes.models import Programme

INVALID = 422


def _programme(request: AuthedRequest, pk: int) -> Programme:
    return get_for(request.user, Programme.objects.all(), perm="programmes.view_programme", pk=pk)


def _rows(request: AuthedRequest, pk: int) -> tuple[Programme, ProgrammeFilter, list]:
    programme = _programme(request, pk)
    hubs = [(h.pk, h.name) for h in programme.hubs.all()]
    form = ProgrammeFilter(request.GET or None, hubs=hubs)
    partnerships = (
        partnerships_visible_to(request.user).filter(programme=programme).select_related("hub")
    )
    return programme, form, form.apply(programme_module.rows(partnerships))


@require_GET
@login_required
def programme_health(request: AuthedRequest, pk: int) -> HttpResponse:
    programme, form, found = _rows(request, pk)
    invalid = form.is_bound and not form.is_valid()
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("order", None)
    chosen = form.cleaned_data if form.is_bound and not invalid else {}
    shown = chosen_columns(request.user.preferences)
    return render(
        request,
        "health/programme.html",
        {
            "programme": programme,
            "form": form,
            "rows": found,
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
        },
        status=INVALID if invalid else 200,
    )


@require_GET
@login_required
def programme_health_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    _, form, found = _rows(request, pk)
    if form.is_bound and not form.is_valid():
        errors = "; ".join(
            f"{field}: {' '.join(str(e) for e in messages)}"
            for field, messages in form.errors.items()
        )
        return HttpResponse(errors, status=INVALID, content_type="text/plain; charset=utf-8")
    response = HttpResponse(programme_module.as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-{pk}-health.csv"'
    return response


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
