"""Load the demo's partnership health through the actions: a healthy partnership (Rossendale
Crisis Support, with its check improving over two rounds) and a divided one (Axis Youth Hub,
where the lead rates the partnership far higher than its wider partners do, with a round open
now). The people who answer are invented, and marked so in their names; their answers come
from a fixed seed, so every load writes the same figures. A partnership that has a round
already is skipped whole, so a second run writes nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.health import actions
from joinedup.health.statements import FACTORS
from joinedup.organisations.actions import affiliation_set_by_system
from joinedup.partnerships.models import Membership, Organisation, Partnership

HEALTHY = "rossendale-crisis-support"
DIVIDED = "axis-youth-hub"
DOMAIN = "demo.joinedup.example"
ROLES = ["lead", "core", "wider"]
# How far one answer strays from its member's view: people differ, but not wildly.
NUDGES = (-0.6, -0.3, 0.0, 0.0, 0.3, 0.6)

# How each kind of member sees each factor in the divided partnership: the lead sees a
# strong partnership; the wider partners see one run for and by the lead.
DIVIDED_VIEW = {
    "lead": {"default": 4.4},
    "core": {"default": 3.7, "power": 3.0, "decisions": 3.2},
    "wider": {
        "default": 2.9,
        "power": 1.9,
        "decisions": 2.0,
        "communication": 2.4,
        "benefit": 2.3,
        "goals": 3.4,
        "respect": 3.3,
    },
}
HEALTHY_BEFORE = {"default": 3.5, "investment": 2.6, "buy_in": 2.9, "learning": 3.1}
HEALTHY_NOW = {"default": 4.2, "investment": 3.4, "buy_in": 3.8, "learning": 4.0}


@dataclass(frozen=True)
class Respondent:
    user: User
    organisation: Organisation
    role: str


def _members(partnership: Partnership) -> list[Membership]:
    """Current members, the lead first, then core, then wider partners, each by name."""
    members = (
        Membership.objects.current()
        .filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return sorted(members, key=lambda m: ROLES.index(m.role))


def _respondents(
    partnership: Partnership, per_role: dict[str, int], limit: int
) -> list[Respondent]:
    """Invented people answering for the first `limit` members (lead first), `per_role`
    people for each organisation by its role."""
    members = _members(partnership)
    people = []
    for m in members[:limit]:
        for n in range(per_role[m.role]):
            email = f"answers.{m.organisation.pk}.{n + 1}@{DOMAIN}"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, None, name=f"Invented respondent {n + 1}, {m.organisation.name}"
                )
                affiliation_set_by_system(
                    user=user, organisation=m.organisation, role="staff", why="demo"
                )
            people.append(Respondent(user, m.organisation, m.role))
    return people


def _scores(rng: random.Random, view: dict[str, float]) -> dict[str, int | None]:
    scores: dict[str, int | None] = {}
    for factor in FACTORS:
        centre = view.get(factor.code, view["default"])
        for s in factor.statements:
            if rng.random() < 0.05:
                scores[s.code] = None  # don't know
            else:
                spread = rng.choice(NUDGES)
                scores[s.code] = min(5, max(1, int(centre + spread + 0.5)))
    return scores


def _round(
    partnership: Partnership,
    people: list[Respondent],
    views: dict[str, dict[str, float]],
    *,
    opened_days_ago: int,
    length: int,
    seed: str,
    notes: tuple[str, str],
) -> None:
    today = timezone.localdate()
    opened = today - dt.timedelta(days=opened_days_ago)
    round = actions.round_open(
        by=None,
        partnership=partnership,
        closes_on=opened + dt.timedelta(days=length),
        today=opened,
    )
    rng = random.Random(seed)
    for i, p in enumerate(people):
        actions.answer_submit(
            by=p.user,
            round=round,
            organisation=p.organisation,
            scores=_scores(rng, views[p.role]),
            working=notes[0] if i % 3 == 0 else "",
            would_help=notes[1] if i % 3 == 1 else "",
            today=opened + dt.timedelta(days=min(i, length)),
        )
    actions.rounds_close_due(today=today, partnership=partnership)


def _ratings(partnership: Partnership, levels: dict[tuple[str, str], int]) -> None:
    """Each member of the first few rates each other: `levels` by (rater role, rated role)."""
    members = _members(partnership)
    rng = random.Random(partnership.name)
    for rater in members[:8]:
        for rated in members[:8]:
            if rater is rated:
                continue
            level = levels[(rater.role, rated.role)]
            trust = min(4, max(1, level - 1 + rng.choice([0, 0, 1])))
            actions.rating_set(
                by=None,
                partnership=partnership,
                rater=rater.organisation,
                rated=rated.organisation,
                level=level,
                reliability=trust,
                mission=trust,
                openness=max(1, trust - rng.choice([0, 1])),
                influence=min(4, max(1, level - 1)),
                involvement=min(4, max(1, level - 1)),
                resources=min(4, max(1, level - 2 + rng.choice([0, 1]))),
            )


def _time(partnership: Partnership, hours: dict[str, int]) -> None:
    today = timezone.localdate()
    for m in _members(partnership)[:8]:
        for months_ago in range(6):
            actions.timelog_add(
                by=None,
                partnership=partnership,
                organisation=m.organisation,
                on=today - dt.timedelta(days=30 * months_ago + 3),
                hours=Decimal(hours[m.role] + months_ago % 2),
                note="Partnership work between meetings",
            )


def load(partnerships: dict[str, Partnership]) -> int:
    """Load what is missing; return how many rounds were written."""
    written = 0
    healthy, divided = partnerships[HEALTHY], partnerships[DIVIDED]
    if not healthy.health_rounds.exists():
        people = _respondents(healthy, {"lead": 2, "core": 2, "wider": 1}, limit=10)
        notes = (
            "Partners pick up the phone to each other now, not only at meetings.",
            "Protected time for partnership work; it still comes out of frontline hours.",
        )
        views = {role: HEALTHY_BEFORE for role in ROLES}
        _round(healthy, people, views, opened_days_ago=380, length=28, seed="r1", notes=notes)
        views = {role: HEALTHY_NOW for role in ROLES}
        _round(healthy, people, views, opened_days_ago=40, length=28, seed="r2", notes=notes)
        _ratings(healthy, {(a, b): 4 for a in ROLES for b in ROLES})
        _time(healthy, {"lead": 12, "core": 6, "wider": 2})
        written += 2
    if not divided.health_rounds.exists():
        people = _respondents(divided, {"lead": 3, "core": 2, "wider": 1}, limit=12)
        notes = (
            "The hub is a single front door for young people.",
            "Being asked before decisions are made, not told afterwards.",
        )
        _round(
            divided, people, DIVIDED_VIEW, opened_days_ago=200, length=28, seed="a1", notes=notes
        )
        # A round open now, so the demo's lead can see answers come in and partners can answer.
        _round(
            divided,
            people[: len(people) // 2],
            DIVIDED_VIEW,
            opened_days_ago=5,
            length=30,
            seed="a2",
            notes=notes,
        )
        levels = {
            ("lead", "core"): 4,
            ("core", "lead"): 4,
            ("core", "core"): 3,
            ("lead", "wider"): 3,
            ("wider", "lead"): 1,
            ("core", "wider"): 2,
            ("wider", "core"): 1,
            ("wider", "wider"): 0,
        }
        _ratings(divided, levels)
        _time(divided, {"lead": 20, "core": 5, "wider": 1})
        written += 2
    return written
