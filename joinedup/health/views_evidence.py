"""Pages computed from evidence: depth and flags, the network, gaps and duplication, and the
printable report. Check access, read the evidence, respond; every member and the programme
officer sees them, as they see the health check.

The evidence is read from the partnership's stored figures (`figures.queries.stored_evidence`:
one query, and one more to check nothing changed since), computed afresh when they are stale;
each page says "as of" when it was computed and offers to refresh it (`refresh`). The network's
meetings and learning layers are not stored: asked for, the evidence is gathered live."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from joinedup.access import get_for
from joinedup.directory.queries import services_visible_to
from joinedup.figures.compute import refresh_these
from joinedup.figures.queries import stored_evidence
from joinedup.health import gaps as gaps_module
from joinedup.health import network as network_module
from joinedup.health.depth import STAGE_LABELS, MemberEvidence, Placement, Reciprocity, Stage
from joinedup.health.evidence import TIER_LABELS, PartnershipEvidence, gather, network_ties
from joinedup.health.forms import NetworkLayersForm
from joinedup.health.network import Network
from joinedup.health.network_picture import picture
from joinedup.health.programme import latest_scores
from joinedup.health.scoring import ANONYMITY_RULE, Band
from joinedup.http import AuthedRequest
from joinedup.jobs.exports import Asked, Built, start
from joinedup.pages import paged
from joinedup.partnerships.models import Level, Partnership, Sector

VIEW_HEALTH = "health.view_health"


def _partnership(request: AuthedRequest, pk: int) -> Partnership:
    partnerships = Partnership.objects.select_related("hub", "programme")
    return get_for(request.user, partnerships, perm=VIEW_HEALTH, pk=pk)


def _evidence(partnership: Partnership) -> tuple[PartnershipEvidence, dt.datetime]:
    """The evidence from the stored figures, and the time they were computed."""
    return stored_evidence(partnership)


def _network_evidence(
    partnership: Partnership, *, meetings: bool = False, learning: bool = False
) -> tuple[PartnershipEvidence, dt.datetime | None]:
    """The evidence the network is drawn from: the stored figures' (the decisions carried
    together are in them), or, with a layer the figures do not keep, gathered now with the
    network's ties and that layer (no "as of": it is computed for the request)."""
    if meetings or learning:
        return live_network_evidence(partnership, meetings=meetings, learning=learning), None
    return _evidence(partnership)


def live_network_evidence(
    partnership: Partnership, *, meetings: bool = False, learning: bool = False
) -> PartnershipEvidence:
    """The evidence gathered now, with the network's ties and the layers asked for."""
    ev = gather([partnership])[partnership.pk]
    network_ties({partnership.pk: ev}, meetings=meetings, learning=learning)
    return ev


@dataclass(frozen=True)
class MemberView:
    evidence: MemberEvidence
    placement: Placement
    tier: str
    reciprocity: Reciprocity
    in_name_only: list[str] | None


def depth_context(ev: PartnershipEvidence) -> dict[str, object]:
    placements = ev.placements()
    reciprocity = ev.reciprocity()
    flagged = ev.in_name_only()
    members = [
        MemberView(
            evidence=m,
            placement=placements[m.organisation_id],
            tier=TIER_LABELS[m.tier],
            reciprocity=reciprocity[m.organisation_id],
            in_name_only=flagged.get(m.organisation_id),
        )
        for m in sorted(ev.members, key=lambda m: (-placements[m.organisation_id].stage, m.name))
    ]
    counts = ev.stage_counts()
    return {
        "ev": ev,
        "members": members,
        "member_count": len(members),
        "stage": ev.stage,
        "stages": [(s, STAGE_LABELS[s], counts[s]) for s in Stage],
        "flagged": [m for m in members if m.in_name_only],
        "new_members": [m for m in members if m.evidence.new],
        "one_way": [street.describe(ev.names()) for street in ev.one_way()],
    }


