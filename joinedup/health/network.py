"""The partnership as a network: who works with whom, and how the work is spread.

Organisations are nodes (with their sector and how active they were). A **tie** joins two
organisations that *worked* together in the twelve months — any one of these makes it:

- **referrals**: a referral sent, or a signposting recorded, from one to the other, either way;
- **resources**: something exchanged either way (the ledger of `joinedup.resources`);
- **decisions**: one organisation made a proposal and the other agreed to it (its current
  position is "agree") — the pair carried a decision together. Two organisations that merely
  both gave a position on the same proposal are *not* tied by it;
- **ratings**: one rated its collaboration with the other at 2 ("cooperation") or more on the
  0–5 scale. A rating of 1 ("networking": we know each other) is no working relationship.

A tie's weight is the sum: referrals + exchanges + decisions + the levels (2 or more) each side
gave. Sitting in the same meeting is **not** a tie: it is a separate layer (`meetings`, the
number of meetings both attended), shown on request and left out of every figure, because in a
partnership that meets, everyone meets everyone, and the network would say nothing. The
**learning** layer is built the same way: two organisations one of whose people said, in an
event's anonymous feedback, that they connected with the other (`joinedup.events`), counted per
event; shown on request, left out of the weight and the metrics.

The metrics are those of social network analysis, computed by networkx where it has them:

- **density** (`networkx.density`): ties present ÷ ties possible, n(n−1)/2;
- **degree centralisation** (Freeman 1979; networkx has no function for it): how far the ties
  gather on one organisation. With d(v) the number of ties of v and d* the largest,

      C = Σ_v (d* − d(v)) / ((n − 1)(n − 2))        for n ≥ 3 (0 for smaller networks)

  The denominator is the sum for a star, the most centralised network, so C is 1 for a star
  and 0 when every organisation has as many ties as every other (a complete network, a ring);
- **reciprocity** (`networkx.reciprocity`) of the *directed* flows — referrals, exchanges and
  ratings of 2 or more from one organisation to another: the share of directed ties that go
  both ways;
- **betweenness** (`networkx.betweenness_centrality`, normalised, unweighted): the share of
  shortest paths between two others that pass through an organisation. Exact up to
  `EXACT_UP_TO` (500) organisations; beyond, it is estimated from the shortest paths of a
  sample of `SAMPLE` source organisations (networkx's `k`, seeded so that the same network
  gives the same figures), because the exact figure is O(n·m): 11 s at 2,000 organisations.
  The sample size is shown beside the figures (`Metrics.sample`). Past `EXACT_UP_TO` it is
  read from the stored figures (`joinedup.figures`), computed by their job, not on a request;
- **brokers** (`brokers`): the organisations in the **top decile** of betweenness — the
  ⌈n ÷ 10⌉ highest, with any equal to the lowest of them — whose betweenness is also **above
  0.1**, so that at least a tenth of the paths between others run through them. Others reach
  each other through a broker; a betweenness of 0.004 is no brokerage;
- **isolates** (`networkx.isolates`): members with no tie at all.

The picture is drawn by `health.network_picture`.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from django.core.cache import caches

from joinedup.lib.spreadsheet import to_csv

TIE_LEVEL = 2  # "cooperation": the lowest collaboration rating that is a working relationship
BROKER_SHARE = 0.1  # a broker's betweenness is above this…
BROKER_DECILE = 10  # …and among the top n ÷ this
EXACT_UP_TO = 500  # organisations: betweenness is exact up to here, sampled beyond
SAMPLE = 500  # source organisations sampled for betweenness beyond EXACT_UP_TO
# Betweenness already computed, with the shape (`shape_key`) of the network it was computed for.
Known = tuple[str, dict[int, float]]


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    sector: str
    activity: int  # referrals and exchanges either way, meetings attended, positions taken


@dataclass
class Tie:
    """What two organisations did together; `a` < `b` by id. `meetings` (both present) is the
    meetings layer: counted only when asked for, and never part of the weight."""

    a: int
    b: int
    referrals: int = 0
    resources: int = 0
    decisions: int = 0
    levels: int = 0  # the collaboration levels of 2 or more each gave the other, added
    meetings: int = 0
    learning: int = 0

    @property
    def weight(self) -> int:
        return self.referrals + self.resources + self.decisions + self.levels


@dataclass
class Flows:
    """Directed counts between organisations, by (from id, to id)."""

    referrals: dict[tuple[int, int], int] = field(default_factory=dict)
    resources: dict[tuple[int, int], int] = field(default_factory=dict)
    ratings: dict[tuple[int, int], int] = field(default_factory=dict)  # latest level given
    decisions: dict[tuple[int, int], int] = field(default_factory=dict)  # (proposer, supporter)
    meetings: dict[tuple[int, int], int] = field(default_factory=dict)  # undirected, a < b
    learning: dict[tuple[int, int], int] = field(default_factory=dict)  # undirected, a < b


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
    sample: int | None = None  # source organisations sampled for betweenness; None: exact


@dataclass
class Network:
    nodes: list[Node]
    ties: list[Tie]
    graph: nx.Graph
    directed: nx.DiGraph
    metrics: Metrics
    meetings: list[tuple[int, int, int]] = field(default_factory=list)  # (a, b, meetings)
    learning: list[tuple[int, int, int]] = field(default_factory=list)  # (a, b, events)

    def node(self, node_id: int) -> Node:
        if not hasattr(self, "_by_id"):
            self._by_id = {n.id: n for n in self.nodes}
        return self._by_id[node_id]

    def degree(self, node_id: int) -> int:
        return int(self.graph.degree(node_id))


def _pair(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def build(nodes: Iterable[Node], flows: Flows, known: Known | None = None) -> Network:
    """The network of `nodes`; flows touching an organisation not among them are left out.
    `flows.meetings` becomes the meetings layer, and the `meetings` count of a tie. `known`:
    betweenness already computed for a network of some shape (`metrics`)."""
    ordered = sorted(nodes, key=lambda n: (n.name, n.id))
    ids = {n.id for n in ordered}
    ties: dict[tuple[int, int], Tie] = {}
    directed = nx.DiGraph()
    directed.add_nodes_from(ids)

    def between(x: int, y: int) -> bool:
        return x in ids and y in ids and x != y

    def tie(x: int, y: int) -> Tie:
        key = _pair(x, y)
        return ties.setdefault(key, Tie(*key))

    for kind, counts in (("referrals", flows.referrals), ("resources", flows.resources)):
        for (x, y), n in counts.items():
            if between(x, y) and n > 0:
                t = tie(x, y)
                setattr(t, kind, getattr(t, kind) + n)
                directed.add_edge(x, y)
    for (x, y), n in flows.decisions.items():
        if between(x, y) and n > 0:
            tie(x, y).decisions += n
    for (x, y), level in flows.ratings.items():
        if between(x, y) and level >= TIE_LEVEL:
            tie(x, y).levels += level
            directed.add_edge(x, y)
    layer = []
    for (x, y), n in sorted(flows.meetings.items()):
        if between(x, y) and n > 0:
            layer.append((*_pair(x, y), n))
            if (tied := ties.get(_pair(x, y))) is not None:
                tied.meetings += n
    learning = []
    for (x, y), n in sorted(flows.learning.items()):
        if between(x, y) and n > 0:
            learning.append((*_pair(x, y), n))
            if (tied := ties.get(_pair(x, y))) is not None:
                tied.learning += n

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
            decisions=t.decisions,
            levels=t.levels,
            meetings=t.meetings,
        )
    return Network(
        nodes=ordered,
        ties=sorted(ties.values(), key=lambda t: (-t.weight, t.a, t.b)),
        graph=graph,
        directed=directed,
        metrics=metrics(graph, directed, known),
        meetings=layer,
        learning=learning,
    )


def degree_centralisation(graph: nx.Graph) -> float:
    """Freeman's degree centralisation: Σ (d* − d(v)) / ((n − 1)(n − 2)); 0 below 3 nodes."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def brokers(betweenness: dict[int, float]) -> list[int]:
    """The brokers, highest betweenness first: in the top decile of betweenness (the ⌈n ÷ 10⌉
    highest, and any equal to the lowest of them) *and* with betweenness above 0.1."""
    if not betweenness:
        return []
    ranked = sorted(betweenness.values(), reverse=True)
    cut = ranked[math.ceil(len(ranked) / BROKER_DECILE) - 1] - 1e-9
    return sorted(
        (v for v, b in betweenness.items() if b >= cut and b > BROKER_SHARE),
        key=lambda v: (-betweenness[v], v),
    )


