"""A partnership's gathered evidence (`health.evidence.PartnershipEvidence`) as plain JSON, for
`PartnershipFigures.evidence`, and back.

Written out field by field rather than pickled or dumped generically: what is stored is what is
listed here, counts and organisations only (members' names and sectors, flows between
organisations, referral counts by need, area and status), never anything about the people
supported. Decimals are kept as strings (exact, and shown as recorded); the pair dicts of the
flows as lists of [a, b, n]; the meeting series as the few fields the evidence reads, rebuilt
as unsaved `Series` (equal to the saved ones: a model instance compares by its id).

What is stored is the evidence as `figures.compute.compute` has it: after `network_ties` with
its defaults, so with the decisions carried together, and without the meetings and learning
layers (pages that ask for those gather live). `FORMAT` changes whenever this does; a row in
another format is stale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from joinedup.health.depth import MemberEvidence
from joinedup.health.evidence import PartnershipEvidence, ReferralRow
from joinedup.health.network import Flows
from joinedup.meetings.models import Series
from joinedup.meetings.queries import Cadence
from joinedup.partnerships.models import Partnership

FORMAT = 2  # 2: referral rows counted by pair as taken on or not (issue 19)

STORED_FLOWS = ("referrals", "resources", "ratings", "decisions")
DECIMALS = ("hours_given", "hours_received", "hours_logged")
MEMBER_FIELDS = (
    "organisation_id",
    "name",
    "sector",
    "role",
    "levels",
    "tier",
    "meetings_held",
    "meetings_attended",
    "meetings_any",
    "referrals_made",
    "referrals_received",
    "resources_given",
    "resources_received",
    "hours_given",
    "hours_received",
    "positions",
    "agreements_signed",
    "rounds_answered",
    "ratings_given",
    "level_received",
    "raters",
    "hours_logged",
    "new",
)
REFERRAL_FIELDS = (
    "partnership_id",
    "from_org_id",
    "to_org_id",
    "need",
    "area",
    "status",
    "decline_reason",
    "signpost",
    "n",
    "counts_pairs",
    "counts_needs",
)
SERIES_FIELDS = ("id", "partnership_id", "tier", "title", "min_interval_days", "max_interval_days")


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _member_to_dict(m: MemberEvidence) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in MEMBER_FIELDS:
        value = getattr(m, name)
        if name in DECIMALS:
            value = str(value)
        elif name == "levels":
            value = [str(x) for x in value]
        out[name] = value
    return out


def _member_from_dict(data: dict[str, Any]) -> MemberEvidence:
    values = {name: data[name] for name in MEMBER_FIELDS}
    for name in DECIMALS:
        values[name] = Decimal(values[name])
    values["levels"] = tuple(values["levels"])
    return MemberEvidence(**values)


def _cadence_to_dict(c: Cadence) -> dict[str, Any]:
    return {
        "last_held": None if c.last_held is None else c.last_held.isoformat(),
        "last_interval_days": c.last_interval_days,
        "within_target": c.within_target,
        "overdue": c.overdue,
        "next_due": None if c.next_due is None else c.next_due.isoformat(),
    }


def _cadence_from_dict(data: dict[str, Any]) -> Cadence:
    return Cadence(
        last_held=_date(data["last_held"]),
        last_interval_days=data["last_interval_days"],
        within_target=data["within_target"],
        overdue=data["overdue"],
        next_due=_date(data["next_due"]),
    )


def to_dict(ev: PartnershipEvidence) -> dict[str, Any]:
    """The evidence as JSON-ready values (see the module's docstring)."""
    if ev.flows.meetings or ev.flows.learning:
        raise ValueError("the meetings and learning layers are not stored; gather them live")
    return {
        "format": FORMAT,
        "partnership": ev.partnership.pk,
        "start": ev.start.isoformat(),
        "end": ev.end.isoformat(),
        "ended": ev.ended,
        "joined": ev.joined,
        "left": ev.left,
        "members": [_member_to_dict(m) for m in ev.members],
        "flows": {
            kind: [[a, b, n] for (a, b), n in getattr(ev.flows, kind).items()]
            for kind in STORED_FLOWS
        },
        "cadence": [[sid, _cadence_to_dict(c)] for sid, c in ev.cadence.items()],
        "series": [{f: getattr(s, f) for f in SERIES_FIELDS} for s in ev.series],
        "referrals": [[getattr(r, f) for f in REFERRAL_FIELDS] for r in ev.referrals],
        "flows_meetings": sorted(ev.flows_meetings),
    }


def readable(data: Any, partnership: Partnership) -> bool:
    """Whether `data` is stored evidence of this partnership in this module's format."""
    return (
        isinstance(data, dict)
        and data.get("format") == FORMAT
        and data.get("partnership") == partnership.pk
    )


def from_dict(data: dict[str, Any], partnership: Partnership) -> PartnershipEvidence:
    """The evidence back, with `partnership` (the caller's own object) attached."""
    flows = Flows(
        **{
            kind: {(a, b): n for a, b, n in data["flows"][kind]}
            for kind in STORED_FLOWS  # the layers stay empty
        }
    )
    return PartnershipEvidence(
        partnership=partnership,
        start=dt.date.fromisoformat(data["start"]),
        end=dt.date.fromisoformat(data["end"]),
        members=[_member_from_dict(m) for m in data["members"]],
        flows=flows,
        joined=data["joined"],
        left=data["left"],
        cadence={sid: _cadence_from_dict(c) for sid, c in data["cadence"]},
        series=[Series(**s) for s in data["series"]],
        referrals=[
            ReferralRow(**dict(zip(REFERRAL_FIELDS, r, strict=True))) for r in data["referrals"]
        ],
        flows_meetings=set(data["flows_meetings"]),
        ended=data["ended"],
    )
