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
    brokers,
    build,
    graphml,
    nodes_csv,
    ties_csv,
)
from joinedup.health.network_picture import draw


def nodes(*ids: int, sector: str = "voluntary") -> list[Node]:
    return [Node(id=i, name=f"Org {i}", sector=sector, activity=i) for i in ids]


def network_of(edges: list[tuple[int, int]], ids: tuple[int, ...]) -> Network:
    """Each edge as one referral from its first organisation to its second."""
    return build(nodes(*ids), Flows(referrals={e: 1 for e in edges}))


# What makes a tie


def test_sitting_in_the_same_meetings_alone_makes_no_tie() -> None:
    net = build(nodes(1, 2, 3), Flows(meetings={(1, 2): 5, (2, 3): 1}))
    assert net.ties == []
    assert net.metrics.density == 0.0
    assert net.metrics.isolates == [1, 2, 3]
    # It is kept as its own layer, for the picture to draw on request.
    assert net.meetings == [(1, 2, 5), (2, 3, 1)]


def test_one_referral_either_way_makes_a_tie() -> None:
    net = build(nodes(1, 2, 3), Flows(referrals={(2, 1): 1}))
    [tie] = net.ties
    assert (tie.a, tie.b, tie.referrals, tie.weight) == (1, 2, 1, 1)
    assert net.metrics.isolates == [3]


def test_a_decision_carried_together_makes_a_tie() -> None:
    # Organisation 1 proposed; 2 agreed to it (twice over two proposals).
    net = build(nodes(1, 2, 3), Flows(decisions={(1, 2): 2}))
    [tie] = net.ties
    assert (tie.a, tie.b, tie.decisions, tie.weight) == (1, 2, 2, 2)


def test_a_rating_of_1_makes_no_tie_and_of_2_makes_one() -> None:
    net = build(nodes(1, 2, 3), Flows(ratings={(1, 2): 1, (3, 1): 0}))
    assert net.ties == []
    net = build(nodes(1, 2, 3), Flows(ratings={(1, 2): 1, (2, 1): 2}))
    [tie] = net.ties
    # Only the level of 2 counts; the 1 given the other way adds nothing.
    assert (tie.a, tie.b, tie.levels, tie.weight) == (1, 2, 2, 2)
    # And only the rating of 2 is a directed flow, not returned.
    assert net.metrics.reciprocity == pytest.approx(0.0)


def test_a_tie_adds_referrals_resources_decisions_and_levels_but_not_meetings() -> None:
    flows = Flows(
        referrals={(1, 2): 2, (2, 1): 1},
        resources={(2, 1): 3},
        decisions={(2, 1): 1},
        meetings={(1, 2): 4, (1, 3): 6},
        ratings={(1, 2): 3, (2, 1): 4, (1, 3): 1},
    )
    net = build(nodes(1, 2, 3), flows)
    [tie] = net.ties
    assert (tie.a, tie.b) == (1, 2)
    assert (tie.referrals, tie.resources, tie.decisions, tie.levels) == (3, 3, 1, 7)
    assert tie.weight == 3 + 3 + 1 + 7
    assert tie.meetings == 4  # shown with the tie, never weighed
    # Six meetings together and a rating of 1 ("networking") are not working together.
    assert net.metrics.isolates == [3]


def test_flows_with_organisations_outside_the_network_are_left_out() -> None:
    net = build(nodes(1, 2), Flows(referrals={(1, 9): 5, (1, 2): 1}, meetings={(2, 9): 3}))
    assert [(t.a, t.b) for t in net.ties] == [(1, 2)]
    assert net.meetings == []


# The figures


def test_density_is_ties_present_over_ties_possible() -> None:
    # Five organisations, 10 possible pairs; three ties.
    net = network_of([(1, 2), (2, 3), (4, 5)], (1, 2, 3, 4, 5))
    assert net.metrics.density == pytest.approx(3 / 10) == pytest.approx(nx.density(net.graph))


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


def test_on_a_line_only_the_middle_is_a_broker() -> None:
    net = network_of([(1, 2), (2, 3), (3, 4), (4, 5)], (1, 2, 3, 4, 5))
    m = net.metrics
    # Of the 6 pairs not including it, 3 lies between 4: {1, 2} x {4, 5}.
    assert m.betweenness[3] == pytest.approx(4 / 6)
    # 2 lies between 3: {1} x {3, 4, 5}; so does 4.
    assert m.betweenness[2] == m.betweenness[4] == pytest.approx(3 / 6)
    # The top decile of 5 is the 1 highest: only 3, though 2 and 4 are well above 0.1.
    assert m.brokers == [3]
    # Degrees 1, 2, 2, 2, 1; d* = 2; Σ = 2; (n - 1)(n - 2) = 12.
    assert m.centralisation == pytest.approx(2 / 12)


