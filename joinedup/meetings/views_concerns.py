"""Pages for concerns, raised at any time between meetings: check access, validate, act,
respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup.access import get_for, may, org_roles, partnerships_visible_to, standings
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.meetings import actions
from joinedup.meetings.forms import AnswerForm, ConcernForm
from joinedup.meetings.models import Concern, ConcernStatus
from joinedup.meetings.queries import unanswered
from joinedup.meetings.views import INVALID, _partnership, _visible_concerns
from joinedup.partnerships.models import ACTING_ORG_ROLES, Membership, Organisation, Partnership

ALL_CONCERNS_READ = 300  # the latest concerns read for the page of all concerns
RESOLVED_SHOWN = 20


def _acting(request: AuthedRequest, partnership: Partnership) -> Any:
    roles = org_roles(request.user)
    return Organisation.objects.filter(
        pk__in=partnership.memberships.current()
        .filter(organisation_id__in=[o for o, r in roles.items() if r in ACTING_ORG_ROLES])
        .values("organisation_id")
    ).order_by("name")


@require_GET
@login_required
def concern_list(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "meetings/concerns.html",
        {
            "partnership": partnership,
            "concerns": [
                (c, unanswered(c, today)) for c in _visible_concerns(request, partnership)
            ],
            "can_raise": _acting(request, partnership).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def concern_new(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    acting = _acting(request, partnership)
    if not acting.exists():
        raise PermissionDenied
    form = ConcernForm(request.POST or None, acting=acting)
    if request.method == "POST" and form.is_valid():
        concern = act(
            form,
            actions.concern_raise,
            by=request.user,
            partnership=partnership,
            **form.cleaned_data,
        )
        if concern is not None:
            messages.success(request, "Concern raised.")
            return redirect(concern)
    return render(
        request,
        "meetings/form.html",
        {
            "partnership": partnership,
            "form": form,
            "title": "Raise a concern",
            "button": "Raise the concern",
            "note": "Don't wait until the next meeting: raise it now.",
        },
        status=INVALID if form.is_bound else 200,
    )


def _concern(request: AuthedRequest, pk: int, concern_pk: int, perm: str) -> Concern:
    return get_for(
        request.user,
        Concern.objects.select_related("partnership", "organisation", "raised_by"),
        perm=perm,
        pk=concern_pk,
        partnership_id=pk,
    )


def _render_concern(
    request: AuthedRequest, concern: Concern, form: AnswerForm | None = None, status: int = 200
) -> HttpResponse:
    answers = request.user.has_perm("meetings.change_concern", concern)
    if not answers or concern.status == ConcernStatus.RESOLVED:
        form = None
    elif form is None:
        form = AnswerForm()
    return render(
        request,
        "meetings/concern.html",
        {
            "partnership": concern.partnership,
            "concern": concern,
            "unanswered": unanswered(concern),
            "form": form,
        },
        status=status,
    )


@require_GET
@login_required
def concern_detail(request: AuthedRequest, pk: int, concern_pk: int) -> HttpResponse:
    return _render_concern(request, _concern(request, pk, concern_pk, "meetings.view_concern"))


@require_POST
@login_required
def concern_answer(request: AuthedRequest, pk: int, concern_pk: int) -> HttpResponse:
    concern = _concern(request, pk, concern_pk, "meetings.change_concern")
    form = AnswerForm(request.POST)
    if (
        form.is_valid()
        and act(form, actions.concern_answer, by=request.user, concern=concern, **form.cleaned_data)
        is not None
    ):
        messages.success(request, "Answer recorded; the organisation that raised it is told.")
        return redirect(concern)
    return _render_concern(request, concern, form, INVALID)


@require_GET
@login_required
def all_concerns(request: AuthedRequest) -> HttpResponse:
    """Every concern the person may see, in every partnership they see, from the main menu:
    those still open first, then the latest resolved. A fixed number of queries."""
    visible = list(partnerships_visible_to(request.user))
    standings(request.user, visible)  # read once here, so each concern's check costs nothing
    found = [
        c
        for c in Concern.objects.filter(partnership__in=[p.pk for p in visible])
        .select_related("organisation", "partnership")
        .order_by("-raised_at", "-pk")[:ALL_CONCERNS_READ]
        if may(request.user, "meetings.view_concern", c)
    ]
    today = timezone.localdate()
    mine = [o for o, role in org_roles(request.user).items() if role in ACTING_ORG_ROLES]
    can_raise = Partnership.objects.filter(
        pk__in=Membership.objects.current()
        .filter(organisation_id__in=mine)
        .values("partnership_id")
    ).order_by("name")
    return render(
        request,
        "meetings/all_concerns.html",
        {
            "open": [
                (c, unanswered(c, today)) for c in found if c.status != ConcernStatus.RESOLVED
            ],
            "resolved": [c for c in found if c.status == ConcernStatus.RESOLVED][:RESOLVED_SHOWN],
            "can_raise": list(can_raise),
        },
    )
