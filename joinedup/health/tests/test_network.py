"""Network metrics on small hand-drawn graphs: the expected figures are worked out by hand from
the definitions in `health.network`'s docstring, and checked against networkx as well."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest

from joinedup.health.network import (
    Flows,
    Network,
    Node,
    build,
    graphml,
    nodes_csv,
    picture,
    ties_csv,
)


def nodes(*ids: int, sector: str = "voluntary") -> list[Node]:
    return [Node(id=i, name=f"Org {i}", sector=sector, activity=i) for i in ids]


def network_of(edges: list[tuple[int, int]], ids: tuple[int, ...]) -> Network:
    """Each edge as one referral from its first organisation to its second."""
    return build(nodes(*ids), Flows(referrals={e: 1 for e in edges}))


def test_a_star_is_fully_centralised_and_its_hub_is_the_only_broker() -> None:
    net = network_of([(1, 2), (1, 3), (1, 4), (1, 5)], (1, 2, 3, 4, 5))
    m = net.metrics
    # 4 ties of the 10 possible.
    assert m.density == pytest.approx(0.4) == pytest.approx(nx.density(net.graph))
    # d* = 4; Σ(d* - d) = 0 + 3 x 4 = 12; (n - 1)(n - 2) = 4 x 3 = 12.
    assert m.centralisation == pytest.approx(1.0)
    # Every one of the 6 pairs of leaves goes through the hub.
    assert m.betweenness[1] == pytest.approx(1.0)
    assert m.betweenness == pytest.approx(nx.betweenness_centrality(net.graph))
    assert m.brokers == [1]
    assert m.isolates == []
    # No referral came back.
    assert m.reciprocity == pytest.approx(0.0)


def test_a_line_has_two_brokers_and_a_third_centralised() -> None:
    net = network_of([(1, 2), (2, 3), (3, 4)], (1, 2, 3, 4))
    m = net.metrics
    assert m.density == pytest.approx(3 / 6)
    # Degrees 1, 2, 2, 1; d* = 2; Σ = 1 + 0 + 0 + 1 = 2; (n - 1)(n - 2) = 6.
    assert m.centralisation == pytest.approx(2 / 6)
    # Node 2 sits between 1-3 and 1-4: 2 of the 3 pairs it is not part of.
    assert m.betweenness[2] == pytest.approx(2 / 3)
    assert m.betweenness[3] == pytest.approx(2 / 3)
    assert m.betweenness[1] == 0
    assert m.brokers == [2, 3]


def test_a_complete_network_is_dense_and_has_no_centre() -> None:
    edges = [(a, b) for a in range(1, 5) for b in range(1, 5) if a != b]
    net = network_of(edges, (1, 2, 3, 4))
    m = net.metrics
    assert m.density == pytest.approx(1.0)
    assert m.centralisation == pytest.approx(0.0)
    assert m.brokers == []
    # Every referral went both ways.
    assert m.reciprocity == pytest.approx(1.0) == pytest.approx(nx.reciprocity(net.directed))


def test_an_organisation_with_no_tie_is_an_isolate() -> None:
    net = network_of([(1, 2), (2, 3), (3, 1)], (1, 2, 3, 4))
    m = net.metrics
    assert m.isolates == [4] == sorted(nx.isolates(net.graph))
    assert m.density == pytest.approx(3 / 6)
    # Degrees 2, 2, 2, 0; d* = 2; Σ = 2; (n - 1)(n - 2) = 6.
    assert m.centralisation == pytest.approx(2 / 6)
    assert picture(net)["nodes"][3]["isolate"] is True


def test_reciprocity_is_the_share_of_directed_ties_returned() -> None:
    net = build(nodes(1, 2, 3), Flows(referrals={(1, 2): 2, (2, 1): 1, (1, 3): 4}))
    # Three directed ties (1→2, 2→1, 1→3), two of them reciprocated.
    assert net.metrics.reciprocity == pytest.approx(2 / 3)


def test_small_networks_are_not_centralised_and_no_flows_mean_no_reciprocity() -> None:
    net = build(nodes(1, 2), Flows(meetings={(1, 2): 3}))
    assert net.metrics.centralisation == 0.0
    assert net.metrics.density == pytest.approx(1.0)
    assert net.metrics.reciprocity is None  # shared meetings are ties, not directed flows


def test_a_tie_adds_referrals_resources_meetings_and_levels_both_ways() -> None:
    flows = Flows(
        referrals={(1, 2): 2, (2, 1): 1},
        resources={(2, 1): 3},
        meetings={(1, 2): 4},
        ratings={(1, 2): 3, (2, 1): 4, (1, 3): 0},
    )
    net = build(nodes(1, 2, 3), flows)
    [tie] = net.ties
    assert (tie.a, tie.b) == (1, 2)
    assert (tie.referrals, tie.resources, tie.meetings, tie.levels) == (3, 3, 4, 7)
    assert tie.weight == 17
    # A rating of 0 ("no interaction") is no tie.
    assert net.metrics.isolates == [3]


def test_flows_with_organisations_outside_the_network_are_left_out() -> None:
    net = build(nodes(1, 2), Flows(referrals={(1, 9): 5, (1, 2): 1}))
    assert [(t.a, t.b) for t in net.ties] == [(1, 2)]


def test_graphml_carries_names_sectors_and_weights() -> None:
    net = build(nodes(1, 2, 3), Flows(referrals={(1, 2): 2}, meetings={(2, 3): 1}))
    back = nx.read_graphml(io.BytesIO(graphml(net).encode()), node_type=int)
    assert set(back.nodes) == {1, 2, 3}
    assert back.nodes[1]["name"] == "Org 1"
    assert back.nodes[1]["sector"] == "voluntary"
    assert back.edges[1, 2]["weight"] == 2
    assert back.edges[2, 3]["meetings"] == 1


def test_csv_lists_ties_and_organisations_and_defuses_formulas() -> None:
    people = [
        Node(1, "=HYPERLINK(1)", "statutory", 3),
        Node(2, "Riverside Mind", "voluntary", 1),
    ]
    net = build(people, Flows(resources={(1, 2): 1}))
    ties = list(csv.reader(io.StringIO(ties_csv(net))))
    assert ties[0][:3] == ["from", "to", "weight"]
    assert ties[1][:3] == ["'=HYPERLINK(1)", "Riverside Mind", "1"]
    orgs = list(csv.reader(io.StringIO(nodes_csv(net))))
    assert [row[0] for row in orgs[1:]] == ["'=HYPERLINK(1)", "Riverside Mind"]


def test_the_picture_is_the_same_every_time_and_groups_sectors() -> None:
    people = [
        Node(1, "B", "voluntary", 2),
        Node(2, "A", "statutory", 8),
        Node(3, "C", "voluntary", 0),
    ]
    first = picture(build(people, Flows(referrals={(1, 2): 1})))
    again = picture(build(list(reversed(people)), Flows(referrals={(1, 2): 1})))
    assert first == again
    assert [n["name"] for n in first["nodes"]] == ["A", "B", "C"]  # statutory, then voluntary
    assert [entry["label"] for entry in first["legend"]] == ["Statutory", "Voluntary"]
    radius = {n["name"]: n["r"] for n in first["nodes"]}
    assert radius["A"] > radius["B"] > radius["C"]
