"""Geometry for server-rendered SVG charts: horizontal bars (one or several series per row,
with optional shaded bands), diverging bars around zero, and ranges with a mark per point.

Each function returns a `Chart` that `templates/charts/chart.html` draws; every chart is
meant to sit beside a table of the same figures, which is what screen readers use.
No Django here: the numbers are tested on their own.

A chart is drawn twice: as laid out (labels in a column left of the bars, 630 wide) and as its
`narrow` twin (`stacked`), which the stylesheet shows instead on a narrow screen. A wide chart
scaled down to a 320 px phone would draw its 13 px text at 6 px; the twin puts each row's
label on its own line above the bars and is only as wide as a phone's column, so its text is
drawn at its own size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

# Raise when `templates/charts/chart.html` changes: its rendered SVG is cached under `Chart.key`.
TEMPLATE_VERSION = 1


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


def whole(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Series:
    """One kind of bar or mark: its name for the legend and the CSS class that colours it."""

    name: str
    css: str


@dataclass(frozen=True)
class Band:
    """A stretch of the scale shaded behind the bars, e.g. 'concern' from 1 to 2.95."""

    low: float
    high: float
    css: str
    label: str


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    css: str
    text: str
    text_x: int
    title: str


@dataclass
class Mark:
    cx: int
    cy: int
    css: str
    title: str


@dataclass
class Row:
    label: str
    y: int
    bars: list[Bar] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    note: str = ""
    note_x: int = 0
    label_dy: int = 16  # the label's baseline below the row's top: level with its bars
    note_dy: int = 16

    @property
    def label_y(self) -> int:
        return self.y + self.label_dy

    @property
    def note_y(self) -> int:
        return self.y + self.note_dy


@dataclass
class Shade:
    x: int
    width: int
    css: str
    label: str


@dataclass
class Tick:
    x: int
    text: str


@dataclass
class Chart:
    id: str
    title: str
    width: int
    height: int
    label: int
    plot: int
    top: int
    rows: list[Row]
    legend: list[Series]
    shades: list[Shade] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    centre: int | None = None
    css: str = "chart-wide"

    @property
    def drawings(self) -> list[Chart]:
        """The chart as laid out, then its twin for narrow screens (see `stacked`)."""
        return [self, stacked(self)]

    @property
    def key(self) -> str:
        """A digest of everything the chart draws. The template keeps the rendered SVG in each
        process's cache under it (issue 19: a bar chart of every member was most of a page's
        time), so a changed figure, label or colour is another key, never a stale picture."""
        data = json.dumps([TEMPLATE_VERSION, asdict(self)], default=str, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass(frozen=True)
class _Scale:
    low: float
    high: float
    x0: int
    width: int

    def x(self, value: float) -> int:
        clipped = min(max(value, self.low), self.high)
        return self.x0 + round((clipped - self.low) / (self.high - self.low) * self.width)


def _frame(
    scale: _Scale, bands: Sequence[Band], ticks: Sequence[float], fmt: Callable[[float], str]
) -> tuple[list[Shade], list[Tick]]:
    shades = [
        Shade(scale.x(b.low), scale.x(b.high) - scale.x(b.low), b.css, b.label) for b in bands
    ]
    return shades, [Tick(scale.x(t), fmt(t)) for t in ticks]


def bar_chart(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    id: str,
    title: str,
    series: Sequence[Series],
    low: float = 0,
    high: float | None = None,
    bands: Sequence[Band] = (),
    ticks: Sequence[float] = (),
    fmt: Callable[[float], str] = one_decimal,
    label: int = 250,
    plot: int = 330,
    bar: int = 12,
    gap: int = 10,
) -> Chart:
    """One bar per series in each row, drawn from `low` and scaled to `high` (by default the
    largest value). A missing value (None) draws no bar and says "no figure"."""
    values = [v for _, vs in rows for v in vs if v is not None]
    top = max([low + 1, *values]) if high is None else high
    scale = _Scale(low, top, label, plot)
    header = 18 if ticks else 0
    row_height = bar * len(series) + gap
    shades, tick_marks = _frame(scale, bands, ticks, fmt)
    drawn = []
    for i, (name, vs) in enumerate(rows):
        y = header + i * row_height
        row = Row(name, y)
        for j, (s, v) in enumerate(zip(series, vs, strict=True)):
            by = y + gap // 2 + j * bar
            if v is None:
                row.bars.append(Bar(label, by, 0, bar - 1, s.css, "no figure", label + 6, s.name))
                continue
            width = scale.x(v) - label
            text = fmt(v)
            row.bars.append(
                Bar(label, by, width, bar - 1, s.css, text, label + width + 6, f"{s.name}: {text}")
            )
        drawn.append(row)
    height = header + max(row_height, row_height * len(rows))
    return Chart(
        id,
        title,
        label + plot + 50,
        height,
        label,
        plot,
        header,
        drawn,
        list(series),
        shades,
        tick_marks,
    )


def diverging_chart(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    id: str,
    title: str,
    series: Sequence[Series],
    limit: float | None = None,
    fmt: Callable[[float], str] = whole,
    label: int = 250,
    plot: int = 330,
    bar: int = 12,
    gap: int = 10,
) -> Chart:
    """Bars from a centre line at zero: positive values to the right, negative to the left,
    scaled so that ±`limit` (by default the largest magnitude) fills each half."""
    values = [abs(v) for _, vs in rows for v in vs if v is not None]
    reach = limit if limit is not None else max([1, *values])
    scale = _Scale(-reach, reach, label, plot)
    centre = scale.x(0)
    row_height = bar * len(series) + gap
    drawn = []
    for i, (name, vs) in enumerate(rows):
        y = i * row_height
        row = Row(name, y)
        for j, (s, v) in enumerate(zip(series, vs, strict=True)):
            by = y + gap // 2 + j * bar
            if v is None:
                row.bars.append(Bar(centre, by, 0, bar - 1, s.css, "no figure", centre + 6, s.name))
                continue
            end = scale.x(v)
            x, width = min(centre, end), abs(end - centre)
            text = ("+" if v > 0 else "") + fmt(v)
            text_x = x + width + 6 if v >= 0 else max(label, x - 6 - 7 * len(text))
            row.bars.append(Bar(x, by, width, bar - 1, s.css, text, text_x, f"{s.name}: {text}"))
        drawn.append(row)
    height = max(row_height, row_height * len(rows))
    return Chart(
        id, title, label + plot + 50, height, label, plot, 0, drawn, list(series), centre=centre
    )


def range_chart(
    rows: Sequence[tuple[str, Sequence[tuple[str, float]], str]],
    *,
    id: str,
    title: str,
    low: float,
    high: float,
    mark: Series,
    span: Series,
    bands: Sequence[Band] = (),
    ticks: Sequence[float] = (),
    fmt: Callable[[float], str] = one_decimal,
    label: int = 250,
    plot: int = 330,
    row_height: int = 24,
) -> Chart:
    """Per row, a line from the lowest to the highest of its named points and a mark at each
    point — where the points lie apart, the line is long. Each row may carry a short note."""
    scale = _Scale(low, high, label, plot)
    header = 18 if ticks else 0
    shades, tick_marks = _frame(scale, bands, ticks, fmt)
    drawn = []
    for i, (name, points, note) in enumerate(rows):
        y = header + i * row_height
        row = Row(name, y, note=note, note_x=label + plot + 8)
        mid = y + row_height // 2
        if points:
            values = [v for _, v in points]
            lo, hi = scale.x(min(values)), scale.x(max(values))
            spread = fmt(max(values) - min(values))
            row.bars.append(
                Bar(lo, mid - 2, hi - lo, 4, span.css, "", hi + 8, f"{span.name}: {spread}")
            )
            row.marks = [Mark(scale.x(v), mid, mark.css, f"{who}: {fmt(v)}") for who, v in points]
        drawn.append(row)
    height = header + max(row_height, row_height * len(rows))
    notes = 130 if any(note for _, _, note in rows) else 0
    return Chart(
        id,
        title,
        label + plot + 50 + notes,
        height,
        label,
        plot,
        header,
        drawn,
        [mark, span],
        shades,
        tick_marks,
    )


NARROW = 280  # the narrow twin's width: a 320 px screen's column, less the page's margins
LINE = 18  # the height of a label's own line in the narrow twin


def stacked(chart: Chart, *, width: int = NARROW) -> Chart:
    """`chart` for a narrow screen: each row's label (and note) on a line of its own above
    its bars, and the plot across the whole width, less room for a value after a bar."""
    plot = width - 40
    k = plot / chart.plot

    def x(value: int) -> int:
        return max(0, round((value - chart.label) * k))

    rows, shift = [], 0
    for r in chart.rows:
        shift += LINE * (2 if r.note else 1)
        bars = []
        for b in r.bars:
            end = b.x + b.width
            text_x = x(end) + 6 if b.text_x >= end else x(b.text_x)
            bars.append(
                Bar(
                    x(b.x),
                    b.y + shift,
                    round(b.width * k),
                    b.height,
                    b.css,
                    b.text,
                    text_x,
                    b.title,
                )
            )
        marks = [Mark(x(m.cx), m.cy + shift, m.css, m.title) for m in r.marks]
        # The label's line (and the note's below it) sits above the row's bars.
        label_dy = -4 - (LINE if r.note else 0)
        rows.append(Row(r.label, r.y + shift, bars, marks, r.note, 0, label_dy, -4))
    return Chart(
        id=f"{chart.id}-narrow",
        title=chart.title,
        width=width,
        height=chart.height + shift,
        label=0,
        plot=plot,
        top=chart.top,
        rows=rows,
        legend=chart.legend,
        shades=[Shade(x(s.x), round(s.width * k), s.css, s.label) for s in chart.shades],
        ticks=[Tick(x(t.x), t.text) for t in chart.ticks],
        centre=None if chart.centre is None else x(chart.centre),
        css="chart-stacked",
    )
