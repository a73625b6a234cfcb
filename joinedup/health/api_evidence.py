"""API for the figures computed from evidence: depth, flags, reciprocity, the network, gaps, and
the programme view. Read-only, under the pages' rules (`health.view_health` on a partnership,
`programmes.view_programme` on a programme)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from joinedup.access import get_for, partnerships_visible_to
from joinedup.api.common import MAX_ID, NO_NUL, Id
from joinedup.api.errors import error_responses
from joinedup.directory.queries import services_visible_to
from joinedup.figures import queries as figures
from joinedup.health import gaps as gaps_module
from joinedup.health.depth import Stage
from joinedup.health.evidence import TIER_LABELS, PartnershipEvidence, gather, network_ties
from joinedup.health.filters import SORTS, ProgrammeFilter
from joinedup.partnerships.models import Partnership
from joinedup.programmes.models import Programme

router = Router(tags=["health"])
VIEW = "health.view_health"
StageName = Literal["on_paper", "networking", "cooperating", "collaborating", "integrated"]


class Criterion(Schema):
    stage: StageName
    text: str
    met: bool


class MemberDepth(Schema):
    organisation_id: int
    name: str
    role: str
    tier: str
    stage: StageName
    stage_label: str
    evidence: list[str]
    criteria: list[Criterion]
    in_name_only: list[str] | None = Field(
        None, description="The evidence, when the member takes part in name only."
    )
    new: bool = Field(
        False, description="Joined within 90 days of the window's end: never in name only."
    )


class DepthOut(Schema):
    partnership_id: int
    start: dt.date
    end: dt.date = Field(description="The partnership's end once it has closed, else today.")
    ended: bool = False
    stage: StageName | None
    stage_label: str | None
    counts: dict[StageName, int]
    members: list[MemberDepth]


class NameOnlyFlag(Schema):
    organisation_id: int
    name: str
    evidence: list[str]


class OneWayFlag(Schema):
    """A one-way street: one pair of members and one flow where one side always sends and
    nothing comes back (see the README's Health section)."""

    flow: Literal["referrals", "resources"]
    sender_id: int
    receiver_id: int
    sent: int
    accepted: int | None = Field(description="Referrals: how many the receiver took on.")
    giver_id: int = Field(
        description="Who gives in the relationship: the receiver of referrals it mostly takes "
        "on, else the sender."
    )
    text: str


class FlagsOut(Schema):
    in_name_only: list[NameOnlyFlag]
    one_way: list[OneWayFlag]


class ReciprocityOut(Schema):
    """Taking on a referral is giving a service: `given` counts referrals received and
    resources given; `received` referrals made and resources received."""

    organisation_id: int
    name: str
    given: int
    received: int
    referrals_made: int
    referrals_received: int
    resources_given: int
    resources_received: int
    hours_given: float
    hours_received: float
    index: float | None = Field(description="1 − |given − received| ÷ (given + received)")
    hours_index: float | None
    flag: str | None = Field(description="The one-way streets it is part of, in words.")


class NodeOut(Schema):
    id: int
    name: str
    sector: str
    activity: int
    ties: int
    betweenness: float
    broker: bool
    isolate: bool


class TieOut(Schema):
    a: int
    b: int
    referrals: int = Field(description="Referrals and signpostings, either way")
    resources: int = Field(description="Resources exchanged, either way")
    decisions: int = Field(description="Proposals one made and the other agreed to")
    meetings: int = Field(description="Meetings both attended; 0 unless layers=meetings")
    levels: int = Field(description="Collaboration levels of 2 or more each gave the other")
    weight: int = Field(description="referrals + resources + decisions + levels")


class LearningPairOut(Schema):
    a: int
    b: int
    events: int


class MeetingPairOut(Schema):
    a: int
    b: int
    meetings: int


class MetricsOut(Schema):
    density: float
    centralisation: float = Field(description="Freeman: Σ (d* − d) ÷ ((n − 1)(n − 2))")
    reciprocity: float | None
    brokers: list[int] = Field(
        description="In the top decile of betweenness and with betweenness above 0.1"
    )
    isolates: list[int]


class NetworkOut(Schema):
    nodes: list[NodeOut]
    ties: list[TieOut]
    meetings: list[MeetingPairOut] = Field(
        description="With layers=meetings: every pair of members that attended the same "
        "meetings, tied or not; empty otherwise"
    )
    metrics: MetricsOut
    learning: list[LearningPairOut] = Field(
        default_factory=list,
        description="With layers=learning: pairs of members who connected at hub learning "
        "events, and at how many events; empty otherwise",
    )


class NetworkParams(Schema):
    layers: list[Literal["meetings", "learning"]] = Field(
        [],
        description="Optional layers: `meetings` adds who attended the same meetings; "
        "`learning` who connected at hub learning events",
    )


class ServiceRef(Schema):
    id: str
    name: str
    organisation_id: int
    organisation: str


class NeedOut(Schema):
    code: str
    label: str
    services: list[ServiceRef]
    areas: list[str]
    referrals: int
    signposts: int
    declined_capacity: int
    declined_eligibility: int
    declined_areas: dict[str, int]
    flags: list[str]


class OverlapOut(Schema):
    need: str
    areas: list[str]
    first: ServiceRef
    second: ServiceRef


class GapsOut(Schema):
    needs: list[NeedOut]
    overlaps: list[OverlapOut]


class ProgrammeRowOut(Schema):
    partnership_id: int
    name: str
    hub: str | None
    members: int
    stage: StageName | None
    health: float | None
    band: str | None
    divided: int
    concerns: int
    referrals: int
    resources: int
    meetings: int
    joined: int
    left: int
    reciprocity: float | None
    series_on_track: int
    series: int
    in_name_only: int
    one_way: int
    flags: list[str]


class ProgrammeParams(Schema):
    q: str = Field("", max_length=100, pattern=NO_NUL, description="Name contains")
    hub: int | None = Field(None, ge=1, le=MAX_ID)
    stage: StageName | None = None
    band: Literal["strength", "borderline", "concern", "none"] | None = None
    flagged: Literal["yes", "no"] | None = None
    sort: Literal[tuple(key for key, _ in SORTS)] = "name"  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "asc"


def _evidence(request: HttpRequest, pk: int) -> PartnershipEvidence:
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    return gather([partnership])[partnership.pk]


def _slug(stage: Stage | None) -> str | None:
    return None if stage is None else stage.slug


@router.get("/partnerships/{pk}/depth", response={200: DepthOut, **error_responses(404)})
def depth(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Each member's place on the continuum from on paper to integrated, with the evidence and
    each stage's conditions; the partnership's place (see the README for the rules)."""
    ev = _evidence(request, pk)
    placements, flagged = ev.placements(), ev.in_name_only()
    return {
        "partnership_id": ev.partnership.pk,
        "start": ev.start,
        "end": ev.end,
        "ended": ev.ended,
        "stage": _slug(ev.stage),
        "stage_label": ev.stage.label if ev.stage is not None else None,
        "counts": {s.slug: n for s, n in ev.stage_counts().items()},
        "members": [
            {
                "organisation_id": m.organisation_id,
                "name": m.name,
                "role": m.role,
                "tier": TIER_LABELS[m.tier],
                "stage": placements[m.organisation_id].stage.slug,
                "stage_label": placements[m.organisation_id].stage.label,
                "evidence": placements[m.organisation_id].evidence,
                "criteria": [
                    {"stage": stage.slug, "text": c.text, "met": c.met}
                    for stage, conditions in placements[m.organisation_id].criteria.items()
                    for c in conditions
                ],
                "in_name_only": flagged.get(m.organisation_id),
                "new": m.new,
            }
            for m in ev.members
        ],
    }


@router.get("/partnerships/{pk}/flags", response={200: FlagsOut, **error_responses(404)})
def flags(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Members taking part in name only, and one-way streets, with the evidence."""
    ev = _evidence(request, pk)
    names = ev.names()
    return {
        "in_name_only": [
            {"organisation_id": org, "name": ev.member(org).name, "evidence": evidence}
            for org, evidence in ev.in_name_only().items()
        ],
        "one_way": [
            {
                "flow": street.flow,
                "sender_id": street.sender,
                "receiver_id": street.receiver,
                "sent": street.sent,
                "accepted": street.accepted,
                "giver_id": street.giver,
                "text": street.describe(names),
            }
            for street in ev.one_way()
        ],
    }


@router.get(
    "/partnerships/{pk}/reciprocity",
    response={200: list[ReciprocityOut], **error_responses(404)},
)
def reciprocity(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """What each member gave and received in the twelve months, and its reciprocity index."""
    ev = _evidence(request, pk)
    found = ev.reciprocity()
    return [
        {
            "organisation_id": m.organisation_id,
            "name": m.name,
            "given": m.given,
            "received": m.received,
            "referrals_made": m.referrals_made,
            "referrals_received": m.referrals_received,
            "resources_given": m.resources_given,
            "resources_received": m.resources_received,
            "hours_given": float(m.hours_given),
            "hours_received": float(m.hours_received),
            "index": found[m.organisation_id].index,
            "hours_index": found[m.organisation_id].hours_index,
            "flag": found[m.organisation_id].flag,
        }
        for m in ev.members
    ]


@router.get("/partnerships/{pk}/network", response={200: NetworkOut, **error_responses(404)})
def network(request: HttpRequest, pk: Id, params: Query[NetworkParams]) -> dict[str, Any]:
    """Organisations, the working ties between them and the network's metrics (see the
    README for what makes a tie and a broker); `layers=meetings` adds who attended the same
    meetings, which is no tie."""
    ev = _evidence(request, pk)
    network_ties(
        {ev.partnership.pk: ev},
        meetings="meetings" in params.layers,
        learning="learning" in params.layers,
    )
    net = ev.network()
    m = net.metrics
    return {
        "nodes": [
            {
                "id": n.id,
                "name": n.name,
                "sector": n.sector,
                "activity": n.activity,
                "ties": net.degree(n.id),
                "betweenness": round(m.betweenness.get(n.id, 0.0), 4),
                "broker": n.id in m.brokers,
                "isolate": n.id in m.isolates,
            }
            for n in net.nodes
        ],
        "ties": [
            {
                "a": t.a,
                "b": t.b,
                "referrals": t.referrals,
                "resources": t.resources,
                "decisions": t.decisions,
                "meetings": t.meetings,
                "levels": t.levels,
                "weight": t.weight,
            }
            for t in net.ties
        ],
        "meetings": [{"a": a, "b": b, "meetings": n} for a, b, n in net.meetings],
        "learning": [{"a": a, "b": b, "events": n} for a, b, n in net.learning],
        "metrics": {
            "density": round(m.density, 4),
            "centralisation": round(m.centralisation, 4),
            "reciprocity": None if m.reciprocity is None else round(m.reciprocity, 4),
            "brokers": m.brokers,
            "isolates": m.isolates,
        },
    }


def _service(s: gaps_module.ServiceFacts) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "name": s.name,
        "organisation_id": s.organisation_id,
        "organisation": s.organisation,
    }


@router.get("/partnerships/{pk}/gaps", response={200: GapsOut, **error_responses(404)})
def gaps(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Services, demand and declined referrals by need; overlapping services. Only the
    services you may see in the directory are counted."""
    ev = _evidence(request, pk)
    services = gaps_module.member_services(
        services_visible_to(request.user), [m.organisation_id for m in ev.members]
    )
    found = gaps_module.analyse(services, ev.referrals)
    return {
        "needs": [
            {
                "code": n.code,
                "label": n.label,
                "services": [_service(s) for s in n.services],
                "areas": n.areas,
                "referrals": n.referrals,
                "signposts": n.signposts,
                "declined_capacity": n.declined_for_capacity,
                "declined_eligibility": n.declined_for_eligibility,
                "declined_areas": dict(n.declined_areas),
                "flags": n.flags,
            }
            for n in found.needs
        ],
        "overlaps": [
            {
                "need": o.need,
                "areas": o.areas,
                "first": _service(o.first),
                "second": _service(o.second),
            }
            for o in found.overlaps
        ],
    }


@router.get(
    "/programmes/{pk}/health",
    response={200: list[ProgrammeRowOut], **error_responses(404)},
)
def programme_health(
    request: HttpRequest, pk: Id, params: Query[ProgrammeParams]
) -> list[dict[str, Any]]:
    """Every partnership of the programme you see, side by side, filtered and sorted as the
    programme view is."""
    programme = get_for(request.user, Programme, perm="programmes.view_programme", pk=pk)
    hubs = [(h.pk, h.name) for h in programme.hubs.all()]
    query = {k: v for k, v in params.dict().items() if v not in (None, "")}
    form = ProgrammeFilter(query, hubs=hubs)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    partnerships = partnerships_visible_to(request.user).filter(programme=programme)
    return [
        {
            "partnership_id": r.partnership.pk,
            "name": r.partnership.name,
            "hub": r.partnership.hub.name if r.partnership.hub else None,
            "members": r.members,
            "stage": _slug(r.stage),
            "health": r.overall,
            "band": r.band,
            "divided": r.divided,
            "concerns": r.concerns,
            "referrals": r.activity["referrals"],
            "resources": r.activity["resources"],
            "meetings": r.activity["meetings"],
            "joined": r.joined,
            "left": r.left,
            "reciprocity": r.reciprocity,
            "series_on_track": r.cadence[0],
            "series": r.cadence[1],
            "in_name_only": r.in_name_only,
            "one_way": r.one_way,
            "flags": r.flags,
        }
        for r in form.apply(figures.programme_rows(partnerships).rows)
    ]
