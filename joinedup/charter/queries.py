"""Reads for the Charter: which charter applies, who signed, and the aggregates of answers.

The anonymity rule (issue 18): a self-assessment aggregate needs at least three people; a
peer-view figure needs at least three raters from at least two organisations (other than the
one rated). Pages, API and CSV all read these functions, so the rule holds in all of them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from joinedup.charter.defaults import principles
from joinedup.charter.models import (
    Charter,
    CharterStatus,
    CharterVersion,
    PeerRating,
    PeerView,
    SelfAssessment,
    Signature,
    SkillsFramework,
    peer_views_closed,
)
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.programmes.models import Programme

MIN_PEOPLE = 3
MIN_RATERS = 3
MIN_RATER_ORGS = 2
ANONYMITY = (
    "Shown only when at least three raters from at least two other organisations answered; "
    "never who said what."
)


def charter_for(partnership: Partnership) -> Charter | None:
    """The charter that applies in a partnership: its own once it has adopted a version of
    it, else its programme's (a revision still in draft or out for comment does not yet
    replace the programme's), else its own unadopted one if the programme has none."""
    own = (
        Charter.objects.filter(partnership=partnership)
        .annotate(
            adopted=Exists(
                CharterVersion.objects.filter(charter=OuterRef("pk"), status=CharterStatus.ADOPTED)
            )
        )
        .first()
    )
    if (own is not None and own.adopted) or not partnership.programme_id:
        return own
    return Charter.objects.filter(programme_id=partnership.programme_id).first() or own


def adopted(charter: Charter | None) -> CharterVersion | None:
    if charter is None:
        return None
    return charter.versions.filter(status=CharterStatus.ADOPTED).first()


def standing_signatures(charter: Charter) -> list[Signature]:
    return list(
        Signature.objects.filter(version__charter=charter, withdrawn_on__isnull=True)
        .select_related("organisation", "version")
        .order_by("organisation__name")
    )


def withdrawn_signatures(charter: Charter) -> list[Signature]:
    """Withdrawals with their reasons (not the replaced signatures of a newer version)."""
    standing = Signature.objects.filter(version__charter=charter, withdrawn_on__isnull=True)
    return list(
        Signature.objects.filter(version__charter=charter, withdrawn_on__isnull=False)
        .exclude(organisation_id__in=standing.values("organisation_id"))
        .select_related("organisation")
        .order_by("organisation__name")
    )


def reaffirmation_due(signature: Signature, today: dt.date) -> bool:
    return signature.withdrawn_on is None and signature.reaffirm_by <= today


# --- self-assessment aggregates -----------------------------------------------------------


@dataclass
class SkillRow:
    key: str
    title: str
    counts: list[int] | None  # people at levels 1..4; None when fewer than three answered it
    not_observed: int | None
    mean: float | None


def latest_assessments(
    framework: SkillsFramework, organisation: Organisation
) -> list[SelfAssessment]:
    """Each person's latest self-assessment for `organisation` against the programme's
    frameworks (any version: levels keep their meaning across versions of the same skill)."""
    rows = (
        SelfAssessment.objects.filter(
            framework__programme_id=framework.programme_id, organisation=organisation
        )
        .select_related("person")
        .order_by("person_id", "-created_at", "-pk")
    )
    latest: dict[int, SelfAssessment] = {}
    for row in rows:
        latest.setdefault(row.person_id, row)
    return list(latest.values())


def skills_aggregate(
    framework: SkillsFramework, organisation: Organisation
) -> tuple[int, list[SkillRow] | None]:
    """(how many people, rows per skill) — rows None when fewer than three people answered."""
    assessments = latest_assessments(framework, organisation)
    if len(assessments) < MIN_PEOPLE:
        return len(assessments), None
    return len(assessments), _skill_rows(framework, assessments)


def _skill_rows(framework: SkillsFramework, assessments: list[SelfAssessment]) -> list[SkillRow]:
    rows = []
    for skill in framework.skills:
        levels = [a.answers.get(skill["key"], {}).get("level") for a in assessments]
        given = [lv for lv in levels if lv is not None]
        answered = sum(1 for a in assessments if skill["key"] in a.answers)
        if answered < MIN_PEOPLE:  # a skill few answered would show those few's levels
            rows.append(SkillRow(skill["key"], skill["title"], None, None, None))
            continue
        rows.append(
            SkillRow(
                skill["key"],
                skill["title"],
                [given.count(level) for level in (1, 2, 3, 4)],
                sum(
                    1
                    for a in assessments
                    if skill["key"] in a.answers and a.answers[skill["key"]]["level"] is None
                ),
                round(statistics.fmean(given), 1) if given else None,
            )
        )
    return rows


def shared_with_manager(
    framework: SkillsFramework, organisation: Organisation
) -> list[SelfAssessment]:
    return [a for a in latest_assessments(framework, organisation) if a.shared_with_manager]


# --- the peer view ------------------------------------------------------------------------


@dataclass
class PrincipleView:
    key: str
    title: str
    theme_title: str
    others: float | None  # None: too few raters to show
    raters: int
    own: float | None
    gap: float | None  # own minus others'


def _meets(ratings: list[PeerRating]) -> bool:
    """At least three people, from at least two organisations, gave a score: "don't know" is
    no answer, and a person who rates for two organisations is one rater."""
    scored = [r for r in ratings if r.score is not None]
    return (
        len({r.rater_id for r in scored}) >= MIN_RATERS
        and len({r.rater_org_id for r in scored}) >= MIN_RATER_ORGS
    )


