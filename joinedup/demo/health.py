"""Load the demo's partnership health through the actions: a healthy partnership (Rossendale
Crisis Support, with its check improving over two rounds), a divided one (Axis Youth Hub,
where the lead rates the partnership far higher than its wider partners do, though all agree
its communication works, with a round open now) and three equals (Manchester Mind, Centrepoint
and GMCDP). Free text is varied: no sentence is written twice.

The people who answer are invented, and marked so in their names; their answers come
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
EQUALS = "manchester-mind-crisis-partnership"
DOMAIN = "demo.joinedup.example"
ROLES = ["lead", "core", "wider"]
# How far one answer strays from its member's view: people differ, but not wildly.
NUDGES = (-0.6, -0.3, 0.0, 0.0, 0.3, 0.6)

# How each kind of member sees each factor in the divided partnership: the lead sees a
# strong partnership; the wider partners see one run for and by the lead.
DIVIDED_VIEW = {
    "lead": {"default": 4.4},
    # Seed 001: asked what worked, core and wider partners alike said communication, and the
    # wider partners' meetings every three months.
    "core": {"default": 3.7, "power": 3.0, "decisions": 3.2, "communication": 4.3},
    "wider": {
        "default": 2.9,
        "power": 1.9,
        "decisions": 2.0,
        "communication": 3.9,
        "benefit": 2.3,
        "goals": 3.4,
        "respect": 3.3,
    },
}
HEALTHY_BEFORE = {"default": 3.5, "investment": 2.6, "buy_in": 2.9, "learning": 3.1}
HEALTHY_NOW = {"default": 4.2, "investment": 3.4, "buy_in": 3.8, "learning": 4.0}
# Three organisations working as equals, each with one part-time adviser (seed 001); decisions
# take longer because GMCDP's board of disabled people decides.
EQUALS_VIEW = {"default": 4.1, "power": 4.4, "respect": 4.6, "decisions": 3.4, "learning": 4.5}

# What people wrote, each sentence once: (what is working, what would help), per round.
NOTES: dict[str, tuple[list[str], list[str]]] = {
    "r1": (
        [
            "Partners pick up the phone to each other now, not only at meetings.",
            "The quarterly meeting is where we hear what the valley needs.",
            "CARH publicises our sessions to people we would never reach.",
        ],
        [
            "Protected time for partnership work; it still comes out of frontline hours.",
            "A shared list of who does what, kept up to date.",
            "Travel money for volunteers coming from the top of the valley.",
        ],
    ),
    "r2": (
        [
            "Referrals between us are quicker since the shared form.",
            "Meetings are a place for praise as well as criticism.",
            "We adapted our protocol to fit the credit union's, and it works.",
        ],
        [
            "Cover for the food pantry when its volunteers are off.",
            "Figures we can all read, not each partner's own.",
            "A fixed day each month for one-to-ones with CARH.",
        ],
    ),
    "a1": (
        [
            "The hub is a single front door for young people.",
            "Being in one building means a young person meets the next worker the same day.",
            "The wider partners' meeting every three months keeps us all informed.",
            "Honesty from the start: problems get said out loud.",
        ],
        [
            "Being asked before decisions are made, not told afterwards.",
            "Papers a week before the meeting, with an easy-read version.",
            "A say in how the contingency budget is spent.",
            "Feedback on what happened to the young people we refer.",
        ],
    ),
    "a2": (
        [
            "The monthly email round-up means nothing waits for a meeting.",
            "Joining the wider meeting online saves us half a day.",
            "Core partners decide quickly when a young person needs a bed tonight.",
        ],
        [
            "More notice of changes to the drop-in rota.",
            "A named contact at the hub for each wider partner.",
            "Time at the wider meeting for our news, not only the hub's.",
        ],
    ),
    "m1": (
        [
            "We share frontline issues in real time.",
            "GMCDP's way of describing disability has changed how Mind writes its letters.",
            "Three advisers, the same hours each: nobody is the junior partner.",
            "Learning each other's specialism has made our PIP support better.",
        ],
        [
            "Agendas four weeks ahead, so GMCDP's board can decide in time.",
            "One-to-ones at the yearly review, not suggestions in a meeting.",
            "A shared caseload view, with people's consent.",
            "More time together in the room: there are only three of us.",
        ],
    ),
}


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
    working, would_help = (list(n) for n in NOTES[seed])
    for i, p in enumerate(people):
        actions.answer_submit(
            by=p.user,
            round=round,
            organisation=p.organisation,
            scores=_scores(rng, views[p.role]),
            working=working.pop(0) if i % 3 == 0 and working else "",
            would_help=would_help.pop(0) if i % 3 == 1 and would_help else "",
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
        views = {role: HEALTHY_BEFORE for role in ROLES}
        _round(healthy, people, views, opened_days_ago=380, length=28, seed="r1")
        views = {role: HEALTHY_NOW for role in ROLES}
        _round(healthy, people, views, opened_days_ago=40, length=28, seed="r2")
        _ratings(healthy, {(a, b): 4 for a in ROLES for b in ROLES})
        _time(healthy, {"lead": 12, "core": 6, "wider": 2})
        written += 2
    if not divided.health_rounds.exists():
        people = _respondents(divided, {"lead": 3, "core": 2, "wider": 1}, limit=12)
        _round(divided, people, DIVIDED_VIEW, opened_days_ago=200, length=28, seed="a1")
        # A round open now, so the demo's lead can see answers come in and partners can answer.
        _round(
            divided,
            people[: len(people) // 2],
            DIVIDED_VIEW,
            opened_days_ago=5,
            length=30,
            seed="a2",
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
    equals = partnerships[EQUALS]
    if not equals.health_rounds.exists():
        # Three people from each organisation, so each one's own scores can be shown.
        people = _respondents(equals, {"lead": 3, "core": 3, "wider": 1}, limit=3)
        views = {role: EQUALS_VIEW for role in ROLES}
        _round(equals, people, views, opened_days_ago=75, length=28, seed="m1")
        _ratings(equals, {(a, b): 4 for a in ROLES for b in ROLES})
        _time(equals, {"lead": 8, "core": 8, "wider": 1})
        written += 1
    return written
