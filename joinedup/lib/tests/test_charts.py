"""The chart geometry: where bars start and end, bands, and what a missing value draws."""

from __future__ import annotations

from joinedup.lib.charts import (
    LINE,
    NARROW,
    Band,
    Series,
    bar_chart,
    diverging_chart,
    range_chart,
    stacked,
    whole,
)

SCORE = Series("Score", "score")


def test_a_bar_runs_from_the_low_end_of_the_scale_to_its_value() -> None:
    # Scale 1..5 over 400px starting at x=200: 3.0 is half way, 200 + 400 * (3-1)/4 = 400.
    chart = bar_chart(
        [("Trust", [3.0]), ("Communication", [5.0])],
        id="c",
        title="t",
        series=[SCORE],
        low=1,
        high=5,
        label=200,
        plot=400,
    )
    trust, communication = chart.rows
    assert (trust.bars[0].x, trust.bars[0].width) == (200, 200)
    assert communication.bars[0].width == 400
    assert trust.bars[0].text == "3.0" and trust.bars[0].title == "Score: 3.0"


def test_bands_shade_their_stretch_of_the_scale() -> None:
    # 1..5 over 400px: 1 → 200, 2.95 → 200 + 400 * 1.95/4 = 395, 3.95 → 495, 5 → 600.
    chart = bar_chart(
        [("Trust", [3.0])],
        id="c",
        title="t",
        series=[SCORE],
        low=1,
        high=5,
        bands=[
            Band(1, 2.95, "concern", "Concern"),
            Band(2.95, 3.95, "borderline", "Borderline"),
            Band(3.95, 5, "strength", "Strength"),
        ],
        ticks=[1, 3, 5],
        label=200,
        plot=400,
    )
    assert [(s.x, s.width) for s in chart.shades] == [(200, 195), (395, 100), (495, 105)]
    assert [t.x for t in chart.ticks] == [200, 400, 600]
    assert chart.rows[0].y == 18  # below the tick labels


def test_a_missing_value_draws_no_bar_and_says_so() -> None:
    chart = bar_chart([("Trust", [None])], id="c", title="t", series=[SCORE], high=5)
    assert chart.rows[0].bars[0].width == 0 and chart.rows[0].bars[0].text == "no figure"


def test_grouped_bars_scale_to_the_largest_value_by_default() -> None:
    gave, received = Series("Gave", "gave"), Series("Received", "received")
    chart = bar_chart(
        [("A", [4, 1]), ("B", [0, 2])],
        id="c",
        title="t",
        series=[gave, received],
        fmt=whole,
        label=100,
        plot=200,
    )
    # The largest value is 4, so 1 is a quarter of 200px and 2 a half.
    assert [b.width for b in chart.rows[0].bars] == [200, 50]
    assert [b.width for b in chart.rows[1].bars] == [0, 100]
    assert chart.rows[0].bars[0].text == "4"


def test_diverging_bars_go_left_for_negative_values() -> None:
    # ±4 over 200px from x=100: zero is at 200; +2 ends at 250; -4 starts at 100.
    chart = diverging_chart(
        [("A", [2]), ("B", [-4])], id="c", title="t", series=[SCORE], label=100, plot=200
    )
    assert chart.centre == 200
    plus, minus = chart.rows[0].bars[0], chart.rows[1].bars[0]
    assert (plus.x, plus.width, plus.text) == (200, 50, "+2")
    assert (minus.x, minus.width, minus.text) == (100, 100, "-4")


def test_a_range_runs_from_the_lowest_point_to_the_highest_with_a_mark_at_each() -> None:
    chart = range_chart(
        [("Trust", [("Lead", 4.5), ("Core", 2.5), ("Wider", 3.0)], "spread 2.0")],
        id="c",
        title="t",
        low=1,
        high=5,
        mark=Series("Organisation", "mark"),
        span=Series("Spread", "span"),
        label=200,
        plot=400,
    )
    row = chart.rows[0]
    # 2.5 → 200 + 400 * 1.5/4 = 350; 4.5 → 200 + 400 * 3.5/4 = 550.
    assert (row.bars[0].x, row.bars[0].width) == (350, 200)
    assert [m.cx for m in row.marks] == [550, 350, 400]
    assert row.note == "spread 2.0" and row.bars[0].title == "Spread: 2.0"


def test_the_narrow_twin_puts_each_label_above_its_bars_across_a_phones_width() -> None:
    # Scale 1..5 over 400px from x=200; the twin's plot is 280 - 40 = 240 wide from x=0.
    wide = bar_chart(
        [("Trust", [3.0]), ("Communication", [5.0])],
        id="c",
        title="t",
        series=[SCORE],
        low=1,
        high=5,
        ticks=[1, 5],
        label=200,
        plot=400,
    )
    drawn, narrow = wide.drawings
    assert drawn is wide and narrow.id == "c-narrow" and narrow.width == NARROW
    trust, communication = narrow.rows
    assert (trust.bars[0].x, trust.bars[0].width) == (0, 120)  # still half the scale
    assert communication.bars[0].width == 240
    assert trust.label_y < trust.bars[0].y  # the label sits on its own line above the bar
    assert communication.label_y > trust.bars[0].y + trust.bars[0].height
    assert [t.x for t in narrow.ticks] == [0, 240]
    assert narrow.height == wide.height + 2 * LINE


def test_the_narrow_twin_gives_a_note_a_line_of_its_own() -> None:
    wide = range_chart(
        [("Trust", [("A", 2.0), ("B", 4.0)], "split")],
        id="r",
        title="t",
        low=1,
        high=5,
        mark=SCORE,
        span=Series("Spread", "span"),
    )
    (row,) = stacked(wide).rows
    assert row.note_x == 0 and row.label_y < row.note_y < row.bars[0].y
    assert wide.rows[0].note_x == 250 + 330 + 8  # beside the plot when wide
