"""Anonymity by design: an organisation's own scores are shown once three or more of its people
have answered and the round has closed; the others are pooled into "other organisations"; the
partnership's scores and the free text once the round has closed with three or more answering.
The same rule holds on the round page, the health page, the API, the report, the programme view
and its CSV. Every expectation below is worked by hand in its comment."""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.urls import reverse

from joinedup.conftest import api_for, client_for
from joinedup.health import actions
from joinedup.health.models import Round
from joinedup.health.scoring import OTHERS, AnswerRow, anonymise, score_round
from joinedup.health.statements import FACTORS
from joinedup.health.tests.helpers import answer, colleagues, open_round
from joinedup.jobs.testing import exported

TRUST = [s.code for f in FACTORS if f.code == "trust" for s in f.statements]


def rows(org: int, people: int, score: int, first_user: int) -> list[AnswerRow]:
    return [AnswerRow(first_user + i, org, code, score) for i in range(people) for code in TRUST]


# Organisation 1: one person scoring 5; organisation 2: two people scoring 2; organisation 3:
# three people scoring 4.
THREE_ORGS = rows(1, 1, 5, 100) + rows(2, 2, 2, 200) + rows(3, 3, 4, 300)


def test_nothing_is_shown_while_the_round_is_open() -> None:
    shown = anonymise(score_round(THREE_ORGS), closed=False)
    trust = shown.factor("trust")
    assert shown.shown is False and trust.mean is None and shown.overall is None
    assert trust.by_organisation == {} and trust.spread is None
    # Participation still counts everyone: 1 + 2 + 3 people from three organisations.
    assert shown.people == 6 and shown.organisations_answered == 3 and shown.pooled == 3


def test_organisations_under_three_are_pooled_once_the_round_closes() -> None:
    shown = anonymise(score_round(THREE_ORGS), closed=True)
    trust = shown.factor("trust")
    # Partnership: each organisation once, (5 + 2 + 4) / 3 = 11/3, shown as 3.7.
    assert trust.mean == Fraction(11, 3) and str(trust.shown) == "3.7"
    # Organisation 3 (three people) on its own; 1 and 2 pooled: (5 + 2) / 2 = 3.5, and the pool
    # holds 1 + 2 = 3 people, so it is shown. Spread 4 - 3.5 = 0.5: not divided.
    assert trust.by_organisation == {3: Fraction(4), OTHERS: Fraction(7, 2)}
    assert trust.spread == Fraction(1, 2) and not trust.divided
    assert shown.respondents == {3: 3, OTHERS: 3} and shown.pooled == 2


def test_one_and_two_respondents_show_nothing_three_show_the_partnership() -> None:
    one = anonymise(score_round(rows(1, 1, 5, 100)), closed=True)
    assert one.shown is False and one.factor("trust").by_organisation == {}
    two = anonymise(score_round(rows(1, 1, 5, 100) + rows(2, 1, 1, 200)), closed=True)
    # Two people in the pool: neither the pool nor the partnership is shown.
    assert two.shown is False and two.factor("trust").by_organisation == {}
    three = anonymise(score_round(rows(1, 3, 2, 100)), closed=True)
    # Three people of one organisation: it is shown on its own; there is no pool.
    assert three.shown is True and three.factor("trust").by_organisation == {1: Fraction(2)}
    assert three.pooled == 0 and OTHERS not in three.respondents


def test_a_pool_of_fewer_than_three_people_is_not_shown() -> None:
    # Two people pooled from organisations 1 and 2, nobody shown on their own: nothing shows.
    shown = anonymise(score_round(rows(1, 1, 5, 100) + rows(2, 1, 1, 200)), closed=True)
    assert shown.factor("trust").by_organisation == {} and shown.shown is False


def test_a_lone_respondent_cannot_be_worked_out_from_the_partnership_and_the_others() -> None:
    # Organisation 3's three people score 4; organisation 1's one person 5. Showing organisation
    # 3 (4) beside the partnership ((4 + 5) / 2 = 4.5) would give the lone person away:
    # 2 x 4.5 - 4 = 5. So organisation 3 joins the pool, which then holds four people: only
    # "other organisations" 4.5 (the same as the partnership) is shown.
    shown = anonymise(score_round(rows(1, 1, 5, 100) + rows(3, 3, 4, 300)), closed=True)
    trust = shown.factor("trust")
    assert trust.mean == Fraction(9, 2)
    assert trust.by_organisation == {OTHERS: Fraction(9, 2)}
    assert shown.respondents == {OTHERS: 4} and shown.pooled == 2


def test_the_smallest_shown_organisation_joins_a_pool_that_is_too_small() -> None:
    # Organisation 5: five people scoring 3; organisation 3: three scoring 4; organisation 1:
    # one scoring 5. Organisation 3 (the smallest shown) joins organisation 1 in the pool:
    # (4 + 5) / 2 = 4.5 over four people; organisation 5 still on its own.
    answers = rows(1, 1, 5, 100) + rows(3, 3, 4, 300) + rows(5, 5, 3, 500)
    shown = anonymise(score_round(answers), closed=True)
    trust = shown.factor("trust")
    assert trust.by_organisation == {5: Fraction(3), OTHERS: Fraction(9, 2)}
    assert shown.respondents == {5: 5, OTHERS: 4}
    # The partnership: (3 + 4 + 5) / 3 = 4; the pool's 4.5 cannot be split into 4 and 5.
    assert trust.mean == Fraction(4)