def network_of(
    ev: PartnershipEvidence, *, meetings: bool = False, learning: bool = False
) -> Network:
    """The partnership's network: its evidence with the ties only the network reads (and the
    meetings and learning layers when asked for)."""
    network_ties({ev.partnership.pk: ev}, meetings=meetings, learning=learning)
    return ev.network()


class NodeRows(Sequence[dict[str, object]]):
    """The table of organisations, each row made when it is read: the network page shows 50
    of them at a time, and at 2,000 organisations making every row took a tenth of the
    page's time (issue 19). The printed report reads them all."""

    def __init__(self, net: Network) -> None:
        self.net = net

    def __len__(self) -> int:
        return len(self.net.nodes)

    def _row(self, n: Any) -> dict[str, object]:
        m = self.net.metrics
        return {
            "node": n,
            "sector": Sector(n.sector).label if n.sector in Sector.values else n.sector,
            "ties": self.net.degree(n.id),
            "betweenness": m.betweenness.get(n.id, 0.0),
            "broker": n.id in m.brokers,
            "isolate": n.id in m.isolates,
        }

    @overload
    def __getitem__(self, i: int) -> dict[str, object]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, object]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, object] | list[dict[str, object]]:
        if isinstance(i, slice):
            return [self._row(n) for n in self.net.nodes[i]]
        return self._row(self.net.nodes[i])


def network_context(
    ev: PartnershipEvidence, *, meetings: bool = False, learning: bool = False
) -> dict[str, object]:
    """The network page's context from evidence that already has the network's ties (stored,
    or `live_network_evidence`); `meetings` and `learning` say which layers the page shows."""
    net = ev.network()
    m = net.metrics
    names = {n.id: n.name for n in net.nodes}
    return {
        "ev": ev,
        "network": net,
        "metrics": m,
        "picture": picture(net, key=str(ev.partnership.pk)),
        "brokers": [names[i] for i in m.brokers],
        "isolates": [names[i] for i in m.isolates],
        "broker_share": network_module.BROKER_SHARE,
        "tie_level": network_module.TIE_LEVEL,
        "rows": NodeRows(net),
        "ties": [(names[t.a], names[t.b], t) for t in net.ties],
        "meetings": meetings,
        "meeting_pairs": [(names[a], names[b], n) for a, b, n in net.meetings],
        "learning": learning,
        "learning_pairs": [(names[a], names[b], n) for a, b, n in net.learning],
    }


def report_members(members: list[MemberView]) -> dict[str, object]:
    """The printed report's members: one table row each, saying what the depth page's sections
    say (the evidence and which of the stages' conditions are not met), with the conditions
    numbered once above the table. At 250 members the sections were 390 kB of the report;
    the rows are about a fifth of that (issue 19). Cells are strings, made here once."""
    conditions: list[tuple[str, str]] = []
    rows = []
    for m in members:
        e, unmet, k = m.evidence, [], 0
        for stage, stage_conditions in m.placement.criteria.items():
            for c in stage_conditions:
                k += 1
                if len(conditions) < k:
                    conditions.append((str(stage.label), c.text))
                if not c.met:
                    unmet.append(str(k))
        levels = [Level(x).label.lower() for x in e.levels if x in Level.values]
        rows.append(
            {
                "name": e.name,
                "new": e.new,
                "stage": str(m.placement.stage.label),
                "role": f"{str(e.role).capitalize()}; {m.tier.lower()} meetings",
                "meetings": f"{e.meetings_attended} of {e.meetings_held}"
                if e.meetings_held
                else "none held",
                "positions": str(e.positions),
                "agreements": str(e.agreements_signed),
                "levels": ", ".join(levels) or "none recorded",
                "rounds": str(e.rounds_answered),
                "rated": f"{e.level_received:.1f} by {e.raters}"
                if e.level_received is not None
                else "not rated",
                "hours": str(e.hours_logged) if e.hours_logged else "—",
                "unmet": ", ".join(unmet) or "none",
            }
        )
    return {"report_conditions": conditions, "report_members": rows}


