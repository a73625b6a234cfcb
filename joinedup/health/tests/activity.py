"""Activity in a partnership, made through each app's actions, for the health tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from joinedup.agreements import actions as agreements
from joinedup.decisions import actions as decisions
from joinedup.health.models import Answer, Rating, Round
from joinedup.meetings import actions as meetings
from joinedup.meetings.models import Meeting, Series
from joinedup.partnerships.models import Organisation, Partnership
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


def answered(partnership: Partnership, *who: tuple[Any, Organisation], score: int = 4) -> Round:
    """A health-check round in which each (user, organisation) answered one statement."""
    round_ = Round.objects.create(
        partnership=partnership,
        opened_on=timezone.localdate() - dt.timedelta(days=20),
        closes_on=timezone.localdate() + dt.timedelta(days=10),
    )
    for user, organisation in who:
        Answer.objects.create(
            round=round_, user=user, organisation=organisation, statement="goals_1", score=score
        )
    return round_


def rated(
    partnership: Partnership, rater: Organisation, rated_org: Organisation, level: int
) -> Any:
    return Rating.objects.create(partnership=partnership, rater=rater, rated=rated_org, level=level)
