"""The partnership as a network: who works with whom, and how the work is spread.

Organisations are nodes (with their sector and how active they were); a tie joins two
organisations that did something together in the twelve months:

- **referrals** sent either way between them;
- **resources** exchanged either way (the ledger of `joinedup.resources`);
- **meetings** both attended (present at the same meeting);
- **ratings**: the collaboration level (0–5) each gave the other, when 1 or more.

A tie's weight is the sum of the four: referrals + exchanges + shared meetings + the levels
each side gave. The metrics are those of social network analysis, computed by networkx where it
has them:

- **density** (`networkx.density`): ties present ÷ ties possible, n(n−1)/2;
- **degree centralisation** (Freeman 1979; networkx has no function for it): how far the ties
  gather on one organisation. With d(v) the number of ties of v and d* the largest,

      C = Σ_v (d* − d(v)) / ((n − 1)(n − 2))        for n ≥ 3 (0 for smaller networks)

  The denominator is the sum for a star, the most centralised network, so C is 1 for a star
  and 0 when every organisation has as many ties as every other (a complete network, a ring);
- **reciprocity** (`networkx.reciprocity`) of the *directed* flows — referrals, exchanges and
  ratings from one organisation to another: the share of directed ties that go both ways;
- **betweenness** (`networkx.betweenness_centrality`, normalised, unweighted): the share of
  shortest paths between two others that pass through an organisation. Organisations with
  betweenness above 0 are **brokers**: others reach each other through them;
- **isolates** (`networkx.isolates`): members with no tie at all.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from joinedup.lib.spreadsheet import to_csv
from joinedup.partnerships.models import Sector


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    sector: str
    activity: int  # referrals and exchanges either way, meetings attended, positions taken


@dataclass
class Tie:
    """What two organisations did together; `a` < `b` by id."""

    a: int
    b: int
    referrals: int = 0
    resources: int = 0
    meetings: int = 0
    levels: int = 0  # the collaboration levels each gave the other, added

    @property
    def weight(self) -> int:
        return self.referrals + self.resources + self.meetings + self.levels


@dataclass
class Flows:
    """Directed counts between organisations, by (from id, to id)."""

    referrals: dict[tuple[int, int], int] = field(default_factory=dict)
    resources: dict[tuple[int, int], int] = field(default_factory=dict)
    ratings: dict[tuple[int, int], int] = field(default_factory=dict)  # latest level given
    meetings: dict[tuple[int, int], int] = field(default_factory=dict)  # undirected, a < b


@dataclass
class Metrics:
    nodes: int
    ties: int
    density: float
    centralisation: float
    reciprocity: float | None  # None when there are no directed flows
    betweenness: dict[int, float]
    brokers: list[int]
    isolates: list[int]


@dataclass
class Network:
    nodes: list[Node]
    ties: list[Tie]
    graph: nx.Graph
    directed: nx.DiGraph
    metrics: Metrics

    def node(self, node_id: int) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def degree(self, node_id: int) -> int:
        return int(self.graph.degree(node_id))


def _pair(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def build(nodes: Iterable[Node], flows: Flows) -> Network:
    """The network of `nodes`; flows touching an organisation not among them are left out."""
    ordered = sorted(nodes, key=lambda n: (n.name, n.id))
    ids = {n.id for n in ordered}
    ties: dict[tuple[int, int], Tie] = {}
    directed = nx.DiGraph()
    directed.add_nodes_from(ids)

    def tie(x: int, y: int) -> Tie:
        key = _pair(x, y)
        return ties.setdefault(key, Tie(*key))

    for kind, counts in (("referrals", flows.referrals), ("resources", flows.resources)):
        for (x, y), n in counts.items():
            if x in ids and y in ids and x != y and n > 0:
                t = tie(x, y)
                setattr(t, kind, getattr(t, kind) + n)
                directed.add_edge(x, y)
    for (x, y), level in flows.ratings.items():
        if x in ids and y in ids and x != y and level >= 1:
            tie(x, y).levels += level
            directed.add_edge(x, y)
    for (x, y), n in flows.meetings.items():
        if x in ids and y in ids and x != y and n > 0:
            tie(x, y).meetings += n

    graph = nx.Graph()
    for node in ordered:
        graph.add_node(node.id, name=node.name, sector=node.sector, activity=node.activity)
    for t in ties.values():
        graph.add_edge(
            t.a,
            t.b,
            weight=t.weight,
            referrals=t.referrals,
            resources=t.resources,
            meetings=t.meetings,
            levels=t.levels,
        )
    return Network(
        nodes=ordered,
        ties=sorted(ties.values(), key=lambda t: (-t.weight, t.a, t.b)),
        graph=graph,
        directed=directed,
        metrics=metrics(graph, directed),
    )


def degree_centralisation(graph: nx.Graph) -> float:
    """Freeman's degree centralisation: Σ (d* − d(v)) / ((n − 1)(n − 2)); 0 below 3 nodes."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def metrics(graph: nx.Graph, directed: nx.DiGraph | None = None) -> Metrics:
    betweenness = nx.betweenness_centrality(graph, normalized=True) if len(graph) else {}
    reciprocity = None
    if directed is not None and directed.number_of_edges():
        reciprocity = float(nx.reciprocity(directed))
    brokers = sorted(
        (v for v, b in betweenness.items() if b > 0), key=lambda v: (-betweenness[v], v)
    )
    return Metrics(
        nodes=graph.number_of_nodes(),
        ties=graph.number_of_edges(),
        density=float(nx.density(graph)) if len(graph) > 1 else 0.0,
        centralisation=degree_centralisation(graph),
        reciprocity=reciprocity,
        betweenness=betweenness,
        brokers=brokers,
        isolates=sorted(nx.isolates(graph)),
    )


