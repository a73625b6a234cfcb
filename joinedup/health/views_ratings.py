"""The collaboration ratings page: the levels explained, your organisation's ratings, and what
everyone's ratings add up to — the mean level, the share at each level, the pairs that see
their work asymmetrically and each partner's trust and value. Not every pair at once: a
250-member partnership has 62,000 possible pairs (the matrix the page once drew was 12 MB),
so the page's lists are paged (`joinedup.pages`) and the page's size does not grow with the
partnership beyond a page of each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from joinedup.forms import act
from joinedup.health import actions, queries
from joinedup.health.forms import RatingForm
from joinedup.health.rules import member_organisations
from joinedup.health.statements import LEVEL_MEANINGS, ONE_TO_FOUR, TRUST_QUESTIONS, VALUE_QUESTIONS
from joinedup.health.views import INVALID, partnership_for
from joinedup.http import AuthedRequest
from joinedup.lib.charts import Series, bar_chart
from joinedup.pages import paged
from joinedup.partnerships.models import Organisation


@require_http_methods(["GET", "POST"])
@login_required
def ratings(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = partnership_for(request, pk)
    if request.method == "POST":
        partnership = partnership_for(request, pk, "health.rate")
    raters_ids = member_organisations(request.user, partnership, acting=True)
    view = queries.ratings_view(partnership)
    form = None
    if raters_ids:
        raters = Organisation.objects.filter(pk__in=raters_ids).order_by("name")
        # Not one's own organisation, when one rates for only one: it does not rate itself.
        own = raters_ids if len(raters_ids) == 1 else []
        others = (
            Organisation.objects.filter(pk__in=[m.organisation_id for m in view.members])
            .exclude(pk__in=own)
            .order_by("name")
        )
        form = RatingForm(request.POST or None, raters=raters, others=others)
        if request.method == "POST" and form.is_valid():
            rating = act(
                form,
                actions.rating_set,
                by=request.user,
                partnership=partnership,
                **form.cleaned_data,
            )
            if rating is not None:
                messages.success(
                    request,
                    f"{rating.rater} rates working with {rating.rated} at level "
                    f"{rating.level}: {rating.get_level_display()}.",
                )
                return redirect("health_ratings", partnership.pk)
    levels = bar_chart(
        [(f"{n} {name}", [float(view.ratings.share[n] * 100)]) for n, name, _ in LEVEL_MEANINGS],
        id="levels-chart",
        title="The share of ratings at each level of collaboration, in per cent; the table "
        "below has the same figures.",
        series=[Series("Share of ratings", "score")],
        high=100,
        ticks=(0, 25, 50, 75, 100),
        fmt=lambda v: f"{v:.0f}%",
    )
    mine = view.by(raters_ids)
    names = view.names()
    asymmetric = [
        (names[a].name, there, names[b].name, back) for a, b, there, back in view.ratings.asymmetric
    ]
    partners = [
        (m.organisation, view.ratings.partners.get(m.organisation_id)) for m in view.members
    ]
    return render(
        request,
        "health/ratings.html",
        {
            "partnership": partnership,
            "view": view,
            "form": form,
            "mine": paged(request, mine, "mine"),
            "asymmetric": paged(request, asymmetric, "asymmetric"),
            "partners": paged(request, partners, "partners"),
            "differ": len(view.ratings.differ),
            "levels": LEVEL_MEANINGS,
            "levels_chart": levels,
            "trust_questions": TRUST_QUESTIONS,
            "value_questions": VALUE_QUESTIONS,
            "one_to_four": ONE_TO_FOUR,
        },
        status=INVALID if form is not None and form.is_bound else 200,
    )