def test_equal_highest_betweenness_are_brokers_together() -> None:
    net = network_of([(1, 2), (2, 3), (3, 4)], (1, 2, 3, 4))
    m = net.metrics
    # 2 lies between 1-3 and 1-4: 2 of the 3 pairs it is not part of; 3 likewise.
    assert m.betweenness[2] == m.betweenness[3] == pytest.approx(2 / 3)
    assert m.brokers == [2, 3]


def test_the_bridge_of_a_barbell_is_its_two_brokers() -> None:
    # Two triangles, 1-2-3 and 4-5-6, joined by the tie 3-4.
    edges = [(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)]
    m = network_of(edges, (1, 2, 3, 4, 5, 6)).metrics
    # 3 lies between {1, 2} and {4, 5, 6}: 6 of the 10 pairs it is not part of.
    assert m.betweenness[3] == m.betweenness[4] == pytest.approx(6 / 10)
    assert m.betweenness[1] == 0
    assert m.brokers == [3, 4]


def test_a_little_betweenness_is_no_brokerage() -> None:
    # Twelve organisations all tied to each other, and a 13th tied to 1 and 2 only.
    edges = [(a, b) for a in range(1, 13) for b in range(a + 1, 13)] + [(13, 1), (13, 2)]
    m = network_of(edges, tuple(range(1, 14))).metrics
    # 13 reaches each of 3…12 in two steps, half the time through 1: 10 x 1/2 = 5 of the
    # 12 x 11 / 2 = 66 pairs.
    assert m.betweenness[1] == m.betweenness[2] == pytest.approx(5 / 66)
    # 1 and 2 are the top decile (the 2 highest of 13) but 0.076 is not above 0.1.
    assert m.brokers == []


def test_the_broker_rule_on_its_own() -> None:
    assert brokers({}) == []
    assert brokers({1: 0.0, 2: 0.0}) == []
    # 20 members: the top decile is the 2 highest, and 0.3 ties with the second.
    spread = {i: 0.01 * i for i in range(1, 18)} | {18: 0.3, 19: 0.3, 20: 0.5}
    assert brokers(spread) == [20, 18, 19]


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
    assert draw(net)["nodes"][3]["isolate"] is True


def test_reciprocity_is_the_share_of_directed_ties_returned() -> None:
    net = build(nodes(1, 2, 3), Flows(referrals={(1, 2): 2, (2, 1): 1, (1, 3): 4}))
    # Three directed ties (1→2, 2→1, 1→3), two of them reciprocated.
    assert net.metrics.reciprocity == pytest.approx(2 / 3)


def test_small_networks_are_not_centralised_and_no_flows_mean_no_reciprocity() -> None:
    net = build(nodes(1, 2), Flows(decisions={(1, 2): 3}))
    assert net.metrics.centralisation == 0.0
    assert net.metrics.density == pytest.approx(1.0)
    assert net.metrics.reciprocity is None  # a decision together is a tie, not a flow


# Downloads


def test_graphml_carries_names_sectors_and_weights() -> None:
    net = build(nodes(1, 2, 3), Flows(referrals={(1, 2): 2}, decisions={(3, 2): 1}))
    back = nx.read_graphml(io.BytesIO(graphml(net).encode()), node_type=int)
    assert set(back.nodes) == {1, 2, 3}
    assert back.nodes[1]["name"] == "Org 1"
    assert back.nodes[1]["sector"] == "voluntary"
    assert back.edges[1, 2]["weight"] == 2
    assert back.edges[2, 3]["decisions"] == 1


def test_csv_lists_ties_and_organisations_and_defuses_formulas() -> None:
    people = [
        Node(1, "=HYPERLINK(1)", "statutory", 3),
        Node(2, "Riverside Mind", "voluntary", 1),
    ]
    net = build(people, Flows(resources={(1, 2): 1}, meetings={(1, 2): 2}))
    ties = list(csv.reader(io.StringIO(ties_csv(net))))
    assert ties[0] == [
        "from",
        "to",
        "weight",
        "referrals",
        "resources",
        "decisions",
        "levels",
        "meetings",
    ]
    assert ties[1] == ["'=HYPERLINK(1)", "Riverside Mind", "1", "0", "1", "0", "0", "2"]
    orgs = list(csv.reader(io.StringIO(nodes_csv(net))))
    assert [row[0] for row in orgs[1:]] == ["'=HYPERLINK(1)", "Riverside Mind"]


def test_reciprocity_counted_without_copying_the_graph_is_networkxs() -> None:
    """`overall_reciprocity` counts mutual ties itself (networkx copies the graph to count
    them); on a random directed network it gives networkx's figure."""
    import random

    from joinedup.health.network import overall_reciprocity

    rng = random.Random(7)
    graph = nx.DiGraph()
    graph.add_edges_from((a, b) for a, b in (rng.sample(range(60), 2) for _ in range(400)))
    assert overall_reciprocity(graph) == pytest.approx(nx.reciprocity(graph))
    assert 0 < overall_reciprocity(graph) < 1