def _mean(values: list[int]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def peer_result(peer_view: PeerView, organisation: Organisation) -> dict[str, Any]:
    """How others see `organisation` beside its own view, principle by principle, and the
    comments (unattributed) — others' figures only where the threshold is met, and nothing at
    all while the peer view is open (results that moved with each rating would tell whoever
    read them before and after one person rated what that person said)."""
    if peer_view.is_open():
        return {"shown": False, "closed": False, "raters": None, "rows": [], "comments": []}
    ratings = list(PeerRating.objects.filter(peer_view=peer_view, rated_org=organisation))
    others = [r for r in ratings if r.rater_org_id != organisation.pk]
    own = [r for r in ratings if r.rater_org_id == organisation.pk]
    shown = _meets(others)
    rows = []
    for p in principles(peer_view.version.themes):
        theirs = [r for r in others if r.principle == p["key"] and r.score is not None]
        mine = [r.score for r in own if r.principle == p["key"] and r.score is not None]
        others_mean = (
            _mean([r.score for r in theirs if r.score is not None])
            if shown and _meets(theirs)
            else None
        )
        own_mean = _mean([s for s in mine if s is not None])
        rows.append(
            PrincipleView(
                p["key"],
                p["title"],
                p["theme_title"],
                others_mean,
                len({r.rater_id for r in theirs}),
                own_mean,
                round(own_mean - others_mean, 1)
                if own_mean is not None and others_mean is not None
                else None,
            )
        )
    return {
        "shown": shown,
        "closed": True,
        "raters": len({r.rater_id for r in others}),
        "rows": rows,
        "comments": sorted({r.comment for r in others if r.comment}) if shown else [],
    }


def peer_distribution(peer_view: PeerView) -> dict[str, Any]:
    """What the lead sees: for each principle, how many ratings of any organisation by another
    gave 1, 2, 3, 4 or "don't know" — never who rated whom, and nothing while it is open."""
    if peer_view.is_open():
        return {"shown": False, "closed": False, "rows": [], "organisations_rated": None}
    ratings = [
        r
        for r in PeerRating.objects.filter(peer_view=peer_view)
        if r.rater_org_id != r.rated_org_id
    ]
    shown = _meets(ratings)
    rows = []
    for p in principles(peer_view.version.themes):
        these = [r for r in ratings if r.principle == p["key"]]
        counts = [sum(1 for r in these if r.score == s) for s in (1, 2, 3, 4)]
        rows.append(
            {
                "key": p["key"],
                "title": p["title"],
                "counts": counts if shown and _meets(these) else None,
                "dont_know": sum(1 for r in these if r.score is None) if shown else None,
            }
        )
    return {
        "shown": shown,
        "closed": True,
        "rows": rows,
        "organisations_rated": len({r.rated_org_id for r in ratings}),
    }


def latest_peer_view(partnership: Partnership) -> PeerView | None:
    return partnership.peer_views.select_related("version").first()


def latest_closed_peer_view(partnership: Partnership) -> PeerView | None:
    """The peer view whose results stand: the latest closed one."""
    return partnership.peer_views.filter(peer_views_closed()).select_related("version").first()


# --- the programme column -----------------------------------------------------------------


def programme_column(programme: Programme, partnership_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per partnership: members signed up to the Charter that applies, and the latest peer
    view's spread of scores (lowest, middle, highest) once it has closed — never a ranking.
    Five queries."""
    from joinedup.partnerships.models import Membership

    charters: dict[int, int] = {
        c.partnership_id or 0: c.pk
        for c in Charter.objects.filter(
            # A partnership's own charter counts once it has adopted a version (charter_for).
            Q(programme=programme)
            | Q(partnership_id__in=partnership_ids, versions__status=CharterStatus.ADOPTED)
        )
    }
    members: dict[int, set[int]] = defaultdict(set)
    for pid, oid in (
        Membership.objects.current()
        .filter(partnership_id__in=partnership_ids)
        .values_list("partnership_id", "organisation_id")
    ):
        members[pid].add(oid)
    signed: dict[int, set[int]] = defaultdict(set)
    for charter_pk, oid in Signature.objects.filter(
        version__charter_id__in=set(charters.values()), withdrawn_on__isnull=True
    ).values_list("version__charter_id", "organisation_id"):
        signed[charter_pk].add(oid)
    views: dict[int, PeerView] = {}
    for v in PeerView.objects.filter(partnership_id__in=partnership_ids).order_by("year"):
        views[v.partnership_id] = v
    closed = {v.pk for v in views.values() if not v.is_open()}
    ratings: dict[int, list[PeerRating]] = defaultdict(list)
    for r in PeerRating.objects.filter(peer_view__in=list(views.values())):
        if r.peer_view_id in closed and r.rater_org_id != r.rated_org_id:  # none while open
            ratings[r.peer_view_id].append(r)
    out = {}
    for pid in partnership_ids:
        charter_id = charters.get(pid, charters.get(0))
        view = views.get(pid)
        these = ratings.get(view.pk, []) if view else []
        scores = sorted(r.score for r in these if r.score is not None)
        out[pid] = {
            "has_charter": charter_id is not None,
            "signed": len(members[pid] & signed[charter_id]) if charter_id else 0,
            "members": len(members[pid]),
            "peer_year": view.year if view else None,
            "peer_open_until": view.closes_on if view and view.is_open() else None,
            "spread": (scores[0], statistics.median(scores), scores[-1])
            if scores and _meets(these)
            else None,
        }
    return out


def with_charter_column(programme: Programme, partnerships: Any) -> list[Partnership]:
    """`partnerships` as a list, each with `charter_summary` for the programme view's column."""
    rows = list(partnerships)
    column = programme_column(programme, [p.pk for p in rows])
    for p in rows:
        p.charter_summary = column[p.pk]  # type: ignore[attr-defined]
    return rows
