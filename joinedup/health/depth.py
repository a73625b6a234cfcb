"""How deep a partnership goes, from evidence of what its members did in the last twelve months.

Seed 003 describes a continuum from "partners on paper" to true organisational partners. Each
current member is placed on it by rules a reader can check against the evidence listed beside
the placement (`evidence.py` gathers it):

- **On paper**: none of the signs of networking below.
- **Networking**: it shows up — attended at least one of its tier's recent meetings, *or*
  answered a health check, *or* took a position in a decision, *or* sent or received a
  referral or a resource.
- **Cooperating**: networking, *and* attended at least half of its tier's recent meetings,
  *and* at least one referral or resource moved between it and another member.
- **Collaborating**: cooperating, *and* flows went both ways (it gave and it received,
  counting referrals and resources), *and* it took a position in a decision, *and* it signed
  an agreement of the partnership (one in force, or any signed in the twelve months).
- **Integrated**: collaborating, *and* it is engaged at all three levels (delivery,
  management, strategic), *and* it answered a health check, *and* the other members rate
  their collaboration with it at 4 (coalition) or more on average.

A member's stage is the highest whose conditions, and those of every stage below, are all met.
"Its tier's recent meetings" are the last six meetings held in the twelve months, with a
register taken, of the series for its tier: core partners (and the board) for the lead and core
partners, wider partners for wider partners; where its tier held none, any tier's count.

The **partnership** sits at the highest stage that at least half of its current members reach
(with 4 members at on paper, networking, collaborating and integrated, it is collaborating:
two of the four reach it).

**In name only** (seed 003: "the box is checked" for a named person who never takes part): a
member that attended none of its tier's recent meetings, sent and received no referral and no
resource, answered no health check and took no position in a decision — unless it is **new**
(joined within 90 days of the window's end): it has had no time to take part.

The window is the twelve months up to the partnership's end, or to today while it runs
(`evidence.window_end`): a closed partnership is shown at the depth it reached.

**Reciprocity** (seed 003: partnerships that are "a one-way street" fail). Each flow counts as
given by the organisation whose work it is: a **referral from A to B is a service given by B**
(B takes on A's person; A receives the help), as a resource is given by the organisation that
provides it. A service that takes many referrals is giving, not taking. With G what a member
gave (referrals taken + resources given) and R what it received (referrals made + resources
received),

    reciprocity index = 1 − |G − R| / (G + R)           (none when G + R = 0)

1 is perfectly balanced, 0 entirely one way. The same index is given for hours of resources
given and received.

A **one-way street** is a relationship, not an organisation: one pair of members and one flow
where one side always sends and nothing comes back (`one_way_streets`). Per flow, in the twelve
months:

- **referrals**: A sent B three or more referrals and B never referred or signposted anyone to
  A. B's acceptance rate of A's referrals (accepted, started, completed or closed after
  accepting, out of those sent) says which way it runs: at one half or more B serves A's people
  and gets nothing back (B gives, A takes); under one half A keeps sending and hears little
  back (A gives its trust and work, B takes them and does not answer them);
- **resources**: A gave B three or more resources and B gave A none (A gives, B takes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum

from joinedup.partnerships.models import Level
from joinedup.resources.queries import ONE_WAY_MIN

REGULAR_ATTENDANCE = 0.5  # share of its tier's recent meetings to count as cooperating
INTEGRATED_LEVEL = 4.0  # mean collaboration level others give it (4 = coalition)


class Stage(IntEnum):
    ON_PAPER = 0
    NETWORKING = 1
    COOPERATING = 2
    COLLABORATING = 3
    INTEGRATED = 4

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def slug(self) -> str:
        return self.name.lower()


STAGE_LABELS = {
    Stage.ON_PAPER: "On paper",
    Stage.NETWORKING: "Networking",
    Stage.COOPERATING: "Cooperating",
    Stage.COLLABORATING: "Collaborating",
    Stage.INTEGRATED: "Integrated",
}


@dataclass
class MemberEvidence:
    """What one current member did in the partnership in the twelve months to `evidence.end`."""

    organisation_id: int
    name: str
    sector: str
    role: str
    levels: tuple[str, ...] = ()
    tier: str = "core"
    meetings_held: int = 0  # its tier's recent meetings (at most six) with a register
    meetings_attended: int = 0  # of those, present at
    meetings_any: int = 0  # meetings of any tier present at in the twelve months
    referrals_made: int = 0
    referrals_received: int = 0
    resources_given: int = 0
    resources_received: int = 0
    hours_given: Decimal = Decimal(0)
    hours_received: Decimal = Decimal(0)
    positions: int = 0  # proposals it took a position on
    agreements_signed: int = 0
    rounds_answered: int = 0  # health-check rounds opened in the period that it answered
    ratings_given: int = 0
    level_received: float | None = None  # mean collaboration level the others gave it
    raters: int = 0
    hours_logged: Decimal = Decimal(0)
    new: bool = False  # joined within 90 days of the window's end

    @property
    def given(self) -> int:
        """Referrals taken on (a service given) and resources given."""
        return self.referrals_received + self.resources_given

    @property
    def received(self) -> int:
        """Referrals made (a service received) and resources received."""
        return self.referrals_made + self.resources_received

    @property
    def flows(self) -> int:
        return self.given + self.received

    @property
    def attendance(self) -> float | None:
        return self.meetings_attended / self.meetings_held if self.meetings_held else None

    @property
    def activity(self) -> int:
        """Size in the network picture: flows either way, meetings attended, positions taken."""
        return self.flows + self.meetings_any + self.positions


@dataclass(frozen=True)
class Criterion:
    text: str
    met: bool


@dataclass
class Placement:
    stage: Stage
    criteria: dict[Stage, list[Criterion]] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)


def _plural(n: int | Decimal, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def describe(e: MemberEvidence, tier_label: str = "") -> list[str]:
    """The evidence behind a placement, in words."""
    tier = f"{tier_label.lower()} " if tier_label else ""
    lines = ["Joined in the last 90 days: new to the partnership"] if e.new else []
    if e.meetings_held:
        lines.append(
            f"Attended {e.meetings_attended} of the last {e.meetings_held} {tier}meetings"
            " with a register"
        )
    else:
        lines.append(f"No {tier}meetings held with a register in the twelve months")
    lines.append(
        f"Made {_plural(e.referrals_made, 'referral')} and received {e.referrals_received}"
    )
    lines.append(
        f"Gave {_plural(e.resources_given, 'resource')} and received {e.resources_received}"
        + (
            f" ({e.hours_given} hours given, {e.hours_received} received)"
            if e.hours_given or e.hours_received
            else ""
        )
    )
    lines.append(f"Took a position on {_plural(e.positions, 'proposal')}")
    lines.append(f"Signed {_plural(e.agreements_signed, 'agreement')}")
    levels = [Level(x).label.lower() for x in e.levels if x in Level.values]
    lines.append(
        "Engaged at the " + ", ".join(levels) + (" level" if len(levels) == 1 else " levels")
        if levels
        else "No level of engagement recorded"
    )
    lines.append(f"Answered {_plural(e.rounds_answered, 'health-check round')}")
    if e.level_received is not None:
        lines.append(
            f"Rated at {e.level_received:.1f} (collaboration level, 0–5) on average by "
            f"{_plural(e.raters, 'partner')}"
        )
    else:
        lines.append("Not rated by the other members")
    if e.hours_logged:
        lines.append(f"Logged {e.hours_logged} hours of partnership work")
    return lines


def criteria(e: MemberEvidence) -> dict[Stage, list[Criterion]]:
    """Each stage's conditions for this member, met or not."""
    attended = e.meetings_attended > 0
    regular = e.attendance is not None and e.attendance >= REGULAR_ATTENDANCE
    all_levels = {Level.DELIVERY, Level.MANAGEMENT, Level.STRATEGIC} <= set(e.levels)
    shows_up = attended or e.rounds_answered > 0 or e.positions > 0 or e.flows > 0
    return {
        Stage.NETWORKING: [
            Criterion(
                "Attended a meeting, answered a health check, took a position or sent or "
                "received a referral or resource",
                shows_up,
            )
        ],
        Stage.COOPERATING: [
            Criterion("Attended at least half of its tier's recent meetings", regular),
            Criterion("A referral or resource moved between it and another member", e.flows > 0),
        ],
        Stage.COLLABORATING: [
            Criterion(
                "Gave and received (referrals and resources)", e.given > 0 and e.received > 0
            ),
            Criterion("Took a position in a decision", e.positions > 0),
            Criterion("Signed an agreement", e.agreements_signed > 0),
        ],
        Stage.INTEGRATED: [
            Criterion("Engaged at the delivery, management and strategic levels", all_levels),
            Criterion("Answered a health check", e.rounds_answered > 0),
            Criterion(
                "Rated at 4 (coalition) or more on average by the other members",
                e.level_received is not None and e.level_received >= INTEGRATED_LEVEL,
            ),
        ],
    }