def sample_size(graph: nx.Graph) -> int | None:
    """The number of source organisations betweenness is estimated from; None when exact."""
    return None if len(graph) <= EXACT_UP_TO else SAMPLE


def shape_key(graph: nx.Graph) -> str:
    """A fingerprint of the graph's nodes and ties: all betweenness depends on."""
    shape = [sorted(graph), sorted(_pair(a, b) for a, b in graph.edges()), sample_size(graph)]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:32]


def compute_betweenness(graph: nx.Graph) -> dict[int, float]:
    """Betweenness computed now: exact, or from a seeded sample past `EXACT_UP_TO`."""
    if not len(graph):
        return {}
    k = sample_size(graph)
    return dict(nx.betweenness_centrality(graph, k=k, normalized=True, seed=0 if k else None))


def betweenness(graph: nx.Graph) -> dict[int, float]:
    """Normalised betweenness, from the cache when this graph's nodes and ties have been seen:
    it takes most of a second for hundreds of members, and depends on nothing else. Past
    `EXACT_UP_TO` organisations it comes from the stored figures of the partnership whose
    network has this shape (computed by their job); computed here only when none has it."""
    if not len(graph):
        return {}
    key = "joinedup:betweenness:" + shape_key(graph)
    found = caches["local"].get(key)
    if found is not None:
        return dict(found)
    if sample_size(graph) is not None:
        from joinedup.figures.queries import stored_betweenness

        found = stored_betweenness(shape_key(graph))
    if found is None:
        found = compute_betweenness(graph)
    caches["local"].set(key, found, 60 * 60 * 24 * 30)
    return dict(found)


