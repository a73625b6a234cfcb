"""The network picture: where each organisation's circle and label go, as SVG geometry.

The picture (`picture`) is a force-directed layout (networkx's `spring_layout`, seeded, so the
same network is drawn the same way every time) of each group of connected organisations,
packed side by side, with the isolates in a row below and a pass that places every label where
it overlaps no other label and no circle. It takes from milliseconds to a second or more, so it
is computed once for each state of the network and kept in Django's cache under a fingerprint
of what it draws (`fingerprint`): any new tie, weight, member, name or activity changes the
fingerprint and so draws afresh, and nothing has to remember to forget it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from django.core.cache import cache

from joinedup.health.network import Network
from joinedup.partnerships.models import Sector

# Colours for sectors, chosen to stay apart for common colour blindness (Okabe-Ito).
SECTOR_COLOURS: dict[str, str] = {
    Sector.VOLUNTARY: "#0072B2",
    Sector.COMMUNITY: "#009E73",
    Sector.STATUTORY: "#D55E00",
    Sector.SOCIAL_ENTERPRISE: "#CC79A7",
    Sector.FAITH: "#E69F00",
    Sector.PRIVATE: "#56B4E9",
}

# The picture's geometry, in the SVG's own units. The SVG is drawn WIDTH units wide, which is
# its width in CSS pixels on a wide screen (`.network` in joinedup.css), so a FONT-unit label
# is a FONT-pixel label there.
WIDTH = 1024
FONT = 13
CHAR = 0.6 * FONT  # a generous average width of a character, so that estimates err wide
LABEL = 36  # characters of a name shown; the full name is in the circle's title
LINE = FONT + 4  # a label's height
GAP = 4  # between a circle and its label, and between labels
MARGIN = 8
SEED = 14  # the layout's random seed: the same network is drawn the same way every time
LAYOUT_VERSION = 1  # raise to draw every cached picture afresh after changing the layout


def label_of(name: str) -> str:
    return name if len(name) <= LABEL else name[: LABEL - 1] + "…"


def radius(activity: int, top: int) -> float:
    """6 to 20 units, the area growing with activity."""
    return round(6 + 14 * math.sqrt(activity / max(top, 1)), 1)


def fingerprint(network: Network) -> str:
    """A digest of everything the picture shows but the meetings layer: members, names,
    sectors, activity and ties with their weights."""
    data = [
        LAYOUT_VERSION,
        [(n.id, n.name, n.sector, n.activity) for n in network.nodes],
        [(t.a, t.b, t.weight) for t in sorted(network.ties, key=lambda t: (t.a, t.b))],
        sorted(network.metrics.brokers),
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


CACHE_SECONDS = 60 * 60 * 24 * 30  # a state of the network nobody asks for again just expires


def picture(network: Network, key: str = "") -> dict[str, Any]:
    """Geometry for the SVG picture, from the cache when this state of the network (its
    `fingerprint`, under `key`, say the partnership) has been drawn before; then the meetings
    layer's lines, which are only straight lines between circles already placed."""
    cache_key = f"joinedup:network-picture:{key}:{fingerprint(network)}"
    drawn = cache.get(cache_key)
    if drawn is None:
        drawn = draw(network)
        cache.set(cache_key, drawn, CACHE_SECONDS)
    at = {n["id"]: (n["x"], n["y"]) for n in drawn["nodes"]}
    return {
        **drawn,
        "meetings": [
            {"x1": at[a][0], "y1": at[a][1], "x2": at[b][0], "y2": at[b][1]}
            for a, b, _ in network.meetings
            if a in at and b in at
        ],
    }


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float

    def hits(self, other: _Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )


