"""The programme view's row as plain figures: made from a live `health.programme.ProgrammeRow`
or read back from `PartnershipFigures.row`, the same either way (`to_dict`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from joinedup.health.depth import Stage
from joinedup.health.programme import ProgrammeRow
from joinedup.partnerships.models import Partnership


@dataclass
class Row:
    partnership: Partnership
    members: int
    stage: Stage | None
    overall: float | None
    band: str | None
    divided: int
    concerns: int
    activity: dict[str, int]
    joined: int
    left: int
    reciprocity: float | None
    cadence: tuple[int, int]
    in_name_only: int
    one_way: int
    flags: list[str]
    ended: bool
    end: dt.date
    asymmetric: int
    # Read with the page, not stored: the Good Partners Charter's sign-up and peer-view spread.
    charter: dict[str, Any] | None = None

    @classmethod
    def live(cls, r: ProgrammeRow) -> Row:
        ev = r.evidence
        return cls(
            partnership=r.partnership,
            members=r.members,
            stage=r.stage,
            overall=r.overall,
            band=r.band,
            divided=r.divided,
            concerns=r.concerns,
            activity=dict(r.activity),
            joined=ev.joined,
            left=ev.left,
            reciprocity=r.reciprocity,
            cadence=r.cadence,
            in_name_only=r.in_name_only,
            one_way=r.one_way,
            flags=list(r.flags),
            ended=ev.ended,
            end=ev.end,
            asymmetric=r.asymmetric,
        )

    @classmethod
    def stored(cls, partnership: Partnership, data: dict[str, Any]) -> Row:
        return cls(
            partnership=partnership,
            members=data["members"],
            stage=None if data["stage"] is None else Stage(data["stage"]),
            overall=data["overall"],
            band=data["band"],
            divided=data["divided"],
            concerns=data["concerns"],
            activity=dict(data["activity"]),
            joined=data["joined"],
            left=data["left"],
            reciprocity=data["reciprocity"],
            cadence=(data["cadence"][0], data["cadence"][1]),
            in_name_only=data["in_name_only"],
            one_way=data["one_way"],
            flags=list(data["flags"]),
            ended=data["ended"],
            end=dt.date.fromisoformat(data["end"]),
            asymmetric=data["asymmetric"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "stage": None if self.stage is None else int(self.stage),
            "overall": self.overall,
            "band": None if self.band is None else str(self.band),
            "divided": self.divided,
            "concerns": self.concerns,
            "activity": dict(self.activity),
            "joined": self.joined,
            "left": self.left,
            "reciprocity": self.reciprocity,
            "cadence": list(self.cadence),
            "in_name_only": self.in_name_only,
            "one_way": self.one_way,
            "flags": list(self.flags),
            "ended": self.ended,
            "end": self.end.isoformat(),
            "asymmetric": self.asymmetric,
        }

    def value(self, key: str) -> Any:
        """The figure a column sorts by."""
        kept, series = self.cadence
        return {
            "name": self.partnership.name.lower(),
            "hub": self.partnership.hub.name if self.partnership.hub else "",
            "members": self.members,
            "stage": self.stage,
            "health": self.overall,
            "divided": self.divided,
            "referrals": self.activity["referrals"],
            "resources": self.activity["resources"],
            "meetings": self.activity["meetings"],
            "joined": self.joined,
            "left": self.left,
            "reciprocity": self.reciprocity,
            "cadence": kept / series if series else None,
            "flags": len(self.flags),
        }[key]
