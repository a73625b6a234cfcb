"""Referral flows between members (counts only, for anyone who sees the partnership), and
signposting someone to a service without recording anything about them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from joinedup import dates
from joinedup.access import get_for
from joinedup.directory.models import Service
from joinedup.directory.queries import services_visible_to
from joinedup.figures import queries as figures
from joinedup.forms import QuickSelect, act
from joinedup.health.views_evidence import NOTHING_TO_DO, REFRESHED
from joinedup.http import AuthedRequest
from joinedup.lib.needs import NEED_CHOICES
from joinedup.middleware import counts_only
from joinedup.pages import paged
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.referrals import actions
from joinedup.resources.forms import PeriodForm
from joinedup.resources.views import acting_members

INVALID = 422
FLOWS = "referrals.view_flows"
# A person may ask for the flows to be computed afresh at most this often (seconds) while
# nothing has changed, as on the programme view (`health.views_programme`).
REFRESH_EVERY = 60


def _partnership(request: AuthedRequest, pk: int) -> Partnership:
    return get_for(request.user, Partnership.objects.select_related("programme"), perm=FLOWS, pk=pk)


@counts_only
@require_GET
@login_required
def flows(request: AuthedRequest, pk: int) -> HttpResponse:
    """Referrals and signposts between the members in a period: counts, rates and reasons,
    never anything about a person. The default period's figures are stored, "as of" the time
    they were computed (`figures.queries.referral_flows`); a chosen period's are computed."""
    partnership = _partnership(request, pk)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    if not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    stored = figures.referral_flows(partnership, start, end)
    found = stored.flows
    return render(
        request,
        "referrals/flows.html",
        {
            "partnership": partnership,
            "form": form,
            "flows": found,
            # The tables 50 rows at a time (issue 19); the chart and totals count them all.
            "rows": paged(request, found.rows, "organisations"),
            "pairs": paged(request, found.pairs, "pairs"),
            "unmet": stored.unmet,
            "can_signpost": acting_members(request.user, partnership).exists(),
            "as_of": stored.as_of,
        },
        status=INVALID if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
@login_required
def flows_refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    """Compute the flows of the default period afresh (`figures.queries.refresh_flows`), for
    whoever sees them; at most once a minute while nothing has changed, as on the programme
    view."""
    partnership = _partnership(request, pk)
    if figures.refresh_flows(partnership, dt.timedelta(seconds=REFRESH_EVERY)):
        messages.success(request, REFRESHED)
    else:
        messages.info(request, NOTHING_TO_DO)
    return redirect("referral_flows", pk=partnership.pk)


class ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.organization.name})"


class SignpostForm(forms.Form):
    """Nothing about the person: where they were pointed, for which need, in which area."""

    # Every service of the members, and every member: long lists in a large partnership.
    service = ServiceChoice(queryset=Service.objects.none(), required=False, widget=QuickSelect)
    to_org = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=QuickSelect,
        label="Or an organisation",
        help_text="When no one service fits.",
    )
    need = forms.ChoiceField(choices=[("", "Not given"), *NEED_CHOICES], required=False)
    area = forms.CharField(
        max_length=10,
        required=False,
        help_text="The first part of their postcode only, e.g. “BB4”.",
    )
    on = dates.SIGNPOSTED.field(label="Date")

    def __init__(
        self,
        *args: Any,
        acting: QuerySet[Organisation],
        members: QuerySet[Organisation],
        services: QuerySet[Service],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_org"] = forms.ModelChoiceField(
            queryset=acting, empty_label=None, label="Signposted by", initial=acting.first()
        )
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["to_org"].queryset = members  # type: ignore[attr-defined]
        self.order_fields(["from_org"])

    def clean_area(self) -> str:
        area = self.cleaned_data["area"].strip().upper()
        if " " in area:
            raise forms.ValidationError("Give only the first part of the postcode.")
        return area


@require_http_methods(["GET", "POST"])
@login_required
def signpost_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record that someone was told about a service: it counts in the flows."""
    partnership = _partnership(request, pk)
    acting = acting_members(request.user, partnership)
    if not acting.exists():
        raise PermissionDenied
    member_ids = partnership.memberships.current().values("organisation_id")
    members = Organisation.objects.filter(pk__in=member_ids).order_by("name")
    services = (
        services_visible_to(request.user)
        .filter(organization__organisation__in=member_ids)
        .select_related("organization")
        .order_by("name")
    )
    form = SignpostForm(
        request.POST or None,
        acting=acting,
        members=members,
        services=services,
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = act(
            form,
            actions.signpost_record,
            partnership=partnership,
            by=request.user,
            from_org=data["from_org"],
            service=data["service"],
            to_org=data["to_org"],
            need=data["need"],
            area=data["area"],
            on=data["on"],
        )
        if done is not None:
            messages.success(request, "Signposting recorded. Nothing about the person is kept.")
            return redirect("referral_flows", pk=partnership.pk)
    return render(
        request,
        "referrals/signpost_new.html",
        {"partnership": partnership, "form": form},
        status=INVALID if form.is_bound else 200,
    )
