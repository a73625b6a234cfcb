"""The health API: rounds, answers, scores, ratings and time, under the pages' rules."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from joinedup.conftest import api_for
from joinedup.health import actions
from joinedup.health.tests.helpers import answer, colleagues, open_round

PREFIX = "/api/v1"
TODAY = timezone.localdate()


def test_the_lead_opens_and_closes_a_round(world: SimpleNamespace) -> None:
    url = f"{PREFIX}/partnerships/{world.partnership.pk}/health-rounds"
    closes = (TODAY + dt.timedelta(days=14)).isoformat()
    assert api_for(world.cora).post(url, {"closes_on": closes}).status_code == 403
    assert api_for(world.olive).post(url, {"closes_on": closes}).status_code == 404
    response = api_for(world.lena).post(url, {"closes_on": closes})
    assert response.status_code == 201
    round = response.json()
    assert round["status"] == "open" and round["closes_on"] == closes
    again = api_for(world.lena).post(url, {"closes_on": closes})
    assert (
        again.status_code == 422 and "already has a round" in again.json()["errors"][0]["message"]
    )
    assert [r["id"] for r in api_for(world.will).get(url).json()] == [round["id"]]
    close = f"{PREFIX}/health-rounds/{round['id']}/close"
    assert api_for(world.will).post(close, {}).status_code == 403
    assert api_for(world.lena).post(close, {}).json()["status"] == "closed"


def test_a_bad_closing_date_names_the_field(world: SimpleNamespace) -> None:
    url = f"{PREFIX}/partnerships/{world.partnership.pk}/health-rounds"
    for value in ("yesterday", 20300101, "2020-01-01", "9999-12-31", None):
        response = api_for(world.lena).post(url, {"closes_on": value})
        assert response.status_code == 422, value
        assert response.json()["errors"][0]["field"] == "closes_on"


def test_answering_and_the_scores(world: SimpleNamespace) -> None:
    round = open_round(world)
    url = f"{PREFIX}/health-rounds/{round.pk}/answers"
    # The lead's three people: trust 5, 5, 4, 4 → 4.5. The wider partner's three: trust 2, 3,
    # don't know → 2.5. Three people each, so each organisation is shown once the round closes.
    lead = {"trust.1": 5, "trust.2": 5, "trust.3": 4, "trust.4": 4}
    wider = {"trust.1": 2, "trust.2": 3, "trust.3": None}
    for user in (world.lena, world.stan, *colleagues(world.lead_org, 1)):
        assert api_for(user).post(url, {"organisation_id": world.lead_org.pk, "scores": lead})
    for user in colleagues(world.wider_org, 2):
        assert api_for(user).post(url, {"organisation_id": world.wider_org.pk, "scores": wider})
    response = api_for(world.will).post(
        url, {"organisation_id": world.wider_org.pk, "scores": wider, "working": "Referrals"}
    )
    assert response.status_code == 200
    assert response.json()["scores"] == wider and response.json()["working"] == "Referrals"
    scores_url = f"{PREFIX}/health-rounds/{round.pk}/scores"
    # While the round is open: who answered, no scores.
    scores = api_for(world.otis).get(scores_url).json()
    assert scores["shown"] is False and scores["overall"] is None
    trust = next(f for f in scores["factors"] if f["code"] == "trust")
    assert trust["mean"] is None and trust["by_organisation"] == [] and trust["spread"] is None
    assert scores["respondents"] == 6 and scores["organisations_answered"] == 2
    actions.round_close(by=world.lena, round=round)
    scores = api_for(world.otis).get(scores_url).json()
    trust = next(f for f in scores["factors"] if f["code"] == "trust")
    # Partnership: (4.5 + 2.5) / 2 = 3.5, borderline; spread 4.5 - 2.5 = 2.0, divided.
    assert trust["mean"] == 3.5 and trust["band"] == "borderline"
    assert trust["spread"] == 2.0 and trust["divided"] is True and trust["people"] == 6
    assert trust["by_organisation"] == [
        {"organisation_id": world.lead_org.pk, "mean": 4.5},
        {"organisation_id": world.wider_org.pk, "mean": 2.5},
    ]
    assert trust["other_organisations"] is None and scores["other_organisations"] is None
    assert scores["respondents"] == 6 and scores["organisations_answered"] == 2
    assert scores["members"] == 3 and scores["shown"] is True
    goals = next(f for f in scores["factors"] if f["code"] == "goals")
    assert goals["mean"] is None and goals["band"] is None
    mine = api_for(world.will).get(f"{PREFIX}/health-rounds/{round.pk}/answers/mine").json()
    assert mine["organisation_id"] == world.wider_org.pk and mine["scores"] == wider


def test_bad_answers_name_the_field(world: SimpleNamespace) -> None:
    round = open_round(world)
    url = f"{PREFIX}/health-rounds/{round.pk}/answers"
    cora = api_for(world.cora)
    cases = [
        ({"organisation_id": world.core_org.pk, "scores": {"trust.1": 6}}, "scores.trust.1"),
        ({"organisation_id": world.core_org.pk, "scores": {"trust.1": "4"}}, "scores.trust.1"),
        ({"organisation_id": world.core_org.pk, "scores": {"made.up": 3}}, "scores"),
        ({"organisation_id": world.core_org.pk, "scores": {}}, "scores"),
        ({"organisation_id": world.lead_org.pk, "scores": {"trust.1": 3}}, "organisation_id"),
        ({"organisation_id": world.core_org.pk}, "scores"),
        ({"organisation_id": world.core_org.pk, "scores": {"trust.1": 3}, "x": 1}, "x"),
    ]
    for body, field in cases:
        response = cora.post(url, body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field, body
    body = {"organisation_id": world.core_org.pk, "scores": {"trust.1": 3}}
    assert api_for(world.otis).post(url, body).status_code == 403
    actions.round_close(by=world.lena, round=round)
    assert cora.post(url, body).status_code == 403


def test_ratings_are_set_listed_and_summed_up(world: SimpleNamespace) -> None:
    url = f"{PREFIX}/partnerships/{world.partnership.pk}/ratings"
    body = {"rater_id": world.core_org.pk, "rated_id": world.lead_org.pk, "level": 4}
    assert api_for(world.otis).post(url, body).status_code == 403
    assert api_for(world.cora).post(url, {**body, "rater_id": world.lead_org.pk}).status_code == 422
    bad = api_for(world.cora).post(url, {**body, "level": 9})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "level"
    assert api_for(world.cora).post(url, {**body, "reliability": 2}).status_code == 201
    actions.rating_set(
        by=world.lena,
        partnership=world.partnership,
        rater=world.lead_org,
        rated=world.core_org,
        level=1,
        reliability=4,
        mission=4,
        openness=4,
    )
    listed = api_for(world.will).get(url).json()
    assert {(r["rater_id"], r["level"]) for r in listed} == {
        (world.core_org.pk, 4),
        (world.lead_org.pk, 1),
    }
    summary = api_for(world.will).get(f"{url}/summary").json()
    # Mean level (4 + 1) / 2 = 2.5; one pair, asymmetric (4 against 1).
    assert summary["mean_level"] == 2.5 and summary["share"]["4"] == 0.5
    low, high = sorted([world.lead_org.pk, world.core_org.pk])
    assert len(summary["asymmetric"]) == 1 and summary["asymmetric"][0]["a_id"] == low
    partners = {p["organisation_id"]: p for p in summary["partners"]}
    assert partners[world.core_org.pk]["trust"] == 4.0  # (4 + 4 + 4) / 3 from one rater
    assert partners[world.lead_org.pk]["trust"] == 2.0 and partners[high]["raters"] == 1


def test_time_logs_and_time_invested(world: SimpleNamespace) -> None:
    url = f"{PREFIX}/partnerships/{world.partnership.pk}/time-logs"
    body = {"organisation_id": world.core_org.pk, "on": TODAY.isoformat(), "hours": "2.5"}
    assert api_for(world.otis).post(url, body).status_code == 403
    assert api_for(world.will).post(url, body).status_code == 422  # not Will's organisation
    for hours in ("0", "-1", "169", "abc", "1.234"):
        response = api_for(world.cora).post(url, {**body, "hours": hours})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "hours"
    assert api_for(world.cora).post(url, body).status_code == 201
    assert api_for(world.will).get(url).json()["count"] == 1
    invested = api_for(world.will).get(
        f"{PREFIX}/partnerships/{world.partnership.pk}/time-invested"
    )
    mind = next(
        r for r in invested.json()["organisations"] if r["organisation_id"] == world.core_org.pk
    )
    assert mind["logged"] == "2.50" and mind["total"] == "2.50"
    bad = api_for(world.will).get(
        f"{PREFIX}/partnerships/{world.partnership.pk}/time-invested", start="0001-01-01"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "start"


def test_scores_never_say_who_answered(world: SimpleNamespace) -> None:
    round = open_round(world)
    answer(round, world.cora, world.core_org, 4)
    body = api_for(world.will).get(f"{PREFIX}/health-rounds/{round.pk}/scores").content.decode()
    assert "user" not in body and world.cora.name not in body and world.cora.email not in body
    mine = api_for(world.will).get(f"{PREFIX}/health-rounds/{round.pk}/answers/mine").json()
    assert mine["scores"] == {}
