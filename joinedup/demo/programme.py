"""The programme view's demo: Help through Crisis with 69 partnerships, as the real programme had,
and one partnership that exists on paper; Reaching Out, Supporting Families with its 36.

The seeds name a handful of each programme's partnerships; the rest are **generated**, and
say so in their name and goal ("(generated)"), as are the organisations and people in them.
They are made through the same actions as everything else, from a fixed random seed, so every
load makes the same programme: some partnerships deep, some cooperating, some only networking,
a few on paper. Loading again adds nothing that is there.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.actions import loading
from joinedup.agreements import actions as agreements
from joinedup.decisions import actions as decisions
from joinedup.health import actions as health
from joinedup.health.statements import FACTORS
from joinedup.lib.needs import NEEDS
from joinedup.meetings import actions as meetings
from joinedup.organisations.actions import affiliation_set_by_system
from joinedup.partnerships import actions
from joinedup.partnerships.models import Level, MemberRole, Organisation, Partnership, Sector
from joinedup.programmes.models import Programme
from joinedup.referrals.actions import signpost_record
from joinedup.resources import actions as resources

PROGRAMME = "Help through Crisis"
TARGET = 69
GENERATED = "(generated)"
ON_PAPER = "Irwell Valley Crisis Links"
QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"

PLACES = [
    "Ashworth", "Brindle", "Calderbrook", "Dunsop", "Edgworth", "Fernhill", "Greenmount",
    "Holcombe", "Ingleton", "Jubilee", "Kirkholt", "Lumb", "Millbrook", "Newchurch",
    "Oakenshaw", "Pendle Bridge", "Quarlton", "Rakefoot", "Stacksteads", "Tottington",
]  # fmt: skip
KINDS = [
    ("Advice Centre", Sector.VOLUNTARY),
    ("Food Bank", Sector.FAITH),
    ("Housing Trust", Sector.SOCIAL_ENTERPRISE),
    ("Community Hub", Sector.COMMUNITY),
    ("Council Welfare Team", Sector.STATUTORY),
    ("Mind", Sector.VOLUNTARY),
    ("Jobcentre Partnership Team", Sector.STATUTORY),
    ("Women's Centre", Sector.VOLUNTARY),
]
# How much a partnership of each depth does in a year: meetings of its core series, the
# chance a member comes, exchanges (and as many signpostings), the collaboration levels they
# give each other and their health-check scores. Deep ones also decide and sign together.
PROFILES: dict[str, dict[str, Any]] = {
    "deep": {"meetings": 4, "present": 0.95, "flows": 5, "levels": (4, 5), "scores": (4, 5)},
    "cooperating": {"meetings": 3, "present": 0.7, "flows": 2, "levels": (2, 3), "scores": (3, 4)},
    "networking": {"meetings": 2, "present": 0.4, "flows": 0, "levels": (1, 2), "scores": (2, 4)},
    "on paper": {"meetings": 1, "present": 0.0, "flows": 0, "levels": None, "scores": None},
}
WEIGHTS = {"deep": 2, "cooperating": 4, "networking": 3, "on paper": 1}
# What a generated partnership's goal says it is ("on paper" is not an adjective to put
# before "partnership").
PROFILE_WORDS = {
    "deep": "a deep partnership",
    "cooperating": "a cooperating partnership",
    "networking": "a networking partnership",
    "on paper": "a partnership on paper",
}


@dataclass(frozen=True)
class Filled:
    """A programme to fill with generated partnerships, from its own pool of organisations."""

    programme: str
    target: int
    label: str  # generated partnerships are "<label> 01 (generated)", …
    places: list[str]
    kinds: list[tuple[str, Sector]]
    seed: str  # each partnership's random seed is this and its number


# Seed 003: 36 projects across Northern Ireland, each with at least one partner.
FAMILIES = Filled(
    programme="Reaching Out, Supporting Families",
    target=36,
    label="Family support partnership",
    places=[
        "Ardglen",
        "Ballykeel",
        "Carnreagh",
        "Drumhill",
        "Glenavon",
        "Killowen",
        "Lisnabreen",
        "Mullaghmore",
        "Rathkeel",
        "Tullycarn",
    ],
    kinds=[
        ("Family Centre", Sector.COMMUNITY),
        ("Parents' Network", Sector.VOLUNTARY),
        ("HSC Trust Family Support Team", Sector.STATUTORY),
        ("Women's Aid", Sector.VOLUNTARY),
        ("Disability Family Support", Sector.VOLUNTARY),
        ("Primary School", Sector.STATUTORY),
    ],
    seed="families",
)
CRISIS = Filled(
    programme=PROGRAMME,
    target=TARGET,
    label="Crisis partnership",
    places=PLACES,
    kinds=KINDS,
    seed="",
)


def load(password_hash: str, progress: Callable[[str, int, int], None]) -> int:
    """Fill Help through Crisis up to 69 partnerships (one of them on paper) and Reaching Out,
    Supporting Families up to 36; return how many were made."""
    made = 0
    for filled in (CRISIS, FAMILIES):
        programme = Programme.objects.filter(name=filled.programme).first()
        if programme is not None:
            made += _fill(filled, programme, password_hash, progress)
    return made


def _fill(
    filled: Filled,
    programme: Programme,
    password_hash: str,
    progress: Callable[[str, int, int], None],
) -> int:
    with override_settings(EMAIL_BACKEND=QUIET_MAIL), loading():
        pool = _pool(password_hash, filled)
        hubs = list(programme.hubs.all())
        made = 0
        if filled is CRISIS and not Partnership.objects.filter(name=ON_PAPER).exists():
            _on_paper(programme, pool)
            made += 1
        real = programme.partnerships.exclude(name__contains=GENERATED).count()
        wanted = max(filled.target - real, 0)
        for i in range(1, wanted + 1):
            # One per partnership: the same whatever is loaded already.
            rng = random.Random(f"{filled.seed}{i}" if filled.seed else i)
            name = f"{filled.label} {i:02d} {GENERATED}"
            profile = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            members = rng.sample(pool, rng.randint(3, 5))
            hub = rng.choice(hubs) if hubs else None
            if not Partnership.objects.filter(name=name).exists():
                _generated(name, profile, programme, hub, members, rng)
                made += 1
            progress(f"generated partnerships of {filled.programme}", i, wanted)
    return made


def _pool(password_hash: str, filled: Filled) -> list[tuple[Organisation, User]]:
    """Generated organisations, each with a manager who answers for it."""
    pool = []
    for i, place in enumerate(filled.places):
        kind, sector = filled.kinds[i % len(filled.kinds)]
        name = f"{place} {kind} {GENERATED}"
        organisation = Organisation.objects.filter(name=name).first() or (
            actions.organisation_create(by=None, name=name, sector=sector)
        )
        email = f"manager.{place.lower().replace(' ', '-')}@generated.demo.joinedup.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(
                email=email, name=f"{place} manager {GENERATED}", password=password_hash
            )
            affiliation_set_by_system(
                user=user, organisation=organisation, role="manager", why="demo"
            )
        pool.append((organisation, user))
    return pool


def _days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _create(
    name: str,
    goal: str,
    programme: Programme,
    hub: Any,
    members: list[tuple[Organisation, User]],
    levels: list[str],
) -> Partnership:
    (lead, _), others = members[0], members[1:]
    start = _days_ago(700)
    partnership = actions.partnership_create(
        by=None,
        name=name,
        shared_goal=goal,
        lead=lead,
        start_on=start,
        programme=programme,
        hub=hub,
        area=name.split(" ")[0],
    )
    for n, (organisation, user) in enumerate(others):
        role = MemberRole.CORE if n < 2 else MemberRole.WIDER
        membership = actions.membership_add(
            by=None,
            partnership=partnership,
            organisation=organisation,
            role=role,
            funded=role == MemberRole.CORE,
            levels=levels,
            joined_on=start,
        )
        actions.membership_set_contacts(by=None, membership=membership, contacts=[user])
    return partnership


def _meetings(
    partnership: Partnership, present: Callable[[Organisation], bool], count: int
) -> None:
    series = meetings.series_create(
        by=None,
        partnership=partnership,
        tier="core",
        title="Core partners",
        min_interval_days=28,
        max_interval_days=60,
    )
    invited = [
        m.organisation
        for m in partnership.memberships.current()
        .filter(role__in=[MemberRole.LEAD, MemberRole.CORE])
        .select_related("organisation")
    ]
    for k in range(count):
        day = _days_ago(14 + 45 * (count - 1 - k))
        starts = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())
        meeting = meetings.meeting_schedule(
            by=None,
            series=series,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            purpose="delivery",
            place="The community hall",
            notify_invitees=False,
        )
        register = {
            o: ("present", "A representative") if present(o) else ("apologies", "") for o in invited
        }
        meetings.attendance_register(by=None, meeting=meeting, register=register)


def _generated(
    name: str,
    profile: str,
    programme: Programme,
    hub: Any,
    members: list[tuple[Organisation, User]],
    rng: random.Random,
) -> None:
    p = PROFILES[profile]
    deep = profile == "deep"
    levels: list[str] = (
        [Level.DELIVERY, Level.MANAGEMENT, Level.STRATEGIC] if deep else [Level.DELIVERY]
    )
    goal = f"Generated for the demo: {PROFILE_WORDS[profile]}, for the programme view."
    partnership = _create(name, goal, programme, hub, members, levels)
    lead = members[0][0]
    _meetings(partnership, lambda o: o == lead or rng.random() < p["present"], p["meetings"])
    orgs = [o for o, _ in members]
    for _ in range(p["flows"]):
        giver, receiver = rng.sample(orgs, 2)
        resources.exchange_record(
            by=None,
            partnership=partnership,
            giver=giver,
            receiver=receiver,
            kind="staff_time",
            description="Staff time for a joint drop-in",
            on=_days_ago(rng.randint(10, 300)),
            hours=Decimal(rng.choice([2, 3, 4])),
        )
        source, target = rng.sample(orgs, 2)
        signpost_record(
            partnership=partnership,
            by=None,
            from_org=source,
            to_org=target,
            need=rng.choice(list(NEEDS)),
            on=_days_ago(rng.randint(10, 300)),
        )
    if p["levels"]:
        for organisation in orgs[1:]:
            for rater, rated in ((organisation, lead), (lead, organisation)):
                health.rating_set(
                    by=None,
                    partnership=partnership,
                    rater=rater,
                    rated=rated,
                    level=rng.randint(*p["levels"]),
                )
    if deep:
        _decide_and_sign(partnership, members)
    if p["scores"]:
        _health_check(partnership, members, p["scores"], rng)


def _decide_and_sign(partnership: Partnership, members: list[tuple[Organisation, User]]) -> None:
    proposal = decisions.proposal_create(
        by=None,
        partnership=partnership,
        organisation=members[0][0],
        title="Share one referral form",
        question="Shall we all use one referral form?",
        kind="consent",
        deciders="all",
        closes_on=_days_ago(-30),
    )
    for organisation, user in members:
        decisions.position_cast(
            by=user, proposal=proposal, organisation=organisation, stance="agree"
        )
    _terms(partnership, [o for o, _ in members])


def _terms(partnership: Partnership, signers: list[Organisation]) -> None:
    agreement = agreements.agreement_create(
        by=None, partnership=partnership, kind="terms_of_reference", title="Terms of reference"
    )
    version = agreement.versions.get()
    agreements.version_advance(version=version, by=None, to="signoff")
    for organisation in signers:
        agreements.sign(
            version=version,
            by=None,
            organisation=organisation,
            board_informed=True,
            signed_on=_days_ago(200),
        )


def _health_check(
    partnership: Partnership,
    members: list[tuple[Organisation, User]],
    scores: tuple[int, int],
    rng: random.Random,
) -> None:
    round_ = health.round_open(by=None, partnership=partnership, closes_on=_days_ago(-14))
    for organisation, user in members:
        health.answer_submit(
            by=user,
            round=round_,
            organisation=organisation,
            scores={s.code: rng.randint(*scores) for f in FACTORS for s in f.statements},
        )
    health.round_close(by=None, round=round_)


def _on_paper(programme: Programme, pool: list[tuple[Organisation, User]]) -> None:
    """Four members, terms of reference signed by all, and a lead that meets alone: the
    statutory partner has "a named person sitting on the partnership, and the box is checked"
    (seed 003)."""
    statutory = next(m for m in pool if m[0].sector == Sector.STATUTORY)
    others = [m for m in pool if m is not statutory and m[0].sector != Sector.STATUTORY]
    members = [others[0], statutory, others[1], others[2]]
    partnership = _create(
        ON_PAPER,
        "Invented for the demo: a partnership that exists on paper. Everyone signed the terms "
        "of reference; only the lead comes to meetings.",
        programme,
        programme.hubs.first(),
        members,
        [Level.STRATEGIC],
    )
    lead = members[0][0]
    _meetings(partnership, lambda o: o == lead, 4)
    _terms(partnership, [o for o, _ in members])
