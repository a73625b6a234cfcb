"""What makes a tie, from what members recorded: built through the apps' own actions, counted
by hand. Then the network page, its layer, its cache, its downloads and its API."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from joinedup.conftest import api_for, client_for
from joinedup.decisions import actions as decisions
from joinedup.health import network_picture
from joinedup.health.evidence import gather, network_ties
from joinedup.health.network import Network
from joinedup.health.tests import activity
from joinedup.partnerships import actions as partnership_actions
from joinedup.referrals.actions import signpost_record


def network(w: SimpleNamespace, *, meetings: bool = False) -> Network:
    found = gather([w.partnership])
    network_ties(found, meetings=meetings)
    return found[w.partnership.pk].network()


def pairs(net: Network) -> set[tuple[int, int]]:
    return {(t.a, t.b) for t in net.ties}


def pair(x: Any, y: Any) -> tuple[int, int]:
    return (min(x.pk, y.pk), max(x.pk, y.pk))


def test_meetings_together_make_no_tie_and_are_a_layer_counted_by_the_database(
    world: SimpleNamespace,
) -> None:
    lead, core, wider = world.lead_org, world.core_org, world.wider_org
    s = activity.series(world.partnership, "wider")
    for days in (90, 60, 30):
        activity.held(s, days, present=[lead, core, wider])
    activity.held(s, 10, present=[lead, wider], absent=[core])
    activity.held(s, 500, present=[lead, core])  # over a year ago
    net = network(world)
    assert net.ties == [] and net.meetings == []
    assert net.metrics.isolates == sorted(o.pk for o in (lead, core, wider))
    found = gather([world.partnership])
    with CaptureQueriesContext(connection) as ctx:
        network_ties(found, meetings=True)
    assert len(ctx.captured_queries) == 2  # decisions together; meetings together
    layered = found[world.partnership.pk].network()
    assert layered.ties == []  # still no tie
    assert sorted(layered.meetings) == sorted(
        [(*pair(lead, core), 3), (*pair(lead, wider), 4), (*pair(core, wider), 3)]
    )


def test_a_signposting_either_way_makes_a_tie(world: SimpleNamespace) -> None:
    signpost_record(
        partnership=world.partnership, by=None, from_org=world.wider_org, to_org=world.lead_org
    )
    net = network(world)
    [tie] = net.ties
    assert ((tie.a, tie.b), tie.referrals, tie.weight) == (
        pair(world.wider_org, world.lead_org),
        1,
        1,
    )
    assert net.metrics.isolates == [world.core_org.pk]


def speaks_for_the_wider_partner(w: SimpleNamespace) -> None:
    partnership_actions.membership_set_contacts(
        by=None, membership=w.wider_membership, contacts=[w.will]
    )


def test_agreeing_to_a_proposal_ties_to_its_proposer_but_two_positions_tie_nobody(
    world: SimpleNamespace,
) -> None:
    lead, core, wider = world.lead_org, world.core_org, world.wider_org
    speaks_for_the_wider_partner(world)
    # The core partner proposes; the lead and the wider partner both agree: each agreed to
    # the core partner's proposal, but sharing a position ties the lead to nobody else.
    activity.position(world.partnership, core, (world.lena, lead), (world.will, wider))
    assert pairs(network(world)) == {pair(core, lead), pair(core, wider)}


def test_positions_on_a_proposal_nobody_in_the_pair_made_are_no_tie(
    world: SimpleNamespace,
) -> None:
    lead, core, wider = world.lead_org, world.core_org, world.wider_org
    speaks_for_the_wider_partner(world)
    proposal = activity.position(world.partnership, lead, (world.cora, core))
    decisions.position_cast(
        by=world.will, proposal=proposal, organisation=wider, stance="object", reason="Too far"
    )
    # The core partner agreed with the lead: a tie. The wider partner objected: none, and no
    # tie between the core and wider partners for having both answered.
    net = network(world)
    [tie] = net.ties
    assert ((tie.a, tie.b), tie.decisions) == (pair(lead, core), 1)


def test_a_rating_of_1_makes_no_tie_and_a_rating_of_2_makes_one(world: SimpleNamespace) -> None:
    lead, core, wider = world.lead_org, world.core_org, world.wider_org
    activity.rated(world.partnership, core, wider, 1)
    activity.rated(world.partnership, wider, core, 1)
    assert network(world).ties == []
    activity.rated(world.partnership, lead, core, 2)
    [tie] = network(world).ties
    assert ((tie.a, tie.b), tie.levels) == (pair(lead, core), 2)


# The page


@pytest.fixture
def busy(world: SimpleNamespace) -> SimpleNamespace:
    return activity.busy(world)


def get(user: Any, name: str, w: SimpleNamespace, query: str = "") -> Any:
    return client_for(user).get(reverse(name, args=[w.partnership.pk]) + query)


def test_the_page_says_the_twelve_months_to_when(busy: SimpleNamespace) -> None:
    body = get(busy.will, "health_network", busy).content.decode()
    assert "twelve months to ." not in body
    assert f"twelve months to {date_format(timezone.localdate(), 'j F Y')}." in body


def test_the_page_states_the_broker_rule_and_names_the_brokers(world: SimpleNamespace) -> None:
    # A line: wider — lead — core. The lead is between the other two: betweenness 1.
    activity.exchange(world.partnership, world.lead_org, world.core_org)
    activity.exchange(world.partnership, world.wider_org, world.lead_org)
    body = get(world.cora, "health_network", world).content.decode()
    assert "<dt>Brokers</dt><dd>Riverside Citizens Advice</dd>" in body
    assert "has a betweenness above 0.1" in body
    assert body.count('<g class="node broker">') == 1


def test_the_meetings_layer_is_off_until_asked_for(busy: SimpleNamespace) -> None:
    body = get(busy.cora, "health_network", busy).content.decode()
    assert 'class="met"' not in body and "Meetings together" not in body
    response = get(busy.cora, "health_network", busy, "?layers=meetings")
    assert response.status_code == 200
    body = response.content.decode()
    # The lead and the core partner were at 4 meetings together in the year, the wider
    # partner at none: one dashed line, and the tie's count.
    assert body.count('<line class="met"') == 1
    assert '<th scope="col">Meetings together</th>' in body
    assert "<td>4</td><td>11</td>" in body  # meetings, then the weight they are no part of
    assert 'value="meetings" id="id_layers_0" checked' in body
    assert "network-ties.csv?layers=meetings" in body


def test_a_layer_that_does_not_exist_is_refused_naming_the_field(busy: SimpleNamespace) -> None:
    response = get(busy.cora, "health_network", busy, "?layers=gossip")
    assert response.status_code == 400
    assert "Select a valid choice. gossip is not one of the available choices." in (
        response.content.decode()
    )
    csv_response = get(busy.cora, "health_network_ties_csv", busy, "?layers=gossip")
    assert csv_response.status_code == 400
    assert csv_response.content.decode().startswith("layers:")
    api = api_for(busy.cora).get(
        f"/api/v1/partnerships/{busy.partnership.pk}/network?layers=gossip"
    )
    assert api.status_code == 422
    assert "layers" in str(api.json())


def test_the_picture_is_drawn_once_then_read_from_the_cache(
    busy: SimpleNamespace, monkeypatch: Any
) -> None:
    cache.clear()
    calls = []
    draw = network_picture.draw

    def counted(net: Network) -> dict[str, Any]:
        calls.append(net)
        return draw(net)

    monkeypatch.setattr(network_picture, "draw", counted)
    first = get(busy.cora, "health_network", busy).content.decode()
    second = get(busy.lena, "health_network", busy).content.decode()
    get(busy.lena, "health_network", busy, "?layers=meetings")
    get(busy.otis, "health_report", busy)
    assert len(calls) == 1
    svg = first[first.index("<svg class") : first.index("</svg>")]
    assert svg in second
    # New evidence is a new picture.
    activity.exchange(busy.partnership, busy.wider_org, busy.core_org)
    get(busy.cora, "health_network", busy)
    assert len(calls) == 2


def test_the_ties_download_carries_the_layer_when_asked(busy: SimpleNamespace) -> None:
    plain = get(busy.lena, "health_network_ties_csv", busy).content.decode()
    layered = get(busy.lena, "health_network_ties_csv", busy, "?layers=meetings").content.decode()
    header, row = list(csv.reader(io.StringIO(plain)))
    assert dict(zip(header, row, strict=True))["meetings"] == "0"
    header, row = list(csv.reader(io.StringIO(layered)))
    assert dict(zip(header, row, strict=True)) == {
        "from": "Riverside Citizens Advice",
        "to": "Riverside Mind",
        "weight": "11",
        "referrals": "0",
        "resources": "3",
        "decisions": "1",
        "levels": "7",
        "meetings": "4",
    }


def test_the_api_gives_the_meetings_layer_when_asked(busy: SimpleNamespace) -> None:
    api = api_for(busy.cora)
    url = f"/api/v1/partnerships/{busy.partnership.pk}/network"
    assert api.get(url).json()["meetings"] == []
    layered = api.get(url + "?layers=meetings").json()
    lead, core = busy.lead_org.pk, busy.core_org.pk
    assert layered["meetings"] == [{"a": min(lead, core), "b": max(lead, core), "meetings": 4}]
    assert layered["ties"][0]["meetings"] == 4
    assert layered["ties"][0]["weight"] == 11
