"""The programme page: its hubs and the partnerships in it that the viewer may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.access import get_for, partnerships_visible_to, programmes_overseen
from joinedup.charter.queries import with_charter_column
from joinedup.http import AuthedRequest
from joinedup.learning.queries import programme_column
from joinedup.programmes.models import Programme


@require_GET
@login_required
def programme_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    programme = get_for(
        request.user,
        Programme.objects.select_related("funder"),
        perm="programmes.view_programme",
        pk=pk,
    )
    partnerships = (
        partnerships_visible_to(request.user)
        .filter(programme=programme)
        .select_related("hub")
        .annotate(
            members=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
            leavers=Count("memberships", filter=Q(memberships__left_on__isnull=False)),
        )
    )
    return render(
        request,
        "programmes/programme.html",
        {
            "programme": programme,
            "hubs": programme.hubs.all(),
            "partnerships": with_charter_column(programme, partnerships),
            "officer": request.user.is_superuser
            or programme.pk in programmes_overseen(request.user),
            # The learning column (joinedup.learning): one theme across the partnerships.
            "learning": programme_column(request.user, programme, request.GET.get("theme")),
        },
    )
