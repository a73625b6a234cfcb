"""Time invested in partnership work: hours logged, and meeting time from attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from joinedup.forms import act
from joinedup.health import actions, queries
from joinedup.health.forms import TimeLogForm
from joinedup.health.rules import member_organisations
from joinedup.health.views import INVALID, partnership_for
from joinedup.http import AuthedRequest
from joinedup.lib.charts import Series, bar_chart
from joinedup.partnerships.models import Organisation
from joinedup.resources.forms import PeriodForm

LOGGED, MEETINGS = Series("Logged", "series-1"), Series("In meetings", "series-2")


@require_http_methods(["GET", "POST"])
@login_required
def time_invested(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = partnership_for(request, pk)
    if request.method == "POST":
        partnership = partnership_for(request, pk, "health.log_time")
    acting = Organisation.objects.filter(
        pk__in=member_organisations(request.user, partnership, acting=True)
    ).order_by("name")
    form = None
    if acting.exists():
        form = TimeLogForm(request.POST or None, acting=acting)
        if request.method == "POST" and form.is_valid():
            log = act(
                form,
                actions.timelog_add,
                by=request.user,
                partnership=partnership,
                **form.cleaned_data,
            )
            if log is not None:
                messages.success(request, f"{log.hours:g} hours logged for {log.organisation}.")
                return redirect("health_time", partnership.pk)
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    if not period.is_bound:
        period = PeriodForm(initial={"start": start, "end": end})
    time = queries.time_invested(partnership, start, end)
    by_org = bar_chart(
        [(r.organisation.name, [float(r.logged), float(r.meetings)]) for r in time.rows],
        id="time-chart",
        title="Hours each organisation logged and spent in meetings; the table below has the "
        "same figures.",
        series=[LOGGED, MEETINGS],
        fmt=lambda v: f"{v:g}",
    )
    by_month = bar_chart(
        [(f"{m:%b %Y}", [float(logged), float(meetings)]) for m, logged, meetings in time.months],
        id="month-chart",
        title="Hours logged and spent in meetings per month; the table below has the same figures.",
        series=[LOGGED, MEETINGS],
        fmt=lambda v: f"{v:g}",
    )
    bad = (form is not None and form.is_bound) or (period.is_bound and not period.is_valid())
    return render(
        request,
        "health/time.html",
        {
            "partnership": partnership,
            "form": form,
            "period": period,
            "time": time,
            "org_chart": by_org,
            "month_chart": by_month,
        },
        status=INVALID if bad else 200,
    )
