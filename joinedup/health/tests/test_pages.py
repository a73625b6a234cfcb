"""The health pages: who may open, answer, see and rate, and what the results show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for
from joinedup.health import actions
from joinedup.health.models import Answer, Rating, Round, TimeLog
from joinedup.health.statements import FACTORS
from joinedup.health.tests.helpers import answer, colleagues, open_round
from joinedup.meetings import actions as meeting_actions
from joinedup.meetings.tests.helpers import core_series, days_from_today, meet

TODAY = timezone.localdate()


def _all(score: str) -> dict[str, str]:
    return {s.code: score for f in FACTORS for s in f.statements}


def test_the_lead_opens_a_round_from_the_page(world: SimpleNamespace) -> None:
    url = reverse("health_round_open", args=[world.partnership.pk])
    closes = TODAY + dt.timedelta(days=21)
    response = client_for(world.lena).post(url, {"closes_on": closes.isoformat()})
    round = Round.objects.get(partnership=world.partnership)
    assert response.status_code == 302 and response["Location"] == round.get_absolute_url()
    assert round.closes_on == closes


def test_a_bad_closing_date_is_named(world: SimpleNamespace) -> None:
    url = reverse("health_round_open", args=[world.partnership.pk])
    for value in ("", "not a date", (TODAY - dt.timedelta(days=1)).isoformat(), "99999-01-01"):
        response = client_for(world.lena).post(url, {"closes_on": value})
        assert response.status_code == 422
        assert "Closes on" in response.content.decode()
    assert not Round.objects.exists()


def test_only_the_leads_managers_open_and_close_rounds(world: SimpleNamespace) -> None:
    url = reverse("health_round_open", args=[world.partnership.pk])
    for user in (world.stan, world.cora, world.will, world.otis):
        assert client_for(user).get(url).status_code == 403
    assert client_for(world.olive).get(url).status_code == 404
    round = open_round(world)
    close = reverse("health_round_close", args=[world.partnership.pk, round.pk])
    assert client_for(world.cora).post(close).status_code == 403
    assert "This cannot be undone." in client_for(world.lena).get(close).content.decode()
    assert client_for(world.lena).post(close).status_code == 302
    round.refresh_from_db()
    assert not round.is_open


def test_partners_answer_and_the_results_show_bands_and_the_spread(
    world: SimpleNamespace,
) -> None:
    round = open_round(world)
    url = reverse("health_answer", args=[world.partnership.pk, round.pk])
    # The lead's people agree strongly with everything; the wider partner's disagree. Three
    # of each answer, so that each organisation's own scores are shown once the round closes.
    assert client_for(world.lena).post(url, {"organisation": world.lead_org.pk, **_all("5")})
    response = client_for(world.will).post(
        url, {"organisation": world.wider_org.pk, **_all("2"), "working": "The food parcels"}
    )
    assert response.status_code == 302
    for user in (world.stan, *colleagues(world.lead_org, 1)):
        answer(round, user, world.lead_org, 5)
    for user in colleagues(world.wider_org, 2):
        answer(round, user, world.wider_org, 2)
    open_page = client_for(world.cora).get(round.get_absolute_url()).content.decode()
    assert "6 people from 2 of 3 member organisations answered" in open_page
    assert "<td>3.5</td>" not in open_page and "The food parcels" not in open_page
    actions.round_close(by=world.lena, round=round)
    page = client_for(world.cora).get(round.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    # Every factor: (5 + 2) / 2 = 3.5, borderline; spread 5 - 2 = 3.0, flagged.
    assert body.count("<td>3.5</td><td>Borderline</td>") == len(FACTORS)
    assert "Seen differently" in body and "a spread of 3.0" in body
    assert "Riverside Citizens Advice (Lead) gives 5.0" in body
    assert "Hillside Food Bank (Wider) gives 2.0" in body
    assert 'id="factor-chart"' in body and 'id="spread-chart"' in body
    assert "The food parcels" in body
    assert "once three or more of its people have answered" in body
    # Never who answered what.
    assert "Will Wider" not in body and "Lena Lead" not in body


def test_the_trend_compares_with_the_last_closed_round(world: SimpleNamespace) -> None:
    core = [world.cora, *colleagues(world.core_org, 2)]
    first = open_round(world)
    for user in core:
        answer(first, user, world.core_org, 2)
    actions.round_close(by=world.lena, round=first)
    second = open_round(world)
    for user in core:
        answer(second, user, world.core_org, 4)
    actions.round_close(by=world.lena, round=second)
    body = client_for(world.lena).get(second.get_absolute_url()).content.decode()
    assert body.count("<td>4.0</td><td>Strength</td><td>+2.0</td>") == len(FACTORS)


def test_the_answer_form_keeps_earlier_answers_and_names_bad_ones(world: SimpleNamespace) -> None:
    round = open_round(world)
    answer(round, world.cora, world.core_org, 4)
    url = reverse("health_answer", args=[world.partnership.pk, round.pk])
    page = client_for(world.cora).get(url).content.decode()
    assert "You have answered already" in page and 'value="4" id="id_trust.1_3" checked' in page
    response = client_for(world.cora).post(url, {"organisation": world.core_org.pk, "trust.1": "9"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    response = client_for(world.cora).post(url, {"organisation": world.core_org.pk})
    assert response.status_code == 422 and "Answer at least one statement" in (
        response.content.decode()
    )
    response = client_for(world.cora).post(url, {"organisation": world.lead_org.pk, "trust.1": "3"})
    assert response.status_code == 422  # not one of Cora's organisations
    assert set(Answer.objects.values_list("score", flat=True)) == {4}


def test_dont_know_is_an_answer_on_the_page(world: SimpleNamespace) -> None:
    round = open_round(world)
    url = reverse("health_answer", args=[world.partnership.pk, round.pk])
    client_for(world.will).post(url, {"organisation": world.wider_org.pk, "trust.1": "dk"})
    assert Answer.objects.get().score is None


def test_who_answers_and_who_only_sees(world: SimpleNamespace) -> None:
    round = open_round(world)
    url = reverse("health_answer", args=[world.partnership.pk, round.pk])
    for user in (world.lena, world.stan, world.cora, world.will):
        assert client_for(user).get(url).status_code == 200
    assert client_for(world.otis).get(url).status_code == 403
    assert client_for(world.olive).get(url).status_code == 404
    assert client_for(world.otis).get(round.get_absolute_url()).status_code == 200
    assert client_for(world.olive).get(round.get_absolute_url()).status_code == 404
    actions.round_close(by=world.lena, round=round)
    assert client_for(world.cora).get(url).status_code == 403


def test_the_health_page_lists_rounds_and_the_latest_results(world: SimpleNamespace) -> None:
    url = reverse("health", args=[world.partnership.pk])
    body = client_for(world.lena).get(url).content.decode()
    assert "Open a round of the health check" in body
    round = open_round(world)
    answer(round, world.cora, world.core_org, 4)
    body = client_for(world.will).get(url).content.decode()
    assert "Answer the health check" in body and "Open a round" not in body
    assert "1 person from 1 of 3 member organisations answered" in body
    assert client_for(world.olive).get(url).status_code == 404
    assert client_for(world.lena).post(url).status_code == 405


def test_while_a_round_is_open_the_lead_is_told_why_none_can_open(world: SimpleNamespace) -> None:
    round = open_round(world)
    body = client_for(world.lena).get(reverse("health", args=[world.partnership.pk])).content
    text = body.decode()
    assert reverse("health_round_open", args=[world.partnership.pk]) not in text
    explained = text.split("one round open at a time", 1)[1].split("</p>", 1)[0]
    assert f'href="{round.get_absolute_url()}"' in explained


def test_a_round_past_its_date_shows_closed(world: SimpleNamespace) -> None:
    round = Round.objects.create(
        partnership=world.partnership,
        opened_on=TODAY - dt.timedelta(days=30),
        closes_on=TODAY - dt.timedelta(days=1),
    )
    body = client_for(world.cora).get(round.get_absolute_url()).content.decode()
    assert "Closed" in body and "Answer the health check" not in body


def test_a_partner_rates_another_and_sees_the_matrix(world: SimpleNamespace) -> None:
    url = reverse("health_ratings", args=[world.partnership.pk])
    page = client_for(world.cora).get(url).content.decode()
    assert "We have no contact with them." in page  # the levels are explained
    response = client_for(world.cora).post(
        url,
        {"rater": world.core_org.pk, "rated": world.lead_org.pk, "level": "4", "reliability": "3"},
    )
    assert response.status_code == 302
    actions.rating_set(
        by=world.lena,
        partnership=world.partnership,
        rater=world.lead_org,
        rated=world.core_org,
        level=1,
    )
    body = client_for(world.otis).get(url).content.decode()
    # Mean level (4 + 1) / 2 = 2.5; 50% at level 1 and 50% at level 4.
    assert "Mean level: <strong>2.5</strong>" in body
    assert '<th scope="row">4 Coalition</th><td>50%</td>' in body
    assert "Asymmetric" in body
    assert "Riverside Citizens Advice says 1; Riverside Mind says 4" in body


def test_bad_ratings_are_named_and_only_members_rate(world: SimpleNamespace) -> None:
    url = reverse("health_ratings", args=[world.partnership.pk])
    response = client_for(world.cora).post(
        url, {"rater": world.core_org.pk, "rated": world.core_org.pk, "level": "3"}
    )
    # One's own organisation is not offered (the new-user review), and refused if sent.
    assert response.status_code == 422
    rated = response.context["form"].fields["rated"].queryset
    assert world.core_org not in rated and world.lead_org in rated
    response = client_for(world.cora).post(
        url, {"rater": world.core_org.pk, "rated": world.lead_org.pk, "level": "7"}
    )
    assert response.status_code == 422
    response = client_for(world.cora).post(
        url, {"rater": world.lead_org.pk, "rated": world.wider_org.pk, "level": "2"}
    )
    assert response.status_code == 422  # Cora does not act for the lead
    assert client_for(world.otis).post(url, {"level": "2"}).status_code == 403
    assert client_for(world.olive).get(url).status_code == 404
    assert not Rating.objects.exists()


def test_time_counts_hours_logged_and_meetings_attended(world: SimpleNamespace) -> None:
    series = core_series(world)
    meeting = meet(series, days_from_today(-3))  # 10:00 to 12:00
    for org in (world.lead_org, world.core_org):
        meeting_actions.attendance_record(
            by=None, meeting=meeting, organisation=org, presence="present", person_name="X"
        )
    url = reverse("health_time", args=[world.partnership.pk])
    response = client_for(world.cora).post(
        url, {"organisation": world.core_org.pk, "on": TODAY.isoformat(), "hours": "1.5"}
    )
    assert response.status_code == 302
    assert TimeLog.objects.get().hours == Decimal("1.5")
    body = client_for(world.otis).get(url).content.decode()
    # Riverside Mind: 1.5 logged + 2 in the meeting = 3.5; the lead: 2 in the meeting.
    assert '<th scope="row">Riverside Mind</th><td>1.5</td><td>2</td><td>3.5</td>' in body
    assert '<th scope="row">Riverside Citizens Advice</th><td>0</td><td>2</td><td>2</td>' in body
    assert "5.5 hours in all" in body


def test_bad_hours_and_periods_are_named(world: SimpleNamespace) -> None:
    url = reverse("health_time", args=[world.partnership.pk])
    response = client_for(world.cora).post(
        url, {"organisation": world.core_org.pk, "on": TODAY.isoformat(), "hours": "0"}
    )
    assert response.status_code == 422 and "Hours" in response.content.decode()
    for hours in ("20", "5"):
        response = client_for(world.cora).post(
            url, {"organisation": world.core_org.pk, "on": TODAY.isoformat(), "hours": hours}
        )
    assert response.status_code == 422
    assert "No more than 24 hours a day" in response.content.decode()
    assert TimeLog.objects.get().hours == 20
    assert client_for(world.cora).get(url, {"start": "nonsense"}).status_code == 422
    assert client_for(world.otis).post(url, {"hours": "1"}).status_code == 403
    assert client_for(world.olive).get(url).status_code == 404


def test_a_round_past_its_date_takes_no_more_answers_on_the_page(world: SimpleNamespace) -> None:
    round = Round.objects.create(
        partnership=world.partnership,
        opened_on=TODAY - dt.timedelta(days=30),
        closes_on=TODAY - dt.timedelta(days=1),
    )
    url = reverse("health_answer", args=[world.partnership.pk, round.pk])
    assert client_for(world.cora).get(url).status_code == 403
    round.refresh_from_db()
    assert not round.is_open