# Colours for sectors, chosen to stay apart for common colour blindness (Okabe-Ito).
SECTOR_COLOURS: dict[str, str] = {
    Sector.VOLUNTARY: "#0072B2",
    Sector.COMMUNITY: "#009E73",
    Sector.STATUTORY: "#D55E00",
    Sector.SOCIAL_ENTERPRISE: "#CC79A7",
    Sector.FAITH: "#E69F00",
    Sector.PRIVATE: "#56B4E9",
}


PAD = 16  # above and below the circle, so that the largest circle is never cut


def picture(network: Network, margin: int = 190) -> dict[str, Any]:
    """Geometry for the SVG picture: nodes round a circle, grouped by sector and then by name
    (the same every time, so the picture is stable and a reader can find an organisation),
    radius growing with the square root of activity, lines as thick as the tie's weight allows.
    """
    order = sorted(network.nodes, key=lambda n: (n.sector, n.name, n.id))
    # Room for every label: the circle grows with the number of organisations.
    size = max(360, 26 * len(order))
    centre, radius = size / 2, size / 2 - 30
    top = max([1, *(n.activity for n in order)])
    at: dict[int, tuple[float, float]] = {}
    nodes = []
    for i, n in enumerate(order):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(order), 1)
        x = centre + (radius * math.cos(angle) if len(order) > 1 else 0)
        y = centre + (radius * math.sin(angle) if len(order) > 1 else 0)
        at[n.id] = (x, y)
        label_right = math.cos(angle) >= -1e-9
        nodes.append(
            {
                "id": n.id,
                "name": n.name,
                "sector": Sector(n.sector).label if n.sector in Sector.values else n.sector,
                "colour": SECTOR_COLOURS.get(n.sector, "#666666"),
                "x": round(x, 1),
                "y": round(y, 1),
                "r": round(6 + 14 * math.sqrt(n.activity / top), 1),
                "label_x": round(x + (18 if label_right else -18), 1),
                "label_y": round(y + 4, 1),
                "anchor": "start" if label_right else "end",
                "activity": n.activity,
                "isolate": n.id in network.metrics.isolates,
            }
        )
    heaviest = max([1, *(t.weight for t in network.ties)])
    lines = [
        {
            "x1": round(at[t.a][0], 1),
            "y1": round(at[t.a][1], 1),
            "x2": round(at[t.b][0], 1),
            "y2": round(at[t.b][1], 1),
            "width": round(1 + 4 * t.weight / heaviest, 1),
        }
        for t in network.ties
    ]
    sectors = sorted({n.sector for n in order})
    legend = [
        {
            "label": Sector(s).label if s in Sector.values else s,
            "colour": SECTOR_COLOURS.get(s, "#666666"),
        }
        for s in sectors
    ]
    return {
        "width": size + 2 * margin,
        "height": size + 2 * PAD,
        "offset": margin,
        "pad": PAD,
        "nodes": nodes,
        "lines": lines,
        "legend": legend,
    }


def graphml(network: Network) -> str:
    """The network as GraphML (for Gephi, yEd, igraph): node names, sectors and activity, and
    each tie's weight and what it is made of."""
    out = io.BytesIO()
    nx.write_graphml(network.graph, out, encoding="utf-8")
    return out.getvalue().decode("utf-8")


TIE_COLUMNS = ["from", "to", "weight", "referrals", "resources", "meetings", "levels"]
NODE_COLUMNS = ["organisation", "sector", "activity", "ties", "betweenness", "broker", "isolate"]


def ties_csv(network: Network) -> str:
    return to_csv(
        TIE_COLUMNS,
        (
            [
                network.node(t.a).name,
                network.node(t.b).name,
                t.weight,
                t.referrals,
                t.resources,
                t.meetings,
                t.levels,
            ]
            for t in network.ties
        ),
    )


def nodes_csv(network: Network) -> str:
    m = network.metrics
    return to_csv(
        NODE_COLUMNS,
        (
            [
                n.name,
                n.sector,
                n.activity,
                network.degree(n.id),
                f"{m.betweenness.get(n.id, 0.0):.3f}",
                "yes" if n.id in m.brokers else "no",
                "yes" if n.id in m.isolates else "no",
            ]
            for n in network.nodes
        ),
    )
