"""Each evidence figure, hand-counted on records built here (issue 18, item 4)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from joinedup.charter.evidence import evidence
from joinedup.decisions.models import Position, Proposal
from joinedup.directory.actions import service_create
from joinedup.meetings.models import ActionPoint, Attendance, Concern, Meeting, Series
from joinedup.referrals.actions import referral_decline
from joinedup.referrals.tests.conftest import refer, referring_world
from joinedup.reflection.models import Reflection
from joinedup.resources.models import Exchange, Offer


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_each_figure_counts_what_the_organisation_did(world: SimpleNamespace) -> None:
    p, lead, core = world.partnership, world.lead_org, world.core_org
    today = timezone.localdate()
    series = Series.objects.create(
        partnership=p, tier="core", title="Core", min_interval_days=20, max_interval_days=60
    )

    def meeting(days: int, chair: Any = None, status: str = "scheduled") -> Meeting:
        return Meeting.objects.create(
            series=series,
            starts_at=_ago(days),
            ends_at=_ago(days) + dt.timedelta(hours=1),
            purpose="delivery",
            chair=chair,
            status=status,
        )

    m1, m2 = meeting(100, chair=core), meeting(50, chair=lead)
    old, unrecorded = meeting(400, chair=core), meeting(20)
    cancelled = meeting(10, status="cancelled")
    for m, org, presence in [
        (m1, lead, "present"),
        (m1, core, "present"),
        (m2, lead, "absent"),
        (m2, core, "present"),
        (old, lead, "present"),
        (cancelled, lead, "present"),
    ]:
        Attendance.objects.create(
            meeting=m,
            organisation=org,
            presence=presence,
            person_name="Someone" if presence == "present" else "",
        )
    for due, done in [(30, 31), (20, 10), (5, None), (-10, None), (400, 401)]:
        ActionPoint.objects.create(
            meeting=m1,
            description=f"Action due {due}",
            owner=lead,
            due_on=today - dt.timedelta(days=due),
            status="done" if done is not None else "open",
            done_at=_ago(done) if done is not None else None,
        )
    given = Offer.objects.create(organisation=lead, partnership=p, kind="expertise", title="Advice")
    Offer.objects.create(organisation=lead, partnership=p, kind="venue", title="Room")
    Offer.objects.create(
        organisation=lead, partnership=p, kind="venue", title="Old room", created_at=_ago(400)
    )
    Exchange.objects.create(
        partnership=p,
        giver=lead,
        receiver=core,
        kind="expertise",
        description="Advice",
        on=today,
        offer=given,
    )
    service_create(
        organisation=lead,
        by=None,
        needs=[],
        name="Advice line",
        referral_criteria="Anyone in Riverside.",
    )
    service_create(organisation=lead, by=None, needs=[], name="Debt clinic")
    service_create(
        organisation=lead,
        by=None,
        needs=[],
        name="Closed clinic",
        referral_criteria="Anyone.",
        status="inactive",
    )
    Concern.objects.create(
        partnership=p, organisation=lead, audience="lead", title="Late minutes", text="…"
    )
    Concern.objects.create(
        partnership=p,
        organisation=lead,
        audience="lead",
        title="Old",
        text="…",
        raised_at=_ago(400),
    )

    def proposal(by: Any, title: str) -> Proposal:
        return Proposal.objects.create(
            partnership=p,
            title=title,
            question="?",
            kind="consent",
            organisation=by,
            closes_on=today,
        )

    for owner, stance, reason in [
        (core, "disagree", "Too soon."),
        (core, "object", "Not costed."),
        (lead, "agree", ""),
        (core, "agree", ""),
    ]:
        Position.objects.create(
            proposal=proposal(owner, f"{owner} {stance}"),
            organisation=lead,
            stance=stance,
            reason=reason,
        )

    for sharing, days in [("partnership", 10), ("private", 10), ("partnership", 400)]:
        Reflection.objects.create(
            writer=world.stan,
            organisation=lead,
            partnership=p,
            title=f"{sharing} {days}",
            template="what",
            sharing=sharing,
            written_at=_ago(days),
        )

    figures = {f.key: f for f in evidence(p, lead)}
    assert (
        figures["attendance"].text == "1 of 2"
    )  # m1 present, m2 absent; old, unrecorded and cancelled left out
    assert figures["chairing"].text == "1 of 2"  # m1 chaired by Riverside Mind
    assert (
        figures["actions"].text == "1 of 3"
    )  # due 30 done 31 days ago; due 20 done late; due 5 open
    assert figures["offers"].text == "1 of 2"
    assert figures["directory"].text == "1 of 2"
    assert figures["concerns"].text == "1"
    assert figures["dissent"].text == "2"  # disagreed and objected, each with its reason
    assert figures["supported"].text == "1 of 3"  # others' proposals: disagree, object, agree
    assert figures["reflections"].text == "1"  # shared with partners this year; not private, old
    assert figures["key_partners"].text.startswith("No honest measure yet")
    assert not figures["soft_skills"].measured
    assert [link for _, link in figures["attendance"].items] == [
        m1.get_absolute_url(),
        m2.get_absolute_url(),
    ]
    assert unrecorded.pk not in {m.pk for m in [m1, m2]}


def test_decline_reasons_given(world: SimpleNamespace) -> None:
    r = referring_world(world)
    first, second = refer(world, r), refer(world, r)
    for referral in (first, second):
        if referral.status == "draft":
            from joinedup.referrals.actions import referral_send

            referral_send(referral=referral, by=world.stan)
    referral_decline(referral=first, by=world.cora, reason="no_capacity")
    referral_decline(referral=second, by=world.cora, reason="other", note="Moved away.")
    figures = {f.key: f for f in evidence(world.partnership, world.core_org)}
    assert figures["declines"].text == "1 of 2"