class _Room:
    """Boxes already taken, in a grid of buckets so that a test looks only nearby."""

    CELL = 64.0

    def __init__(self) -> None:
        self.buckets: dict[tuple[int, int], list[_Box]] = {}

    def _cells(self, b: _Box) -> Iterable[tuple[int, int]]:
        for i in range(int(b.x // self.CELL), int((b.x + b.w) // self.CELL) + 1):
            for j in range(int(b.y // self.CELL), int((b.y + b.h) // self.CELL) + 1):
                yield (i, j)

    def free(self, b: _Box) -> bool:
        return not any(b.hits(o) for c in self._cells(b) for o in self.buckets.get(c, ()))

    def take(self, b: _Box) -> None:
        for c in self._cells(b):
            self.buckets.setdefault(c, []).append(b)


def _unit_layout(graph: nx.Graph) -> dict[int, tuple[float, float]]:
    """Each node of a connected graph at a place in [-1, 1]²: spring_layout, seeded, started
    from kamada_kawai (whose distances keep clusters apart) for graphs small enough."""
    if len(graph) == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    if len(graph) == 2:
        a, b = sorted(graph)
        return {a: (-1.0, 0.0), b: (1.0, 0.0)}
    if len(graph) <= 120:
        pos = nx.kamada_kawai_layout(graph, weight=None)
    else:
        pos = nx.spring_layout(
            graph, seed=SEED, iterations=200, weight=None, k=1.6 / math.sqrt(len(graph))
        )
    xy = np.array([pos[v] for v in graph])
    xy -= xy.mean(axis=0)
    xy /= max(float(np.abs(xy).max()), 1e-9)
    return {v: (float(p[0]), float(p[1])) for v, p in zip(graph, xy, strict=True)}


def _spread(xy: np.ndarray, r: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Push apart circles that would touch, keeping at least GAP + a label's height between
    their edges, a little at a time so that the layout keeps its shape."""
    xy = xy.copy()
    need = r[:, None] + r[None, :] + LINE + GAP
    for _ in range(rounds):
        d = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((d**2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        short = np.clip(need - dist, 0, None)
        if not short.any():
            break
        dist = np.where(np.isfinite(dist) & (dist > 1e-6), dist, 1e-6)
        push = (d / dist[:, :, None]) * (short / 2)[:, :, None]
        xy += push.sum(axis=1)
    return xy


def draw(network: Network) -> dict[str, Any]:
    """Lay the network out and place its labels; see the module's docstring. Every label is
    placed clear of every other label and circle: when one does not fit, the groups are drawn
    larger and the labels placed again."""
    top = max([1, *(n.activity for n in network.nodes)])
    r = {n.id: radius(n.activity, top) for n in network.nodes}
    text = {n.id: label_of(n.name) for n in network.nodes}
    isolates = set(network.metrics.isolates)
    groups = sorted(
        (sorted(c) for c in nx.connected_components(network.graph) if len(c) > 1),
        key=lambda c: (-len(c), c),
    )
    units = [_unit_layout(network.graph.subgraph(c)) for c in groups]
    # Room for a circle and its label, per organisation: the unit square becomes a rectangle
    # of about that area per member.
    per_node = 3.0 * (14 * CHAR + 2 * GAP) * (LINE + 24)
    scale = 1.0
    for _ in range(12):
        at, height = _pack(units, r, scale, per_node)
        labels = _place_labels(network, at, r, text, isolates)
        if labels is not None:
            break
        scale *= 1.2
    else:  # pragma: no cover - twelve enlargements have always been enough
        raise RuntimeError("no room for the network's labels")
    height = _isolates(network, isolates, r, text, at, labels, height)
    bottom = max([height, *(y + r[v] for v, (_, y) in at.items())])
    bottom = max([bottom, *(b.y + b.h for b, _ in labels.values())])
    heaviest = max([1, *(t.weight for t in network.ties)])
    sectors = sorted({n.sector for n in network.nodes})
    brokers_ = set(network.metrics.brokers)
    return {
        "width": WIDTH,
        "height": round(bottom + MARGIN),
        "nodes": [
            {
                "id": n.id,
                "name": n.name,
                "label": text[n.id],
                "sector": Sector(n.sector).label if n.sector in Sector.values else n.sector,
                "colour": SECTOR_COLOURS.get(n.sector, "#666666"),
                "x": round(at[n.id][0], 1),
                "y": round(at[n.id][1], 1),
                "r": r[n.id],
                "label_x": round(labels[n.id][1][0], 1),
                "label_y": round(labels[n.id][1][1], 1),
                "anchor": labels[n.id][1][2],
                "activity": n.activity,
                "ties": network.degree(n.id),
                "isolate": n.id in isolates,
                "broker": n.id in brokers_,
            }
            for n in network.nodes
        ],
        "lines": [
            {
                "x1": round(at[t.a][0], 1),
                "y1": round(at[t.a][1], 1),
                "x2": round(at[t.b][0], 1),
                "y2": round(at[t.b][1], 1),
                "width": round(1 + 4 * t.weight / heaviest, 1),
            }
            for t in network.ties
        ],
        "isolates_y": round(_isolates_top(at, labels, isolates), 1) if isolates else None,
        "legend": [
            {
                "label": Sector(s).label if s in Sector.values else s,
                "colour": SECTOR_COLOURS.get(s, "#666666"),
            }
            for s in sectors
        ],
    }


def _pack(
    units: list[dict[int, tuple[float, float]]],
    r: dict[int, float],
    scale: float,
    per_node: float,
) -> tuple[dict[int, tuple[float, float]], float]:
    """Each group scaled to its area and placed in rows, left to right, largest first; the
    circles spread so that none touches another. Returns the places and the rows' bottom."""
    at: dict[int, tuple[float, float]] = {}
    x0, y0, row_height = 0.0, 0.0, 0.0
    usable = WIDTH - 2 * MARGIN
    for unit in units:
        ids = list(unit)
        area = per_node * len(ids) * scale**2
        w = min(usable - 2 * 14 * CHAR, math.sqrt(area))
        w = max(w, 2 * LINE) if len(ids) > 1 else 0.0
        h = area / w if w else 0.0
        if len(ids) == 2:
            w, h = 2 * max(r[v] for v in ids) + LINE + 6 * CHAR * scale, 0.0
        xy = np.array([((unit[v][0] + 1) / 2 * w, (unit[v][1] + 1) / 2 * h) for v in ids])
        xy = _spread(xy, np.array([r[v] for v in ids]))
        xy -= xy.min(axis=0)
        span_w, span_h = xy.max(axis=0)
        # Room on either side for labels, above and below for a circle and a label.
        box_w = span_w + 2 * (14 * CHAR)
        box_h = span_h + 2 * (20 + LINE + GAP)
        if x0 > 0 and x0 + box_w > usable:
            x0, y0, row_height = 0.0, y0 + row_height, 0.0
        left = MARGIN + x0 + 14 * CHAR
        if len(units) == 1 or (x0 == 0 and box_w >= usable * 0.6):
            left = MARGIN + (usable - span_w) / 2  # a group alone on its row is centred
        for v, (x, y) in zip(ids, xy, strict=True):
            at[v] = (float(left + x), float(MARGIN + y0 + 20 + LINE + GAP + y))
        x0 += box_w
        row_height = max(row_height, box_h)
    return at, y0 + row_height


def _place_labels(
    network: Network,
    at: dict[int, tuple[float, float]],
    r: dict[int, float],
    text: dict[int, str],
    isolates: set[int],
) -> dict[int, tuple[_Box, tuple[float, float, str]]] | None:
    """A place for each connected organisation's label beside its circle — right, left, above,
    below, then the corners — clear of every circle and every label placed before it; the
    busiest organisations choose first. None when one does not fit."""
    room = _Room()
    for v, (x, y) in at.items():
        room.take(_Box(x - r[v], y - r[v], 2 * r[v], 2 * r[v]))
    placed: dict[int, tuple[_Box, tuple[float, float, str]]] = {}
    order = sorted(at, key=lambda v: (-network.degree(v), -r[v], text[v], v))
    for v in order:
        x, y = at[v]
        w, h, d = len(text[v]) * CHAR, LINE, r[v] + GAP
        # (box left, box top) and where the text's baseline starts, for each candidate.
        candidates = [
            (x + d, y - h / 2, "start"),
            (x - d - w, y - h / 2, "end"),
            (x - w / 2, y - d - h, "middle"),
            (x - w / 2, y + d, "middle"),
            (x + d * 0.7, y - d * 0.7 - h, "start"),
            (x + d * 0.7, y + d * 0.7, "start"),
            (x - d * 0.7 - w, y - d * 0.7 - h, "end"),
            (x - d * 0.7 - w, y + d * 0.7, "end"),
        ]
        for left, top, anchor in candidates:
            box = _Box(left, top, w, h)
            if left < 0 or left + w > WIDTH or top < 0 or not room.free(box):
                continue
            room.take(_Box(left - GAP / 2, top - GAP / 2, w + GAP, h + GAP))
            tx = {"start": left, "end": left + w, "middle": left + w / 2}[anchor]
            placed[v] = (box, (tx, top + h - 4, anchor))
            break
        else:
            return None
    return placed


def _isolates_top(
    at: dict[int, tuple[float, float]],
    labels: dict[int, tuple[_Box, tuple[float, float, str]]],
    isolates: set[int],
) -> float:
    others = [v for v in at if v not in isolates]
    bottom = max([0.0, *(at[v][1] + 20 for v in others), *(labels[v][0].y + LINE for v in others)])
    return bottom + 2 * LINE


def _isolates(
    network: Network,
    isolates: set[int],
    r: dict[int, float],
    text: dict[int, str],
    at: dict[int, tuple[float, float]],
    labels: dict[int, tuple[_Box, tuple[float, float, str]]],
    height: float,
) -> float:
    """The organisations with no tie, in rows below the rest, each label to its circle's
    right, under a heading drawn by the template at `isolates_y`. Returns the new bottom."""
    if not isolates:
        return height
    y = _isolates_top(at, labels, isolates) + LINE
    x = float(MARGIN)
    row = 0.0
    for n in network.nodes:
        if n.id not in isolates:
            continue
        w = 2 * r[n.id] + GAP + len(text[n.id]) * CHAR + 3 * GAP
        if x > MARGIN and x + w > WIDTH - MARGIN:
            x, y = MARGIN, y + row
            row = 0.0
        row = max(row, 2 * max(r[n.id], LINE / 2) + GAP)
        cx, cy = x + r[n.id], y + max(r[n.id], LINE / 2)
        at[n.id] = (cx, cy)
        left = cx + r[n.id] + GAP
        labels[n.id] = (
            _Box(left, cy - LINE / 2, len(text[n.id]) * CHAR, LINE),
            (left, cy + LINE / 2 - 4, "start"),
        )
        x += w
    return y + row