def place(e: MemberEvidence, tier_label: str = "") -> Placement:
    """The highest stage whose conditions, and those of every stage below, are all met."""
    conditions = criteria(e)
    stage = Stage.ON_PAPER
    for candidate in (Stage.NETWORKING, Stage.COOPERATING, Stage.COLLABORATING, Stage.INTEGRATED):
        if not all(c.met for c in conditions[candidate]):
            break
        stage = candidate
    return Placement(stage=stage, criteria=conditions, evidence=describe(e, tier_label))


def partnership_stage(stages: list[Stage]) -> Stage | None:
    """The highest stage at least half of the members reach; none without members."""
    if not stages:
        return None
    ranked = sorted(stages, reverse=True)
    return ranked[math.ceil(len(ranked) / 2) - 1]


def in_name_only(e: MemberEvidence) -> list[str] | None:
    """The evidence that a member takes part in name only, or None when it takes part or is
    new (it has had no time to)."""
    if e.new or e.meetings_attended or e.flows or e.rounds_answered or e.positions:
        return None
    meetings = (
        f"Attended none of the last {e.meetings_held} meetings of its tier"
        if e.meetings_held
        else "Attended no meeting of its tier (none held with a register)"
    )
    return [
        meetings,
        "No referral and no resource sent or received",
        "No health-check answer",
        "No position taken in a decision",
    ]


