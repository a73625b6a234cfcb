"""The network picture: where each organisation's circle and label go, as SVG geometry.

The picture (`picture`) is a force-directed layout of each group of connected organisations —
networkx's `kamada_kawai_layout` up to 50 members, its seeded `spring_layout` beyond, so the
same network is drawn the same way every time — packed side by side, with the isolates in rows
below, and a pass that places every label where it overlaps no other label and no circle. It
takes from a tenth of a second to a few seconds, so it is computed once for each state of the
network and kept in Django's cache under a fingerprint of what it draws (`fingerprint`): any
new tie, weight, member, name or activity changes the fingerprint and so draws afresh, and
nothing has to remember to forget it. The rendered SVG is cached by the template the same way.
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
# Raise when `_network_picture.html` changes: the rendered SVG is kept in the shared (database)
# cache under the picture's key, which survives a deploy.
SVG_VERSION = 2


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


# The meetings layer draws the pairs that met most often, up to this many: in a partnership
# that meets, nearly every pair met, and thousands of lines would hide each other.
MEETING_LINES = 200
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
    often = sorted(network.meetings, key=lambda m: (-m[2], m[0], m[1]))[:MEETING_LINES]
    meetings = [
        {"x1": at[a][0], "y1": at[a][1], "x2": at[b][0], "y2": at[b][1]}
        for a, b, _ in often
        if a in at and b in at
    ]
    layer = hashlib.sha256(json.dumps([len(network.meetings), often]).encode()).hexdigest()[:16]
    return {
        **drawn,
        # Made only when the SVG is rendered, not when its cached fragment is used.
        "tie_paths": _TiePaths(drawn["lines"]),
        "meetings": meetings,
        "meeting_pairs": len(network.meetings),
        # What the rendered SVG depends on, for the template's fragment cache.
        "key": f"{cache_key}:{layer if network.meetings else ''}:{SVG_VERSION}",
    }


def tie_paths(lines: list[dict[str, float]]) -> list[dict[str, Any]]:
    """The ties as one SVG path per stroke width, thinnest first (so heavier ties are drawn
    over lighter ones): a tie is `M x1 y1 L x2 y2` in its width's path, about a third of the
    bytes of a `<line>` element each (issue 19: the picture was most of the page)."""
    by_width: dict[float, list[str]] = {}
    for line in lines:
        by_width.setdefault(line["width"], []).append(
            f"M{line['x1']:g} {line['y1']:g}L{line['x2']:g} {line['y2']:g}"
        )
    return [{"width": w, "d": "".join(by_width[w])} for w in sorted(by_width)]


@dataclass
class _TiePaths:
    """`tie_paths` of the lines, made when the template calls it: only when it renders the
    SVG, not when it uses the SVG's cached fragment."""

    lines: list[dict[str, float]]

    def __call__(self) -> list[dict[str, Any]]:
        return tie_paths(self.lines)


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
    """Each node of a connected graph at a place in [-1, 1]²: Kamada–Kawai (which spaces
    nodes evenly and keeps clusters apart) up to 50 nodes; above, where it grows slow,
    Fruchterman–Reingold (`spring_layout`), seeded."""
    if len(graph) == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    if len(graph) == 2:
        a, b = sorted(graph)
        return {a: (-1.0, 0.0), b: (1.0, 0.0)}
    if len(graph) <= 50:
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
    """Push apart circles closer than two labels' height and a GAP, edge to edge (room for a
    label between them), a little at a time so that the layout keeps its shape."""
    xy = xy.copy()
    need = r[:, None] + r[None, :] + 2 * LINE + GAP
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
    larger (taller only, once as wide as the picture) and the labels placed again, up to
    ENLARGEMENTS times while the picture is no taller than TALLEST. A label that still finds
    no room is left out, and the circle's title, the caption and the table name it: in
    practice only in networks of hundreds."""
    top = max([1, *(n.activity for n in network.nodes)])
    r = {n.id: radius(n.activity, top) for n in network.nodes}
    text = {n.id: label_of(n.name) for n in network.nodes}
    isolates = set(network.metrics.isolates)
    groups = sorted(
        (sorted(c) for c in nx.connected_components(network.graph) if len(c) > 1),
        key=lambda c: (-len(c), c),
    )
    shapes = [_shape(_unit_layout(network.graph.subgraph(c)), r, text) for c in groups]
    scale = 1.0
    labels: dict[int, _Label] = {}
    unplaced: list[int] = []
    for attempt in range(ENLARGEMENTS + 1):
        at, height, width = _pack(shapes, scale)
        labels, unplaced = _place_labels(network, at, r, text, width)
        if not unplaced or height > TALLEST:
            break
        if attempt < ENLARGEMENTS:
            scale *= 1.15
    height = _isolates(network, isolates, r, text, at, labels, height, width)
    bottom = max([height, *(y + r[v] for v, (_, y) in at.items())])
    bottom = max([bottom, *(p.box.y + p.box.h for p in labels.values())])
    names = {n.id: n.name for n in network.nodes}
    heaviest = max([1, *(t.weight for t in network.ties)])
    sectors = sorted({n.sector for n in network.nodes})
    brokers_ = set(network.metrics.brokers)
    return {
        "width": round(width),
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
                "labelled": n.id in labels,
                "label_x": round(labels[n.id].x, 1) if n.id in labels else None,
                "label_y": round(labels[n.id].y, 1) if n.id in labels else None,
                "anchor": labels[n.id].anchor if n.id in labels else None,
                "leader": labels[n.id].leader if n.id in labels else None,
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
        "unlabelled": sorted(names[v] for v in unplaced),
        "isolates_y": round(_isolates_top(at, labels, isolates), 1) if isolates else None,
        "legend": [
            {
                "label": Sector(s).label if s in Sector.values else s,
                "colour": SECTOR_COLOURS.get(s, "#666666"),
            }
            for s in sectors
        ],
    }


# Room for a circle and its label, per organisation: a group's unit square becomes a rectangle
# of about this many times the area of its members' labels, each with a circle's height.
ROOM = 1.8
SIDE = 14 * CHAR  # room kept left and right of a group for its outer labels
ABOVE = 20 + LINE + GAP  # room kept above and below a group


def _shape(
    unit: dict[int, tuple[float, float]], r: dict[int, float], text: dict[int, str]
) -> tuple[list[int], Any]:
    """A group's places in units, from its layout in [-1, 1]²: ROOM times its labels' area,
    no wider than the picture, circles spread so that none touches another, top left at 0."""
    ids = list(unit)
    usable = WIDTH - 2 * MARGIN - 2 * SIDE
    if len(ids) == 2:
        w, h = 2 * max(r[v] for v in ids) + LINE + 6 * CHAR, 0.0
    else:
        area = ROOM * sum((len(text[v]) * CHAR + 2 * GAP) * (LINE + 24) for v in ids)
        w = min(usable, math.sqrt(area))
        h = area / w
    xy = np.array([((unit[v][0] + 1) / 2 * w, (unit[v][1] + 1) / 2 * h) for v in ids])
    xy = _spread(xy, np.array([r[v] for v in ids]))
    return ids, xy - xy.min(axis=0)


def _pack(
    shapes: list[tuple[list[int], Any]], scale: float
) -> tuple[dict[int, tuple[float, float]], float, float]:
    """The groups, `scale` times their size, in rows, left to right, largest first. Returns the
    places, the rows' bottom and the picture's width (wider than WIDTH only for a group that
    does not fit it)."""
    at: dict[int, tuple[float, float]] = {}
    x0, y0, row_height = 0.0, 0.0, 0.0
    usable = WIDTH - 2 * MARGIN
    width = float(WIDTH)
    for ids, shape in shapes:
        # Taller, not wider, than the picture allows: a group never shrinks across.
        span = float(shape[:, 0].max())
        across = max(1.0, min(scale, (usable - 2 * SIDE) / span)) if span else 1.0
        xy = shape * np.array([across, scale])
        span_w, span_h = xy.max(axis=0)
        box_w, box_h = span_w + 2 * SIDE, span_h + 2 * ABOVE
        if x0 > 0 and x0 + box_w > usable:
            x0, y0, row_height = 0.0, y0 + row_height, 0.0
        left = MARGIN + x0 + SIDE
        if x0 == 0 and (len(shapes) == 1 or box_w >= usable * 0.6):
            left = MARGIN + max(SIDE, (usable - span_w) / 2)  # a group alone on its row: centred
        width = max(width, left + span_w + SIDE + MARGIN)
        for v, (x, y) in zip(ids, xy, strict=True):
            at[v] = (float(left + x), float(MARGIN + y0 + ABOVE + y))
        x0 += box_w
        row_height = max(row_height, box_h)
    return at, y0 + row_height, width


@dataclass
class _Label:
    box: _Box
    x: float  # where the text is anchored
    y: float  # its baseline
    anchor: str
    leader: dict[str, float] | None  # a line from the circle, when the label stands off


# Where a label may go, nearest first: right, left, above, below, then the corners; each
# direction (dx, dy) with the text anchor that keeps it clear of the circle.
DIRECTIONS = [
    (1.0, 0.0, "start"),
    (-1.0, 0.0, "end"),
    (0.0, -1.0, "middle"),
    (0.0, 1.0, "middle"),
    (0.7, -0.7, "start"),
    (0.7, 0.7, "start"),
    (-0.7, -0.7, "end"),
    (-0.7, 0.7, "end"),
]
RINGS = 8  # distances tried, a label's height apart; beyond the first, a leader line
# Times the groups may be drawn 15% larger for labels that found no room, while the picture is
# no taller than TALLEST: beyond, a larger picture would be no easier to read.
ENLARGEMENTS = 8
TALLEST = 3 * WIDTH


def _place_labels(
    network: Network,
    at: dict[int, tuple[float, float]],
    r: dict[int, float],
    text: dict[int, str],
    width: float,
) -> tuple[dict[int, _Label], list[int]]:
    """A place for each label beside its circle, clear of every circle and of every label
    placed before it; the busiest organisations choose first. Also those that found none."""
    room = _Room()
    for v, (x, y) in at.items():
        room.take(_Box(x - r[v], y - r[v], 2 * r[v], 2 * r[v]))
    placed: dict[int, _Label] = {}
    unplaced: list[int] = []
    for v in sorted(at, key=lambda v: (-network.degree(v), -r[v], text[v], v)):
        label = _place_one(at[v], r[v], len(text[v]) * CHAR, room, width)
        if label is None:
            unplaced.append(v)
        else:
            placed[v] = label
    return placed, unplaced


def _place_one(
    centre: tuple[float, float], r: float, w: float, room: _Room, width: float
) -> _Label | None:
    x, y = centre
    h = LINE
    for ring in range(RINGS):
        d = r + GAP + ring * LINE
        for dx, dy, anchor in DIRECTIONS:
            ax, ay = x + dx * d, y + dy * d  # the point of the box nearest the circle
            left = {"start": ax, "end": ax - w, "middle": ax - w / 2}[anchor]
            top = ay - h / 2 if dy == 0 else (ay - h if dy < 0 else ay)
            box = _Box(left, top, w, h)
            if left < 0 or left + w > width or top < 0 or not room.free(box):
                continue
            room.take(_Box(left - GAP / 2, top - GAP / 2, w + GAP, h + GAP))
            tx = {"start": left, "end": left + w, "middle": left + w / 2}[anchor]
            leader = None
            if ring:
                near_x, near_y = min(max(x, left), left + w), min(max(y, top), top + h)
                length = math.hypot(near_x - x, near_y - y) or 1.0
                leader = {
                    "x1": round(x + (near_x - x) * r / length, 1),
                    "y1": round(y + (near_y - y) * r / length, 1),
                    "x2": round(near_x, 1),
                    "y2": round(near_y, 1),
                }
            return _Label(box, tx, top + h - 4, anchor, leader)
    return None


def _isolates_top(
    at: dict[int, tuple[float, float]],
    labels: dict[int, _Label],
    isolates: set[int],
) -> float:
    others = [v for v in at if v not in isolates]
    bottom = max(
        [
            0.0,
            *(at[v][1] + 20 for v in others),
            *(labels[v].box.y + LINE for v in others if v in labels),
        ]
    )
    return bottom + 2 * LINE


def _isolates(
    network: Network,
    isolates: set[int],
    r: dict[int, float],
    text: dict[int, str],
    at: dict[int, tuple[float, float]],
    labels: dict[int, _Label],
    height: float,
    width: float,
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
        if x > MARGIN and x + w > width - MARGIN:
            x, y = MARGIN, y + row
            row = 0.0
        row = max(row, 2 * max(r[n.id], LINE / 2) + GAP)
        cx, cy = x + r[n.id], y + max(r[n.id], LINE / 2)
        at[n.id] = (cx, cy)
        left = cx + r[n.id] + GAP
        box = _Box(left, cy - LINE / 2, len(text[n.id]) * CHAR, LINE)
        labels[n.id] = _Label(box, left, cy + LINE / 2 - 4, "start", None)
        x += w
    return y + row
