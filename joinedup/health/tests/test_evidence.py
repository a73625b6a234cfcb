"""Evidence gathered from what the other apps record, for one partnership and for many."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.conftest import make_org
from joinedup.health.depth import Stage
from joinedup.health.evidence import gather
from joinedup.health.tests import activity
from joinedup.meetings.models import Series
from joinedup.meetings.queries import attendance_rates
from joinedup.partnerships import actions as partnership_actions
from joinedup.partnerships.models import Level, Partnership
from joinedup.referrals.actions import signpost_record
from joinedup.referrals.tests.conftest import refer, referring  # noqa: F401 (a fixture)


@pytest.fixture
def busy(world: SimpleNamespace) -> SimpleNamespace:
    return activity.busy(world)


def test_it_counts_what_each_member_did_in_the_last_twelve_months(busy: SimpleNamespace) -> None:
    ev = gather([busy.partnership])[busy.partnership.pk]
    lead, core, wider = (ev.member(o.pk) for o in (busy.lead_org, busy.core_org, busy.wider_org))
    assert (lead.meetings_held, lead.meetings_attended, lead.meetings_any) == (5, 5, 6)
    assert (core.meetings_held, core.meetings_attended) == (5, 3)
    assert (wider.meetings_held, wider.meetings_attended) == (1, 0)
    assert (lead.resources_given, lead.resources_received, lead.hours_given) == (2, 1, Decimal(3))
    assert (core.resources_given, core.resources_received) == (1, 2)
    assert (lead.positions, core.positions, wider.positions) == (1, 1, 0)
    assert (lead.agreements_signed, wider.agreements_signed) == (1, 1)
    assert (lead.rounds_answered, wider.rounds_answered) == (1, 0)
    assert (lead.level_received, core.level_received, wider.level_received) == (4.0, 3.0, None)
    assert lead.levels == (Level.MANAGEMENT, Level.STRATEGIC)


def test_it_places_each_member_and_the_partnership(busy: SimpleNamespace) -> None:
    ev = gather([busy.partnership])[busy.partnership.pk]
    stages = {org: p.stage for org, p in ev.placements().items()}
    assert stages == {
        busy.lead_org.pk: Stage.COLLABORATING,
        busy.core_org.pk: Stage.COLLABORATING,
        busy.wider_org.pk: Stage.ON_PAPER,
    }
    # Two of the three members reach collaborating.
    assert ev.stage == Stage.COLLABORATING
    assert list(ev.in_name_only()) == [busy.wider_org.pk]
    assert ev.in_name_only()[busy.wider_org.pk][0] == (
        "Attended none of the last 1 meetings of its tier"
    )


def test_reciprocity_and_the_network_come_from_the_same_flows(busy: SimpleNamespace) -> None:
    ev = gather([busy.partnership])[busy.partnership.pk]
    lead = ev.reciprocity()[busy.lead_org.pk]
    # Gave 2, received 1: 1 - 1/3.
    assert lead.index == pytest.approx(2 / 3)
    assert lead.hours_index == pytest.approx(0.0)  # 3 hours given, none received
    assert ev.one_way() == []
    net = ev.network()
    [tie] = net.ties
    # 3 exchanges, 4 meetings both attended (three core, one wider), levels 4 + 3.
    assert (tie.resources, tie.meetings, tie.levels, tie.weight) == (3, 4, 7, 14)
    assert net.metrics.isolates == [busy.wider_org.pk]
    assert net.metrics.reciprocity == pytest.approx(1.0)


def test_attendance_follows_the_meetings_module_for_the_last_six(
    busy: SimpleNamespace,
) -> None:
    core_series = Series.objects.get(partnership=busy.partnership, tier="core")
    for days in (20, 15, 10):
        activity.held(core_series, days, present=[busy.core_org], absent=[busy.lead_org])
    ev = gather([busy.partnership])[busy.partnership.pk]
    rates = attendance_rates(busy.partnership.pk)
    for org in (busy.lead_org, busy.core_org):
        m = ev.member(org.pk)
        assert m.meetings_held == 6
        assert m.meetings_attended / m.meetings_held == pytest.approx(rates[org.pk]["core"])


def test_a_member_that_joined_recently_counts_only_meetings_since(busy: SimpleNamespace) -> None:
    newcomer = make_org("Riverside Housing")
    partnership_actions.membership_add(
        by=None,
        partnership=busy.partnership,
        organisation=newcomer,
        role="core",
        funded=True,
        levels=[Level.DELIVERY],
        joined_on=dt.date.today() - dt.timedelta(days=45),
    )
    ev = gather([busy.partnership])[busy.partnership.pk]
    assert ev.member(newcomer.pk).meetings_held == 1  # only the meeting 30 days ago
    assert ev.joined == 1


def _queries(partnerships: list[Partnership]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        evidence: Any = gather(partnerships)
        for ev in evidence.values():
            ev.network()
            ev.placements()
    return len(ctx.captured_queries)


def test_it_gathers_many_partnerships_in_the_same_number_of_queries(
    world: SimpleNamespace,
) -> None:
    few = [activity.small_partnership(world, i) for i in range(2)]
    many = [activity.small_partnership(world, i) for i in range(2, 10)]
    assert _queries(few) == _queries(few + many)


def test_referrals_and_signposts_count_as_flows_but_drafts_do_not(
    world: SimpleNamespace,
    referring: SimpleNamespace,  # noqa: F811 (the referrals tests' fixture)
) -> None:
    refer(world, referring)
    refer(world, referring, service=referring.parcels, send=False)  # a draft
    signpost_record(
        partnership=world.partnership, by=None, from_org=world.wider_org, to_org=world.lead_org
    )
    ev = gather([world.partnership])[world.partnership.pk]
    lead, core, wider = (ev.member(o.pk) for o in (world.lead_org, world.core_org, world.wider_org))
    assert (lead.referrals_made, lead.referrals_received) == (1, 1)
    assert (core.referrals_received, wider.referrals_made, wider.referrals_received) == (1, 1, 0)
    assert ev.flows.referrals == {
        (world.lead_org.pk, world.core_org.pk): 1,
        (world.wider_org.pk, world.lead_org.pk): 1,
    }
    assert ev.in_name_only() == {}  # the wider partner signposted someone