@dataclass(frozen=True)
class Reciprocity:
    given: int
    received: int
    hours_given: Decimal
    hours_received: Decimal
    index: float | None
    hours_index: float | None
    flag: str | None  # the one-way streets it is part of, in words

    @property
    def balance(self) -> int:
        return self.given - self.received


def reciprocity_index(given: int | Decimal, received: int | Decimal) -> float | None:
    """1 − |G − R| / (G + R): 1 balanced, 0 all one way, None with nothing either way."""
    g, r = Decimal(given), Decimal(received)
    if not g + r:
        return None
    return float(1 - abs(g - r) / (g + r))


def reciprocity(e: MemberEvidence, flag: str | None = None) -> Reciprocity:
    return Reciprocity(
        given=e.given,
        received=e.received,
        hours_given=e.hours_given,
        hours_received=e.hours_received,
        index=reciprocity_index(e.given, e.received),
        hours_index=reciprocity_index(e.hours_given, e.hours_received),
        flag=flag,
    )


REFERRALS, RESOURCES = "referrals", "resources"
ACCEPTED_HALF = 0.5


@dataclass(frozen=True)
class OneWayStreet:
    """One pair and one flow where `sender` sends `sent` and nothing comes back."""

    flow: str  # REFERRALS or RESOURCES
    sender: int
    receiver: int
    sent: int
    accepted: int | None = None  # referrals: how many the receiver took on

    @property
    def acceptance(self) -> float | None:
        return None if self.accepted is None else self.accepted / self.sent

    @property
    def giver(self) -> int:
        """The side that gives in the relationship: the receiver of referrals it mostly takes
        on, else the sender."""
        taken = self.acceptance is not None and self.acceptance >= ACCEPTED_HALF
        return self.receiver if taken else self.sender

    @property
    def taker(self) -> int:
        return self.receiver if self.giver == self.sender else self.sender

    def describe(self, names: dict[int, str]) -> str:
        a, b = names.get(self.sender, "?"), names.get(self.receiver, "?")
        if self.flow == RESOURCES:
            return f"{a} gave {b} {self.sent} resources and received none back"
        accepted = f"{b} accepted {self.accepted} of them"
        if self.giver == self.receiver:
            return (
                f"{a} referred {self.sent} people to {b} and {accepted}, but {b} never referred "
                f"anyone to {a}: {b} gives, {a} does not give back"
            )
        return (
            f"{a} referred {self.sent} people to {b}, {accepted} and never referred anyone to "
            f"{a}: {a} sends and hears little back"
        )


def one_way_streets(
    *,
    referrals: dict[tuple[int, int], int],
    accepted: dict[tuple[int, int], int],
    referred: set[tuple[int, int]],
    resources: dict[tuple[int, int], int],
    members: set[int],
) -> list[OneWayStreet]:
    """The one-way streets among `members` (see the module's docstring). `referrals` are the
    referrals sent (sender, receiver) → count; `accepted` of those, how many were taken on;
    `referred` every (sender, receiver) that referred or signposted anyone; `resources` the
    resources given (giver, receiver) → count."""
    found = []
    for (a, b), sent in sorted(referrals.items()):
        if a in members and b in members and sent >= ONE_WAY_MIN and (b, a) not in referred:
            found.append(OneWayStreet(REFERRALS, a, b, sent, accepted.get((a, b), 0)))
    for (a, b), sent in sorted(resources.items()):
        if a in members and b in members and sent >= ONE_WAY_MIN and not resources.get((b, a)):
            found.append(OneWayStreet(RESOURCES, a, b, sent))
    return found
