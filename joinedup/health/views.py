"""Pages for the health check: check access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import get_for
from joinedup.confirm import confirm_page
from joinedup.forms import act
from joinedup.health import actions, charts, queries
from joinedup.health.forms import AnswerForm, RoundForm
from joinedup.health.models import Round
from joinedup.health.rules import member_organisations
from joinedup.health.scoring import ANONYMITY_RULE
from joinedup.http import AuthedRequest
from joinedup.partnerships.models import Organisation, Partnership

INVALID = 422
VIEW = "health.view_health"


def partnership_for(request: AuthedRequest, pk: int, perm: str = VIEW) -> Partnership:
    """The partnership, if the user may see it (else 404) and do `perm` (else 403)."""
    return get_for(request.user, Partnership.objects.select_related("programme"), perm=perm, pk=pk)


def _round(
    request: AuthedRequest, pk: int, round_pk: int, perm: str = "health.view_round"
) -> Round:
    return get_for(
        request.user,
        Round.objects.select_related("partnership", "partnership__programme"),
        perm=perm,
        pk=round_pk,
        partnership_id=pk,
    )


def _close_due(partnership: Partnership) -> None:
    """Rounds close on their date without a scheduler: reading the health pages closes them."""
    actions.rounds_close_due(today=timezone.localdate(), partnership=partnership)


@require_GET
@login_required
def health(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = partnership_for(request, pk)
    _close_due(partnership)
    rounds = list(partnership.health_rounds.order_by("-opened_on", "-pk"))
    open_round = next((r for r in rounds if r.is_open), None)
    closed = next((r for r in rounds if not r.is_open), None)
    context: dict[str, Any] = {
        "partnership": partnership,
        "rounds": rounds,
        "open_round": open_round,
        "can_run": request.user.has_perm("health.run_health_check", partnership),
        "can_answer": request.user.has_perm("health.answer", partnership),
        "anonymity_rule": ANONYMITY_RULE,
    }
    if open_round is not None:
        context["open_results"] = queries.results(open_round)
    if closed is not None:
        context["results"] = queries.results(closed)
    return render(request, "health/health.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def round_open(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = partnership_for(request, pk, "health.run_health_check")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round = act(
            form,
            actions.round_open,
            by=request.user,
            partnership=partnership,
            closes_on=form.cleaned_data["closes_on"],
        )
        if round is not None:
            messages.success(
                request, f"The health check is open until {round.closes_on:%-d %B %Y}."
            )
            return redirect(round)
    return render(
        request,
        "health/round_open.html",
        {"partnership": partnership, "form": form},
        status=INVALID if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_close(request: AuthedRequest, pk: int, round_pk: int) -> HttpResponse:
    """GET asks (closing cannot be undone); POST closes."""
    round = _round(request, pk, round_pk, "health.change_round")
    if request.method == "GET":
        if not round.is_open:
            return redirect(round)
        return confirm_page(
            request,
            title="Close the round now?",
            happens=[
                f"The round was to stay open until {round.closes_on:%-d %B %Y}. Closed now, "
                "nobody can answer any more, and the results are worked out from the answers "
                "already given.",
                "A round cannot be opened again; a new round can be opened later.",
            ],
            button="Close the round now",
            back=round.get_absolute_url(),
            partnership=round.partnership,
        )
    try:
        actions.round_close(by=request.user, round=round)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The round is closed.")
    return redirect(round)


@require_GET
@login_required
def round_results(request: AuthedRequest, pk: int, round_pk: int) -> HttpResponse:
    round = _round(request, pk, round_pk)
    _close_due(round.partnership)
    round.refresh_from_db(fields=["status", "closed_at"])
    results = queries.results(round)
    return render(
        request,
        "health/round.html",
        {
            "partnership": round.partnership,
            "round": round,
            "results": results,
            "anonymity_rule": ANONYMITY_RULE,
            "factor_chart": charts.factor_chart(results),
            "spread_chart": charts.spread_chart(results),
            "can_close": round.is_open and request.user.has_perm("health.change_round", round),
            "can_answer": request.user.has_perm("health.answer_round", round),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def answer(request: AuthedRequest, pk: int, round_pk: int) -> HttpResponse:
    _close_due(_round(request, pk, round_pk).partnership)
    round = _round(request, pk, round_pk, "health.answer_round")
    mine = member_organisations(request.user, round.partnership)
    organisations = Organisation.objects.filter(pk__in=mine).order_by("name")
    previous, reflection = queries.own_answers(round, request.user)
    initial = {}
    if reflection is not None:
        initial = {
            "organisation": reflection.organisation_id,
            "working": reflection.working,
            "would_help": reflection.would_help,
        }
    form = AnswerForm(
        request.POST or None, organisations=organisations, previous=previous, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = act(
            form,
            actions.answer_submit,
            by=request.user,
            round=round,
            organisation=form.cleaned_data["organisation"],
            scores=form.scores(),
            working=form.cleaned_data["working"],
            would_help=form.cleaned_data["would_help"],
        )
        if saved is not None:
            messages.success(
                request,
                "Thank you: your answers are saved. You can change them until the round closes.",
            )
            return redirect(round)
    return render(
        request,
        "health/answer.html",
        {
            "partnership": round.partnership,
            "round": round,
            "form": form,
            "answered_before": bool(previous),
        },
        status=INVALID if form.is_bound else 200,
    )
