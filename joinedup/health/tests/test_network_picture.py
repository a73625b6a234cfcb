"""The network picture: deterministic, clusters apart, labels clear of each other, drawn once
per state of the network."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.core.cache import cache

from joinedup.health import network_picture
from joinedup.health.network import Flows, Network, Node, build
from joinedup.health.network_picture import CHAR, LINE, WIDTH, draw, fingerprint, picture

# The picture is cached in the shared (database) cache.
pytestmark = pytest.mark.django_db


def clusters(sizes: list[int], isolates: int = 0, name: str = "Organisation") -> Network:
    """Groups of organisations tied to each other within the group, the groups joined in a
    chain by one tie, then `isolates` with no tie. Long names, to test the labels."""
    people, referrals, first = [], {}, 1
    heads = []
    for size in sizes:
        group = list(range(first, first + size))
        heads.append(group[0])
        for a, b in itertools.combinations(group, 2):
            referrals[(a, b)] = 1
        first += size
    for a, b in itertools.pairwise(heads):
        referrals[(a, b)] = 1
    sectors = ["voluntary", "statutory", "community", "faith"]
    for i in range(1, first + isolates):
        people.append(Node(i, f"{name} number {i} of the county", sectors[i % 4], i % 7))
    return build(people, Flows(referrals=referrals))


def label_box(n: dict[str, Any]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a node's label, as the template draws it."""
    w = len(n["label"]) * CHAR
    left = {"start": n["label_x"], "end": n["label_x"] - w, "middle": n["label_x"] - w / 2}[
        n["anchor"]
    ]
    top = n["label_y"] + 4 - LINE
    return (left, top, left + w, top + LINE)


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def circle_box(n: dict[str, Any]) -> tuple[float, float, float, float]:
    return (n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"])


@pytest.mark.parametrize(("sizes", "isolates"), [([2], 0), ([8, 6, 5, 3, 2], 6), ([12] * 5, 10)])
def test_no_label_overlaps_another_label_or_a_circle(sizes: list[int], isolates: int) -> None:
    drawn = draw(clusters(sizes, isolates))
    nodes = drawn["nodes"]
    assert drawn["unlabelled"] == [] and all(n["labelled"] for n in nodes)
    labels = [label_box(n) for n in nodes]
    for (i, a), (j, b) in itertools.combinations(enumerate(labels), 2):
        assert not overlap(a, b), (nodes[i]["name"], nodes[j]["name"])
    for i, a in enumerate(labels):
        assert a[0] >= 0 and a[2] <= drawn["width"], nodes[i]["name"]
        for j, n in enumerate(nodes):
            assert not overlap(a, circle_box(n)), (nodes[i]["name"], nodes[j]["name"])
    assert all(n["y"] - n["r"] >= 0 and n["y"] + n["r"] <= drawn["height"] for n in nodes)


def test_in_a_crowd_a_label_with_no_room_is_left_out_and_said_so() -> None:
    # 200 organisations with 36-character labels, each tied to ten others.
    drawn = draw(clusters([10] * 20, name="A long-named organisation"))
    nodes = [n for n in drawn["nodes"] if n["labelled"]]
    assert len(nodes) + len(drawn["unlabelled"]) == 200
    assert len(nodes) > 150
    labels = [label_box(n) for n in nodes]
    for (i, a), (j, b) in itertools.combinations(enumerate(labels), 2):
        assert not overlap(a, b), (nodes[i]["name"], nodes[j]["name"])
    assert drawn["width"] <= WIDTH * 1.1  # taller, not much wider


def test_groups_are_drawn_apart_and_isolates_below() -> None:
    net = build(
        [Node(i, f"Org {i}", "voluntary", 1) for i in range(1, 10)],
        Flows(referrals={(1, 2): 1, (2, 3): 1, (1, 3): 1, (4, 5): 1, (5, 6): 1, (4, 6): 1}),
    )
    at = {n["id"]: n for n in draw(net)["nodes"]}

    def box(ids: list[int]) -> tuple[float, float, float, float]:
        return (
            min(at[i]["x"] for i in ids),
            min(at[i]["y"] for i in ids),
            max(at[i]["x"] for i in ids),
            max(at[i]["y"] for i in ids),
        )

    assert not overlap(box([1, 2, 3]), box([4, 5, 6]))
    assert min(at[i]["y"] for i in (7, 8, 9)) > max(at[i]["y"] for i in range(1, 7))
    assert [at[i]["isolate"] for i in (6, 7)] == [False, True]


def test_the_picture_is_the_same_every_time() -> None:
    people = [Node(1, "B", "voluntary", 2), Node(2, "A", "statutory", 8), Node(3, "C", "faith", 0)]
    flows = Flows(referrals={(1, 2): 1, (2, 3): 1})
    first = draw(build(people, flows))
    assert first == draw(build(list(reversed(people)), flows))
    assert [entry["label"] for entry in first["legend"]] == ["Faith", "Statutory", "Voluntary"]
    radius = {n["name"]: n["r"] for n in first["nodes"]}
    assert radius["A"] > radius["B"] > radius["C"]  # sized by activity
    assert first["width"] == WIDTH


def test_a_long_name_is_cut_in_the_label_and_whole_in_the_title() -> None:
    name = "The Wyre Forest and District Youth Homelessness Prevention Partnership Trust"
    [node] = draw(build([Node(1, name, "voluntary", 1)], Flows()))["nodes"]
    assert node["name"] == name
    assert node["label"].endswith("…") and len(node["label"]) < len(name)


def test_the_picture_is_drawn_once_per_state_of_the_network(monkeypatch: Any) -> None:
    cache.clear()
    calls: list[Network] = []

    def counted(network: Network) -> dict[str, Any]:
        calls.append(network)
        return draw(network)

    monkeypatch.setattr(network_picture, "draw", counted)
    net = clusters([4, 3], 1)
    first = picture(net, key="7")
    again = picture(clusters([4, 3], 1), key="7")
    assert len(calls) == 1
    assert again == first
    # The meetings layer is drawn from the cached places, without drawing again.
    with_meetings = build(net.nodes, Flows(referrals=_referrals(net), meetings={(1, 8): 2}))
    assert fingerprint(with_meetings) == fingerprint(net)
    layered = picture(with_meetings, key="7")
    assert len(calls) == 1
    [line] = layered["meetings"]
    one, eight = (n for n in first["nodes"] if n["id"] in (1, 8))
    assert (line["x1"], line["y1"], line["x2"], line["y2"]) == (
        one["x"],
        one["y"],
        eight["x"],
        eight["y"],
    )
    # A new tie is a new state: drawn again.
    more = build(net.nodes, Flows(referrals=_referrals(net) | {(1, 8): 1}))
    picture(more, key="7")
    assert len(calls) == 2


def _referrals(net: Network) -> dict[tuple[int, int], int]:
    return {(t.a, t.b): t.referrals for t in net.ties}


def test_the_meetings_layer_draws_the_pairs_that_met_most(monkeypatch: Any) -> None:
    monkeypatch.setattr(network_picture, "MEETING_LINES", 2)
    met = {(1, 2): 1, (1, 3): 5, (2, 3): 3, (3, 4): 5}
    net = build([Node(i, f"Org {i}", "voluntary", 1) for i in range(1, 5)], Flows(meetings=met))
    drawn = picture(net, key="meetings")
    at = {n["id"]: (n["x"], n["y"]) for n in drawn["nodes"]}
    ends = {((m["x1"], m["y1"]), (m["x2"], m["y2"])) for m in drawn["meetings"]}
    assert ends == {(at[1], at[3]), (at[3], at[4])}  # five meetings each
    assert drawn["meeting_pairs"] == 4
