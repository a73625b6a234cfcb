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

from joinedup.access import get_for, org_roles
from joinedup.forms import act
from joinedup.http import AuthedRequest
from joinedup.meetings import actions
from joinedup.meetings.forms import AnswerForm, ConcernForm
from joinedup.meetings.models import Concern, ConcernStatus
from joinedup.meetings.queries import unanswered
from joinedup.meetings.views import INVALID, _partnership, _visible_concerns
from joinedup.partnerships.models import ACTING_ORG_ROLES, Organisation, Partnership


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