def _answered(w: SimpleNamespace, close: bool = True) -> Round:
    """The lead's three people score 4; Cora, alone for the core partner, 2; the wider
    partner's two, 5. Partnership (4 + 2 + 5) / 3 = 11/3 = 3.7; the lead shown on its own;
    Riverside Mind and Hillside Food Bank pooled: (2 + 5) / 2 = 3.5, three people."""
    round = open_round(w)
    for user in (w.lena, w.stan, *colleagues(w.lead_org, 1)):
        answer(round, user, w.lead_org, 4)
    answer(round, w.cora, w.core_org, 2, working="Words from Riverside Mind")
    for user in (w.will, *colleagues(w.wider_org, 1)):
        answer(round, user, w.wider_org, 5)
    if close:
        actions.round_close(by=w.lena, round=round)
    return round


def test_the_round_page_pools_and_keeps_free_text_until_close(world: SimpleNamespace) -> None:
    round = _answered(world, close=False)
    body = client_for(world.will).get(round.get_absolute_url()).content.decode()
    assert "6 people from 3 of 3 member organisations answered" in body
    assert "Words from Riverside Mind" not in body and "<td>3.7</td>" not in body
    assert "once three or more of its people have answered" in body
    actions.round_close(by=world.lena, round=round)
    body = client_for(world.will).get(round.get_absolute_url()).content.decode()
    assert body.count("<td>3.7</td><td>Borderline</td>") == len(FACTORS)  # every factor
    assert "Other organisations (2 pooled)" in body
    assert "2 organisations are pooled (those with fewer than three people answering" in body
    # The table by organisation: the lead's 4.0 and the pool's 3.5, no column for the others.
    assert "<td>4.0</td><td>3.5</td>" in body
    assert ">Riverside Mind<" not in body and ">Hillside Food Bank<" not in body
    assert "Words from Riverside Mind" in body  # after close, with no organisation's name


def test_one_or_two_people_show_no_scores_on_the_pages(world: SimpleNamespace) -> None:
    round = open_round(world)
    answer(round, world.cora, world.core_org, 2, working="Only Cora")
    answer(round, world.will, world.wider_org, 5)
    actions.round_close(by=world.lena, round=round)
    for url in (round.get_absolute_url(), reverse("health", args=[world.partnership.pk])):
        body = client_for(world.otis).get(url).content.decode()
        assert "Fewer than three people answered" in body
        assert "2.0" not in body and "5.0" not in body and "3.5" not in body
        assert "Only Cora" not in body


def test_the_api_pools_the_same_way(world: SimpleNamespace) -> None:
    round = _answered(world)
    scores = api_for(world.otis).get(f"/api/v1/health-rounds/{round.pk}/scores").json()
    trust = next(f for f in scores["factors"] if f["code"] == "trust")
    assert scores["shown"] is True and trust["mean"] == 3.67 and trust["spread"] == 0.5
    assert trust["by_organisation"] == [{"organisation_id": world.lead_org.pk, "mean": 4.0}]
    assert trust["other_organisations"] == 3.5
    assert scores["other_organisations"] == {"organisations": 2, "people": 3}


@pytest.mark.usefixtures("jobs_run_at_once")
def test_the_report_the_programme_view_and_its_csv_follow_the_rule(
    world: SimpleNamespace,
) -> None:
    _answered(world)
    report = client_for(world.otis).get(reverse("health_report", args=[world.partnership.pk]))
    body = report.content.decode()
    assert "<td>3.7</td><td>Borderline</td><td>0.5</td>" in body
    assert "2 organisations are pooled (those with fewer than three people answering" in body
    programme = client_for(world.otis).get(reverse("programme_health", args=[world.programme.pk]))
    assert programme.context["rows"][0].overall == 3.7
    table = exported(
        client_for(world.otis), reverse("programme_health_csv", args=[world.programme.pk])
    )
    line = next(csv.DictReader(io.StringIO(table.decode())))
    assert line["health"] == "3.7" and line["factors divided"] == "0"


@pytest.mark.usefixtures("jobs_run_at_once")
def test_two_people_leave_the_report_and_programme_view_without_a_score(
    world: SimpleNamespace,
) -> None:
    round = open_round(world)
    answer(round, world.cora, world.core_org, 1)
    answer(round, world.will, world.wider_org, 5)
    actions.round_close(by=world.lena, round=round)
    report = client_for(world.otis).get(reverse("health_report", args=[world.partnership.pk]))
    assert "Fewer than three people answered" in report.content.decode()
    programme = client_for(world.otis).get(reverse("programme_health", args=[world.programme.pk]))
    assert programme.context["rows"][0].overall is None
    table = exported(
        client_for(world.otis), reverse("programme_health_csv", args=[world.programme.pk])
    )
    line = next(csv.DictReader(io.StringIO(table.decode())))
    assert line["health"] == "" and line["factors divided"] == "0"


def test_the_api_does_not_count_each_factors_answers_while_the_round_is_open(
    world: SimpleNamespace,
) -> None:
    """Per-factor counts, read before and after one person answers, would tell on which
    factors they said "don't know": they come only with the scores, after close."""
    round = _answered(world, close=False)
    scores = api_for(world.will).get(f"/api/v1/health-rounds/{round.pk}/scores").json()
    assert scores["shown"] is False
    assert {f["people"] for f in scores["factors"]} == {None}
    actions.round_close(by=world.lena, round=round)
    scores = api_for(world.will).get(f"/api/v1/health-rounds/{round.pk}/scores").json()
    assert {f["people"] for f in scores["factors"]} == {6}
