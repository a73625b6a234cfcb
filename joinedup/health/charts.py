"""The health check's charts, drawn with `joinedup.lib.charts`."""

from __future__ import annotations

from joinedup.health.queries import Results
from joinedup.health.scoring import BORDERLINE_FROM, STRENGTH_FROM, Band, one_place
from joinedup.lib.charts import Band as Shade
from joinedup.lib.charts import Chart, Series, bar_chart, range_chart

# Shading follows the bands of a mean shown to one decimal: 2.95 shows as 3.0, borderline.
_EDGE = 0.05
BANDS = (
    Shade(1, float(BORDERLINE_FROM) - _EDGE, Band.CONCERN, "Concern (2.9 or less)"),
    Shade(
        float(BORDERLINE_FROM) - _EDGE,
        float(STRENGTH_FROM) - _EDGE,
        Band.BORDERLINE,
        "Borderline (3.0 to 3.9)",
    ),
    Shade(float(STRENGTH_FROM) - _EDGE, 5, Band.STRENGTH, "Strength (4.0 or more)"),
)
TICKS = (1, 2, 3, 4, 5)


def factor_chart(results: Results) -> Chart:
    """The partnership's mean per factor, over the bands."""
    return bar_chart(
        [
            (f.name, [None if f.mean is None else float(one_place(f.mean))])
            for f in results.scores.factors
        ],
        id="factor-chart",
        title="The partnership's mean score on each factor, from 1 to 5, over the bands; the "
        "table below has the same figures.",
        series=[Series("Partnership mean", "score")],
        low=1,
        high=5,
        bands=BANDS,
        ticks=TICKS,
        fmt=lambda v: f"{v:.1f}",
    )


def spread_chart(results: Results) -> Chart:
    """Per factor, each organisation's mean as a mark, joined from lowest to highest."""
    names = results.names()
    return range_chart(
        [
            (
                f.name,
                [(names[org], float(mean)) for org, mean in sorted(f.by_organisation.items())],
                "seen differently" if f.divided else "",
            )
            for f in results.scores.factors
        ],
        id="spread-chart",
        title="Each organisation's mean score on each factor, from 1 to 5, with a line from the "
        "lowest to the highest; a line of 1.0 or more is flagged. The table below has the "
        "same figures.",
        low=1,
        high=5,
        mark=Series("An organisation's mean", "mark"),
        span=Series("Spread between organisations", "span"),
        bands=BANDS,
        ticks=TICKS,
        label=230,
        plot=330,
    )