REPORT_TIES = 50


def report_network(context: dict[str, Any]) -> dict[str, Any]:
    """The network for the printed report: every organisation, but only the strongest
    `REPORT_TIES` ties (the rest are in the ties CSV), so that the report of a large
    partnership stays a document one can print."""
    ties = list(context["ties"])
    return {**context, "ties": ties[:REPORT_TIES], "ties_left_out": len(ties) - REPORT_TIES}


def _layers(request: AuthedRequest) -> NetworkLayersForm:
    return NetworkLayersForm(request.GET)


@require_GET
@login_required
def depth(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    ev, as_of = _evidence(partnership)
    context = depth_context(ev)
    # Each member's evidence, 50 at a time (issue 19; the printed report has them all).
    context["members"] = paged(request, context["members"], "members")
    return render(
        request, "health/depth.html", {"partnership": partnership, "as_of": as_of, **context}
    )


@require_GET
@login_required
def network(request: AuthedRequest, pk: int) -> HttpResponse:
    """The picture and the figures, from the stored evidence; `?layers=meetings` adds who sat
    in the same meetings (and `learning` the connections made at hub events), gathered live."""
    partnership = _partnership(request, pk)
    form = _layers(request)
    ev, as_of = _network_evidence(partnership, meetings=form.meetings, learning=form.learning)
    context = network_context(ev, meetings=form.meetings, learning=form.learning)
    # A page of each table at a time: at 250 members the two tables were 6 MB of the page.
    context["rows"] = paged(request, context["rows"], "organisations")
    context["ties"] = paged(request, context["ties"], "ties")
    return render(
        request,
        "health/network.html",
        {
            "partnership": partnership,
            "form": form,
            "query": _query(form),
            "as_of": as_of,
            **context,
        },
        status=200 if form.is_valid() else 400,
    )


def _query(form: NetworkLayersForm) -> str:
    """The downloads' query string: the same layers as the page."""
    return "?" + urlencode({"layers": "meetings"}) if form.meetings else ""


@require_GET
@login_required
def network_graphml(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    body = network_module.graphml(_evidence(partnership)[0].network())
    response = HttpResponse(body, content_type="application/graphml+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partnership-{pk}-network.graphml"'
    return response


@require_GET
@login_required
def network_csv(request: AuthedRequest, pk: int, table: str) -> HttpResponse:
    """The ties or the organisations as CSV; the ties carry the meetings layer's count when
    `?layers=meetings` asks for it."""
    partnership = _partnership(request, pk)
    form = _layers(request)
    if not form.is_valid():
        return HttpResponseBadRequest(f"layers: {' '.join(str(e) for e in form.errors['layers'])}")
    net = _network_evidence(partnership, meetings=form.meetings)[0].network()
    body = network_module.ties_csv(net) if table == "ties" else network_module.nodes_csv(net)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partnership-{pk}-{table}.csv"'
    return response


def gaps_for(user: Any, ev: PartnershipEvidence) -> gaps_module.Gaps:
    """Gaps among the members' services that `user` sees in the directory."""
    services = gaps_module.member_services(
        services_visible_to(user), [m.organisation_id for m in ev.members]
    )
    return gaps_module.analyse(services, ev.referrals)


@require_GET
@login_required
def gaps(request: AuthedRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    ev, as_of = _evidence(partnership)
    return render(
        request,
        "health/gaps.html",
        {
            "partnership": partnership,
            "ev": ev,
            "as_of": as_of,
            "gaps": gaps_for(request.user, ev),
        },
    )


def report_context(partnership: Partnership, user: Any) -> dict[str, Any]:
    ev, as_of = _evidence(partnership)
    round_, scores = latest_scores([partnership.pk]).get(partnership.pk, (None, None))
    return {
        "partnership": partnership,
        "as_of": as_of,
        "round": round_,
        "scores": scores,
        "band_labels": Band.LABELS,
        "anonymity_rule": ANONYMITY_RULE,
        "gaps": gaps_for(user, ev),
        **(depth := depth_context(ev)),
        **report_members(depth["members"]),  # type: ignore[arg-type]
        **report_network(network_context(ev)),
    }


@require_GET
@login_required
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    """Everything computed about one partnership, on one page made for printing."""
    partnership = _partnership(request, pk)
    return render(request, "health/report.html", report_context(partnership, request.user))


def report_check(request: AuthedRequest, params: Mapping[str, Any]) -> Asked:
    """Who may keep the report as a file: whoever sees it (`jobs.exports`)."""
    partnership = _partnership(request, int(params["partnership"]))
    return Asked(
        {"partnership": partnership.pk},
        f"The health report of {partnership.name} as a file",
        reverse("health_report", args=[partnership.pk]),
    )


@require_POST
@login_required
def report_file_start(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask for the report as a file (the page stays, for printing)."""
    return start(request, "health-report", {"partnership": pk})


def report_file(params: dict[str, Any], user: Any) -> Built:
    """The export job's file: the report as one HTML document with its styles inside, to keep,
    send or print without signing in. Seen as `user` sees it (the gaps count the services they
    see in the directory)."""
    partnership = Partnership.objects.select_related("hub", "programme").get(
        pk=params["partnership"]
    )
    found = finders.find("joinedup/joinedup.css")
    css = Path(str(found)).read_text(encoding="utf-8") if found else ""
    html = render_to_string(
        "health/report_file.html",
        {**report_context(partnership, user), "css": css, "made": timezone.now()},
    )
    stamp = timezone.localdate().isoformat()
    return Built(
        html.encode(), f"health-report-{partnership.pk}-{stamp}.html", "text/html; charset=utf-8"
    )


# The pages a refresh may return to, by URL name: this partnership's evidence pages.
REFRESHED_PAGES = {"health_depth", "health_network", "health_gaps", "health_report"}


@require_POST
@login_required
def refresh(request: AuthedRequest, pk: int) -> HttpResponse:
    """Compute the partnership's stored figures afresh, for whoever may see its pages, and go
    back to the page asked from (`next`): one of this partnership's evidence pages, with its
    query string, or else the depth page. At most once a minute while nothing has changed, as
    on the programme view and the flows page: stale figures are computed again anyway
    (`stored_evidence`), so a press within the minute would only repeat the work."""
    partnership = _partnership(request, pk)
    asked = timezone.now()
    _, computed_at = stored_evidence(partnership)  # computed again here if anything changed
    if asked - computed_at >= REFRESH_EVERY:
        refresh_these([partnership])
    if asked - computed_at >= REFRESH_EVERY or computed_at >= asked:
        messages.success(request, REFRESHED)
    else:
        messages.info(request, NOTHING_TO_DO)
    return redirect(_back(str(request.POST.get("next", "")), partnership))


REFRESH_EVERY = dt.timedelta(seconds=60)
# The messages of every "Refresh now" of a partnership's figures (the flows page's too).
REFRESHED = "The figures were computed again just now."
NOTHING_TO_DO = (
    "These figures were computed less than a minute ago and nothing has changed since: "
    "nothing to do."
)


def _back(asked: str, partnership: Partnership) -> str:
    """`asked` if it is this partnership's evidence page on this site, else its depth page."""
    default = reverse("health_depth", args=[partnership.pk])
    path, _, query = asked.partition("?")
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    try:
        match = resolve(path)
    except Resolver404:
        return default
    if match.url_name not in REFRESHED_PAGES or match.kwargs.get("pk") != partnership.pk:
        return default
    query = QueryDict(query).urlencode()  # re-encoded: nothing but a query string
    return path + (f"?{query}" if query else "")
