"""The ledger: what each partner gave and received, per pair, with the one-way-street flag."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import add_member, client_for, make_org
from joinedup.resources import actions, queries


def give(
    w: SimpleNamespace, giver: Any, receiver: Any, days_ago: int = 10, hours: str | None = "2"
) -> Any:
    return actions.exchange_record(
        by=None,
        partnership=w.partnership,
        giver=giver,
        receiver=receiver,
        kind="staff_time",
        description="Help",
        on=timezone.localdate() - dt.timedelta(days=days_ago),
        hours=Decimal(hours) if hours else None,
        value_pounds=Decimal("10"),
    )


def test_balances_match_the_exchanges_recorded(world: SimpleNamespace) -> None:
    orgs = [world.lead_org, world.core_org, world.wider_org]
    rng = random.Random(7)
    expected: dict[int, dict[str, Any]] = {
        o.pk: {"gave": 0, "received": 0, "hours_gave": Decimal(0)} for o in orgs
    }
    for _ in range(40):
        giver, receiver = rng.sample(orgs, 2)
        hours = str(rng.randint(1, 6))
        give(world, giver, receiver, days_ago=rng.randint(0, 300), hours=hours)
        expected[giver.pk]["gave"] += 1
        expected[giver.pk]["hours_gave"] += Decimal(hours)
        expected[receiver.pk]["received"] += 1
    today = timezone.localdate()
    report = queries.ledger(world.partnership, today - dt.timedelta(days=364), today)
    got = {
        r.organisation.pk: {
            "gave": r.gave.count,
            "received": r.received.count,
            "hours_gave": r.gave.hours,
        }
        for r in report.rows
    }
    assert got == expected
    assert sum(r.balance for r in report.rows) == 0
    assert sum(n for _, _, n, _ in report.pairs) == 40


def test_the_period_counts_only_exchanges_within_it(world: SimpleNamespace) -> None:
    give(world, world.lead_org, world.wider_org, days_ago=400)
    give(world, world.lead_org, world.wider_org, days_ago=5)
    today = timezone.localdate()
    recent = queries.ledger(world.partnership, today - dt.timedelta(days=30), today)
    lead = next(r for r in recent.rows if r.organisation == world.lead_org)
    assert (lead.gave.count, lead.gave.value) == (1, Decimal("10"))


def test_a_partner_that_only_receives_is_flagged_a_one_way_street(world: SimpleNamespace) -> None:
    for _ in range(3):
        give(world, world.lead_org, world.wider_org)
    give(world, world.core_org, world.lead_org)
    today = timezone.localdate()
    flags = {
        r.organisation.name: r.flag for r in queries.ledger(world.partnership, today, today).rows
    }
    assert flags["Hillside Food Bank"] == "receives and does not give"
    assert flags["Riverside Citizens Advice"] is None  # gave 3, received 1
    assert flags["Riverside Mind"] is None  # gave 1: not "much"


def test_the_ledger_page_shows_the_chart_and_table_and_names_a_bad_date(
    world: SimpleNamespace,
) -> None:
    give(world, world.lead_org, world.wider_org)
    client = client_for(world.will)
    page = client.get(reverse("ledger", args=[world.partnership.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="ledger-chart"' in body and "Hillside Food Bank" in body
    bad = client.get(reverse("ledger", args=[world.partnership.pk]), {"start": "last spring"})
    assert bad.status_code == 422
    assert "start" in bad.context["form"].errors


def test_the_ledger_page_keeps_its_query_budget(world: SimpleNamespace) -> None:
    client = client_for(world.lena)
    url = reverse("ledger", args=[world.partnership.pk])
    give(world, world.lead_org, world.wider_org)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(10):
        org = make_org(f"Partner {i}")
        add_member(world.partnership, org)
        give(world, org, world.lead_org)
        give(world, world.core_org, org)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_recording_a_gift_needs_two_members(world: SimpleNamespace) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot give to itself"):
        give(world, world.lead_org, world.lead_org)
    with pytest.raises(ValidationError, match="current member"):
        give(world, world.lead_org, world.outside_org)


def test_an_offerer_records_advice_as_given(world: SimpleNamespace) -> None:
    advice = actions.offer_create(
        by=world.cora,
        organisation=world.core_org,
        partnership=world.partnership,
        kind="expertise",
        title="Mental health first aid advice",
    )
    url = reverse("offer_give", args=[world.partnership.pk, advice.pk])
    assert client_for(world.will).post(url, {}).status_code == 403
    response = client_for(world.cora).post(
        url,
        {"receiver": world.wider_org.pk, "on": timezone.localdate().isoformat(), "hours": "1.5"},
    )
    assert response.status_code == 302
    exchange = world.partnership.exchanges.get()
    assert (exchange.giver, exchange.receiver, exchange.hours) == (
        world.core_org,
        world.wider_org,
        Decimal("1.5"),
    )
