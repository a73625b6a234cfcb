"""Activity in a partnership, made through each app's actions, for the health tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from joinedup.agreements import actions as agreements
from joinedup.conftest import make_org
from joinedup.decisions import actions as decisions
from joinedup.health import actions as health
from joinedup.health.models import Round
from joinedup.health.tests.helpers import every_statement
from joinedup.meetings import actions as meetings
from joinedup.meetings.models import Meeting, Series
from joinedup.partnerships import actions as partnership_actions
from joinedup.partnerships.models import Level, Organisation, Partnership
from joinedup.resources import actions as resources


def series(partnership: Partnership, tier: str = "core") -> Series:
    return meetings.series_create(
        by=None,
        partnership=partnership,
        tier=tier,
        title=f"{tier.title()} partners",
        min_interval_days=28,
        max_interval_days=42,
    )


def held(
    s: Series, days_ago: int, present: list[Organisation], absent: Sequence[Organisation] = ()
) -> Meeting:
    """A meeting held `days_ago`, with its register."""
    starts = timezone.now() - dt.timedelta(days=days_ago)
    meeting = meetings.meeting_schedule(
        by=None,
        series=s,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        purpose="delivery",
        place="The hall",
        notify_invitees=False,
    )
    register = {o: ("present", "A. Person") for o in present} | {o: ("absent", "") for o in absent}
    meetings.attendance_register(by=None, meeting=meeting, register=register)
    return meeting


def exchange(
    partnership: Partnership,
    giver: Organisation,
    receiver: Organisation,
    days_ago: int = 10,
    hours: int | None = None,
) -> Any:
    return resources.exchange_record(
        by=None,
        partnership=partnership,
        giver=giver,
        receiver=receiver,
        kind="staff_time" if hours else "expertise",
        description="Help given",
        on=timezone.localdate() - dt.timedelta(days=days_ago),
        hours=Decimal(hours) if hours else None,
    )


def position(partnership: Partnership, proposer: Organisation, *deciders: tuple[Any, Any]) -> Any:
    """A proposal open to all partners, and a position for each (user, organisation)."""
    proposal = decisions.proposal_create(
        by=None,
        partnership=partnership,
        organisation=proposer,
        title="Share a venue",
        question="Shall we share the hall?",
        kind="consent",
        deciders="all",
        closes_on=timezone.localdate() + dt.timedelta(days=60),
    )
    for user, organisation in deciders:
        decisions.position_cast(
            by=user, proposal=proposal, organisation=organisation, stance="agree"
        )
    return proposal


def signed_terms(partnership: Partnership, signers: list[Organisation]) -> Any:
    """Terms of reference that every current member signed on paper."""
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
            signed_on=timezone.localdate() - dt.timedelta(days=30),
        )
    return agreement


def answered(
    partnership: Partnership, *who: tuple[Any, Organisation], score: int = 4, close: bool = False
) -> Round:
    """A health-check round in which each (user, organisation) answered every statement."""
    round_ = health.round_open(
        by=None, partnership=partnership, closes_on=timezone.localdate() + dt.timedelta(days=10)
    )
    for user, organisation in who:
        health.answer_submit(
            by=user, round=round_, organisation=organisation, scores=every_statement(score)
        )
    if close:
        health.round_close(by=None, round=round_)
    return round_


def rated(
    partnership: Partnership, rater: Organisation, rated_org: Organisation, level: int
) -> Any:
    return health.rating_set(
        by=None, partnership=partnership, rater=rater, rated=rated_org, level=level
    )


def busy(w: SimpleNamespace) -> SimpleNamespace:
    """The lead and the core partner work together; the wider partner is there in name."""
    p = w.partnership
    lead, core, wider = w.lead_org, w.core_org, w.wider_org
    core_series = series(p, "core")
    for days in (200, 150):
        held(core_series, days, present=[lead], absent=[core])
    for days in (100, 60, 30):
        held(core_series, days, present=[lead, core])
    wider_series = series(p, "wider")
    held(wider_series, 400, present=[lead, core, wider])  # over a year ago
    held(wider_series, 90, present=[lead, core], absent=[wider])
    exchange(p, lead, core, hours=3)
    exchange(p, lead, core)
    exchange(p, core, lead)
    exchange(p, core, lead, days_ago=500)  # over a year ago
    position(p, lead, (w.lena, lead), (w.cora, core))
    signed_terms(p, [lead, core, wider])
    # Three people answer, so that the round's figures may be shown (two pooled organisations).
    answered(p, (w.lena, lead), (w.stan, lead), (w.cora, core), close=True)
    rated(p, core, lead, 4)
    rated(p, lead, core, 2)
    rated(p, lead, core, 3)  # the latest counts
    return w


def small_partnership(w: SimpleNamespace, i: int, hub: Any = None) -> Partnership:
    """A partnership of two in `w`'s programme that met once, exchanged once and rated."""
    lead = make_org(f"Lead {i}")
    other = make_org(f"Partner {i}")
    p = partnership_actions.partnership_create(
        by=None,
        name=f"Partnership {i:02d}",
        shared_goal="Together.",
        lead=lead,
        start_on=w.partnership.start_on,
        programme=w.programme,
        hub=hub,
    )
    partnership_actions.membership_add(
        by=None,
        partnership=p,
        organisation=other,
        role="core",
        funded=True,
        levels=[Level.DELIVERY],
        joined_on=w.partnership.start_on,
    )
    held(series(p), 30, present=[lead, other])
    exchange(p, lead, other)
    rated(p, other, lead, 3)
    return p
