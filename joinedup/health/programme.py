"""The programme view: every partnership of a programme side by side (seed 003: a funder needs to
see which partnerships are real).

`rows(partnerships)` builds one row per partnership from `evidence.gather` and the latest
closed health-check round of each, in a fixed number of queries whatever the number of
partnerships: the evidence's twelve, the rounds, and their answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import timezone

from joinedup.health.depth import Stage
from joinedup.health.evidence import PartnershipEvidence, gather
from joinedup.health.models import Round, RoundStatus
from joinedup.health.queries import round_scores
from joinedup.health.scoring import (
    RatingRow,
    RoundScores,
    as_float,
    score_ratings,
)
from joinedup.health.scoring import (
    band as band_of,
)
from joinedup.lib.spreadsheet import to_csv
from joinedup.partnerships.models import Partnership

NO_TRUST = (None, None, None)


@dataclass
class ProgrammeRow:
    partnership: Partnership
    evidence: PartnershipEvidence
    round: Round | None  # the latest closed round
    scores: RoundScores | None
    asymmetric: int
    flags: list[str] = field(default_factory=list)

    @cached_property
    def stage(self) -> Stage | None:
        return self.evidence.stage

    @cached_property
    def overall(self) -> float | None:
        return as_float(self.scores.overall, 1) if self.scores else None

    @cached_property
    def band(self) -> str | None:
        return band_of(self.scores.overall) if self.scores else None

    @cached_property
    def divided(self) -> int:
        return len(self.scores.divided) if self.scores else 0

    @cached_property
    def concerns(self) -> int:
        return sum(f.band == "concern" for f in self.scores.factors) if self.scores else 0

    @cached_property
    def members(self) -> int:
        return len(self.evidence.members)

    @cached_property
    def reciprocity(self) -> float | None:
        value = self.evidence.mean_reciprocity()
        return None if value is None else round(value, 2)

    @cached_property
    def cadence(self) -> tuple[int, int]:
        return self.evidence.cadence_kept

    @cached_property
    def activity(self) -> dict[str, int]:
        return self.evidence.activity

    @property
    def joined(self) -> int:
        return self.evidence.joined

    @property
    def left(self) -> int:
        return self.evidence.left

    @property
    def ended(self) -> bool:
        return self.evidence.ended

    @property
    def end(self) -> dt.date:
        return self.evidence.end

    @cached_property
    def in_name_only(self) -> int:
        return len(self.evidence.in_name_only())

    @cached_property
    def one_way(self) -> int:
        return len(self.evidence.one_way())

    def value(self, key: str) -> Any:
        """The figure a column sorts by."""
        activity = self.activity
        kept, series = self.cadence
        return {
            "name": self.partnership.name.lower(),
            "hub": self.partnership.hub.name if self.partnership.hub else "",
            "members": self.members,
            "stage": self.stage,
            "health": self.overall,
            "divided": self.divided,
            "referrals": activity["referrals"],
            "resources": activity["resources"],
            "meetings": activity["meetings"],
            "joined": self.evidence.joined,
            "left": self.evidence.left,
            "reciprocity": self.reciprocity,
            "cadence": kept / series if series else None,
            "flags": len(self.flags),
        }[key]


def _flags(row: ProgrammeRow, today: dt.date) -> list[str]:
    ev, flags = row.evidence, []
    if row.in_name_only:
        flags.append(f"{row.in_name_only} in name only")
    if row.one_way:
        flags.append(f"{row.one_way} one-way street" + ("s" if row.one_way > 1 else ""))
    if row.divided:
        flags.append(f"Divided on {row.divided} factor" + ("s" if row.divided > 1 else ""))
    if row.asymmetric:
        flags.append(f"{row.asymmetric} asymmetric rating" + ("s" if row.asymmetric > 1 else ""))
    if any(c.overdue for _, c in ev.cadence_labels()):
        flags.append("Meetings overdue")
    if row.round is None or row.round.opened_on < ev.start:
        flags.append("No health check in twelve months")
    return flags


def latest_scores(partnership_ids: Sequence[int]) -> dict[int, tuple[Round, RoundScores]]:
    """The latest closed round of each partnership and its scores as they may be shown
    (`scoring.anonymise`), in two queries (one once the scores are kept:
    `queries.round_scores`)."""
    latest: dict[int, Round] = {}
    for r in Round.objects.filter(
        partnership_id__in=list(partnership_ids), status=RoundStatus.CLOSED
    ).order_by("partnership_id", "-opened_on", "-pk"):
        latest.setdefault(r.partnership_id, r)
    scores = round_scores(latest.values())
    return {pid: (r, scores[r.pk]) for pid, r in latest.items()}


def rows(partnerships: Iterable[Partnership], today: dt.date | None = None) -> list[ProgrammeRow]:
    """One row per partnership, by name; fifteen queries however many."""
    today = today or timezone.localdate()
    partnerships = list(partnerships)
    evidence = gather(partnerships, today)
    scores = latest_scores([p.pk for p in partnerships])
    out = []
    for p in sorted(partnerships, key=lambda p: (p.name.lower(), p.pk)):
        ev = evidence[p.pk]
        ratings = score_ratings(
            RatingRow(rater, rated, level, NO_TRUST, NO_TRUST)
            for (rater, rated), level in ev.flows.ratings.items()
        )
        round_, round_scores = scores.get(p.pk, (None, None))
        row = ProgrammeRow(p, ev, round_, round_scores, len(ratings.asymmetric))
        row.flags = _flags(row, today)
        out.append(row)
    return out


COLUMNS = [
    "partnership",
    "hub",
    "members",
    "depth",
    "health",
    "health band",
    "factors divided",
    "factors of concern",
    "referrals",
    "resources exchanged",
    "meetings held",
    "joined",
    "left",
    "reciprocity",
    "series on track",
    "series",
    "in name only",
    "one-way streets",
    "flags",
    "charter signed",
    "peer view spread",
]


def _charter_cells(c: dict[str, Any] | None) -> list[str]:
    """The Good Partners Charter's two cells: members signed, and the latest peer view's
    spread (lowest to highest, and the middle) where enough answered."""
    if not c or not c["has_charter"]:
        return ["", ""]
    spread = c.get("spread")
    shown = f"{spread[0]:g} to {spread[2]:g}, middle {spread[1]:g}" if spread else ""
    return [f"{c['signed']} of {c['members']}", shown]


def as_csv(found: Sequence[Any]) -> str:
    """The rows as CSV: `ProgrammeRow`s or the stored `figures.rows.Row`s."""
    return to_csv(
        COLUMNS,
        (
            [
                r.partnership.name,
                r.partnership.hub.name if r.partnership.hub else "",
                r.members,
                r.stage.label if r.stage is not None else "",
                "" if r.overall is None else f"{r.overall:.1f}",
                r.band or "",
                r.divided,
                r.concerns,
                r.activity["referrals"],
                r.activity["resources"],
                r.activity["meetings"],
                r.joined,
                r.left,
                "" if r.reciprocity is None else f"{r.reciprocity:.2f}",
                r.cadence[0],
                r.cadence[1],
                r.in_name_only,
                r.one_way,
                "; ".join(r.flags),
                *_charter_cells(getattr(r, "charter", None)),
            ]
            for r in found
        ),
    )


def csv_file(params: dict[str, Any], user: Any) -> Any:
    """The export job's CSV of the programme view (`jobs.exports`): the rows `user` sees there
    with the filters asked for, every column, from the stored figures."""
    from django.http import QueryDict

    from joinedup.access import partnerships_visible_to
    from joinedup.charter.queries import programme_column as charter_column
    from joinedup.figures.queries import programme_rows
    from joinedup.health.filters import ProgrammeFilter
    from joinedup.jobs.exports import Built
    from joinedup.programmes.models import Programme

    programme = Programme.objects.get(pk=params["programme"])
    query = QueryDict(params["query"])
    form = ProgrammeFilter(query or None, hubs=[(h.pk, h.name) for h in programme.hubs.all()])
    stored = programme_rows(partnerships_visible_to(user).filter(programme=programme))
    found = form.apply(stored.rows)
    charter = charter_column(programme, [r.partnership.pk for r in found])
    for r in found:
        r.charter = charter.get(r.partnership.pk)
    return Built(
        as_csv(found).encode(), f"programme-{programme.pk}-health.csv", "text/csv; charset=utf-8"
    )