def overall_reciprocity(directed: nx.DiGraph) -> float:
    """The share of directed ties whose reverse is there too: `networkx.reciprocity` of the
    whole graph, which copies the graph to count it (half of building a network of 2,000
    organisations; issue 19). No self-loops here: `build` leaves them out."""
    edges = set(directed.edges())
    return sum((b, a) in edges for a, b in edges) / len(edges)


def metrics(
    graph: nx.Graph, directed: nx.DiGraph | None = None, known: Known | None = None
) -> Metrics:
    """The figures of the network; betweenness is taken from `known` when it was computed for
    a network of this very shape (the stored figures', `figures.queries.stored_evidence`),
    else from `betweenness`."""
    if known is not None and known[0] == shape_key(graph):
        betweenness_ = dict(known[1])
    else:
        betweenness_ = betweenness(graph)
    reciprocity = None
    if directed is not None and directed.number_of_edges():
        reciprocity = overall_reciprocity(directed)
    return Metrics(
        nodes=graph.number_of_nodes(),
        ties=graph.number_of_edges(),
        density=float(nx.density(graph)) if len(graph) > 1 else 0.0,
        centralisation=degree_centralisation(graph),
        reciprocity=reciprocity,
        betweenness=betweenness_,
        brokers=brokers(betweenness_),
        isolates=sorted(nx.isolates(graph)),
        sample=sample_size(graph),
    )


def graphml(network: Network) -> str:
    """The network as GraphML (for Gephi, yEd, igraph): node names, sectors and activity, and
    each tie's weight and what it is made of."""
    out = io.BytesIO()
    nx.write_graphml(network.graph, out, encoding="utf-8")
    return out.getvalue().decode("utf-8")


TIE_COLUMNS = [
    "from",
    "to",
    "weight",
    "referrals",
    "resources",
    "decisions",
    "levels",
    "meetings",
]
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
                t.decisions,
                t.levels,
                t.meetings,
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
