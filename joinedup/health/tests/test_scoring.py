"""The health check's and the ratings' arithmetic, against figures worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from joinedup.health.scoring import (
    AnswerRow,
    Band,
    RatingRow,
    band,
    one_place,
    score_ratings,
    score_round,
    trend,
)
from joinedup.health.statements import FACTOR_OF, FACTORS, STATEMENTS

LEAD, CORE, WIDER = 1, 2, 3
NO = (None, None, None)


def trust(*scores: int | None, user: int, org: int) -> list[AnswerRow]:
    """`user`'s answers to the trust statements, in order (None is "don't know")."""
    return [AnswerRow(user, org, f"trust.{i}", s) for i, s in enumerate(scores, 1)]


@pytest.mark.parametrize(
    ("mean", "expected"),
    [
        (Fraction(29, 10), Band.CONCERN),  # 2.9
        (Fraction(294, 100), Band.CONCERN),  # 2.94 shows as 2.9
        (Fraction(295, 100), Band.BORDERLINE),  # 2.95 shows as 3.0
        (Fraction(3), Band.BORDERLINE),  # 3.0
        (Fraction(39, 10), Band.BORDERLINE),  # 3.9
        (Fraction(3949, 1000), Band.BORDERLINE),  # 3.949 shows as 3.9
        (Fraction(395, 100), Band.STRENGTH),  # 3.95 shows as 4.0
        (Fraction(4), Band.STRENGTH),  # 4.0
        (Fraction(1), Band.CONCERN),
        (Fraction(5), Band.STRENGTH),
    ],
)
def test_bands_follow_the_mean_shown_to_one_decimal(mean: Fraction, expected: str) -> None:
    assert band(mean) == expected


def test_a_third_rounds_to_one_decimal_exactly() -> None:
    assert one_place(Fraction(10, 3)) == Decimal("3.3")
    assert one_place(Fraction(35, 10)) == Decimal("3.5")
    assert band(None) is None


def test_dont_know_is_left_out_of_a_persons_mean() -> None:
    # Trust answered 4, don't know, 2, don't know → (4 + 2) / 2 = 3, not (4+0+2+0)/4 = 1.5.
    scores = score_round(trust(4, None, 2, None, user=10, org=LEAD))
    assert scores.factor("trust").mean == 3
    assert scores.factor("trust").people == 1


def test_someone_who_only_says_dont_know_is_not_counted_in_that_factor() -> None:
    rows = trust(None, None, None, None, user=10, org=LEAD) + trust(5, 5, 4, 4, user=11, org=CORE)
    scores = score_round(rows)
    # Only Core has a figure: (5+5+4+4)/4 = 4.5; the lead counts as a respondent but has no
    # trust figure, so there is no spread to show.
    assert scores.factor("trust").by_organisation == {CORE: Fraction(9, 2)}
    assert scores.factor("trust").spread is None
    assert scores.respondents == {LEAD: 1, CORE: 1}


def test_organisations_weigh_the_same_however_many_of_their_people_answer() -> None:
    # The lead: five people all answering 5 on trust → lead mean 5.
    # The wider partner: one person answering 1, 2, 1, 2 → (1+2+1+2)/4 = 1.5.
    # Partnership: (5 + 1.5) / 2 = 3.25 (weighting people would give (5*5 + 1.5)/6 ≈ 4.42).
    rows = [a for user in range(10, 15) for a in trust(5, 5, 5, 5, user=user, org=LEAD)]
    rows += trust(1, 2, 1, 2, user=20, org=WIDER)
    scores = score_round(rows)
    t = scores.factor("trust")
    assert t.by_organisation == {LEAD: 5, WIDER: Fraction(3, 2)}
    assert t.mean == Fraction(13, 4)
    assert t.shown == Decimal("3.3") and t.band == Band.BORDERLINE
    assert t.people == 6


def test_an_organisations_mean_is_the_mean_of_its_peoples_means() -> None:
    # Cora answers all four: 4, 4, 4, 4 → 4. Her colleague answers one: 2 → 2.
    # The core partner: (4 + 2) / 2 = 3 (pooling the five answers would give 18/5 = 3.6).
    rows = trust(4, 4, 4, 4, user=10, org=CORE) + trust(2, None, None, None, user=11, org=CORE)
    assert score_round(rows).factor("trust").by_organisation == {CORE: 3}


def test_the_spread_between_organisations_is_flagged_at_one_point_or_more() -> None:
    # Lead: 5, 5, 4, 4 → 4.5. Core: 4, 4, 3, 3 → 3.5. Wider: 4, 3, 4, 3 → 3.5.
    # Spread = 4.5 - 3.5 = 1.0: flagged. Partnership = (4.5 + 3.5 + 3.5) / 3 = 11.5/3 ≈ 3.83.
    rows = (
        trust(5, 5, 4, 4, user=10, org=LEAD)
        + trust(4, 4, 3, 3, user=11, org=CORE)
        + trust(4, 3, 4, 3, user=12, org=WIDER)
    )
    t = score_round(rows).factor("trust")
    assert t.spread == 1 and t.divided
    assert t.highest == (LEAD, Fraction(9, 2)) and t.lowest == (CORE, Fraction(7, 2))
    assert t.mean == Fraction(23, 6) and t.shown == Decimal("3.8")


