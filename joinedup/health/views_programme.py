"""The programme view: every partnership of a programme that the viewer sees, side by side.
Programme officers and learning teams see every partnership of their programme; a member sees
those of its own partnerships that are in it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.access import get_for, partnerships_visible_to
from joinedup.health import programme as programme_module
from joinedup.health.filters import SORTS, ProgrammeFilter
from joinedup.health.scoring import ANONYMITY_RULE, Band
from joinedup.http import AuthedRequest
from joinedup.programmes.models import Programme

INVALID = 422


def _rows(request: AuthedRequest, pk: int) -> tuple[Programme, ProgrammeFilter, list]:
    programme = get_for(
        request.user, Programme.objects.all(), perm="programmes.view_programme", pk=pk
    )
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
    return render(
        request,
        "health/programme.html",
        {
            "programme": programme,
            "form": form,
            "rows": found,
            "sorts": SORTS,
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