def test_a_spread_just_under_one_point_is_not_flagged() -> None:
    # Lead: 5, 4, 4, 4 → 4.25. Core: 4, 4, 3, 3 → 3.5. Spread 4.25 - 3.5 = 0.75: not flagged.
    rows = trust(5, 4, 4, 4, user=10, org=LEAD) + trust(4, 4, 3, 3, user=11, org=CORE)
    t = score_round(rows).factor("trust")
    assert t.spread == Fraction(3, 4) and not t.divided


def test_factors_nobody_answered_have_no_figure_and_no_band() -> None:
    scores = score_round(trust(4, 4, 4, 4, user=10, org=LEAD))
    goals = scores.factor("goals")
    assert goals.mean is None and goals.band is None and goals.spread is None
    assert scores.overall == 4  # only factors with a figure count


def test_the_trend_is_this_rounds_mean_less_the_last() -> None:
    before = score_round(trust(3, 3, 3, 3, user=10, org=LEAD))
    now = score_round(trust(4, 4, 3, 3, user=10, org=LEAD))
    change = trend(now, before)
    assert change["trust"] == Fraction(1, 2)  # 3.5 - 3.0
    assert change["goals"] is None
    assert trend(now, None)["trust"] is None


def test_levels_mean_share_and_asymmetry() -> None:
    # Lead → Core 4, Core → Lead 1: asymmetric (one side 3 or more, the other 1 or less).
    # Lead → Wider 2, Wider → Lead 2: agree.
    # Core → Wider 3, Wider → Core 2: differ, but not asymmetric.
    # Mean level = (4 + 1 + 2 + 2 + 3 + 2) / 6 = 14/6 = 7/3.
    rows = [
        RatingRow(LEAD, CORE, 4, NO, NO),
        RatingRow(CORE, LEAD, 1, NO, NO),
        RatingRow(LEAD, WIDER, 2, NO, NO),
        RatingRow(WIDER, LEAD, 2, NO, NO),
        RatingRow(CORE, WIDER, 3, NO, NO),
        RatingRow(WIDER, CORE, 2, NO, NO),
    ]
    r = score_ratings(rows)
    assert r.mean_level == Fraction(7, 3)
    assert r.share[2] == Fraction(3, 6) and r.share[1] == Fraction(1, 6)
    assert r.share[0] == 0 and r.share[5] == 0
    assert sum(r.share.values()) == 1
    assert r.asymmetric == [(LEAD, CORE, 4, 1)]
    assert r.differ == [(LEAD, CORE, 4, 1), (CORE, WIDER, 3, 2)]


def test_asymmetry_needs_three_against_one_at_the_edges() -> None:
    # 3 against 1: flagged. 3 against 2 and 2 against 1: not.
    flagged = score_ratings([RatingRow(1, 2, 3, NO, NO), RatingRow(2, 1, 1, NO, NO)])
    assert flagged.asymmetric == [(1, 2, 3, 1)]
    assert not score_ratings([RatingRow(1, 2, 3, NO, NO), RatingRow(2, 1, 2, NO, NO)]).asymmetric
    assert not score_ratings([RatingRow(1, 2, 2, NO, NO), RatingRow(2, 1, 1, NO, NO)]).asymmetric
    # A one-sided rating is not asymmetric: the other side has not said.
    assert not score_ratings([RatingRow(1, 2, 5, NO, NO)]).asymmetric


def test_trust_and_value_are_averaged_over_raters_then_dimensions() -> None:
    # Core is rated by the lead (reliability 4, mission 3, openness 2) and the wider partner
    # (reliability 2, mission 3, openness not given).
    # Reliability (4+2)/2 = 3; mission (3+3)/2 = 3; openness 2/1 = 2 → trust (3+3+2)/3 = 8/3.
    # Value: lead gives 1, 1, 1 and the wider partner nothing → (1+1+1)/3 = 1.
    rows = [
        RatingRow(LEAD, CORE, 3, (4, 3, 2), (1, 1, 1)),
        RatingRow(WIDER, CORE, 2, (2, 3, None), NO),
    ]
    core = score_ratings(rows).partners[CORE]
    assert core.trust == Fraction(8, 3) and core.value == 1 and core.raters == 2


def test_no_ratings_means_no_figures() -> None:
    r = score_ratings([])
    assert r.mean_level is None and r.asymmetric == [] and r.share[0] == 0


def test_every_factor_has_three_to_five_statements_with_unique_codes() -> None:
    assert len(FACTORS) == 11
    assert all(3 <= len(f.statements) <= 5 for f in FACTORS)
    assert len(STATEMENTS) == sum(len(f.statements) for f in FACTORS) == len(FACTOR_OF)
