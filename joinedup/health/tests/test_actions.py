"""Rounds, answers, ratings and time logs: what the actions allow, refuse and record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.health import actions
from joinedup.health.models import Answer, Rating, Reflection, Round, RoundStatus, TimeLog
from joinedup.health.queries import latest_ratings
from joinedup.health.scoring import AnswerRow, score_round
from joinedup.health.statements import STATEMENTS
from joinedup.health.tests.helpers import answer, open_round
from joinedup.meetings.models import Notice
from joinedup.partnerships import actions as partnership_actions

TODAY = timezone.localdate()


def test_opening_a_round_tells_every_member_and_is_audited(world: SimpleNamespace) -> None:
    round = open_round(world)
    assert round.is_open and round.opened_by == world.lena
    assert Notice.objects.filter(user=world.lena, subject__startswith="Health check open").exists()
    assert AuditEvent.objects.filter(action="health.round_open", object_id=str(round.pk)).exists()


def test_a_partnership_has_one_open_round_at_a_time(world: SimpleNamespace) -> None:
    open_round(world)
    with pytest.raises(ValidationError, match="already has a round"):
        open_round(world)


def test_the_database_refuses_a_second_open_round(world: SimpleNamespace) -> None:
    open_round(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(partnership=world.partnership, closes_on=TODAY)


def test_a_round_cannot_close_before_today(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as error:
        open_round(world, days=-1)
    assert "closes_on" in error.value.message_dict


def test_a_round_past_its_date_closes_when_a_new_one_opens(world: SimpleNamespace) -> None:
    old = Round.objects.create(
        partnership=world.partnership,
        opened_on=TODAY - dt.timedelta(days=40),
        closes_on=TODAY - dt.timedelta(days=10),
    )
    new = open_round(world)
    old.refresh_from_db()
    assert old.status == RoundStatus.CLOSED and new.is_open


def test_answering_again_replaces_your_earlier_answers(world: SimpleNamespace) -> None:
    round = open_round(world)
    answer(round, world.cora, world.core_org, 2, working="Meetings")
    answer(round, world.cora, world.core_org, 4, would_help="More time")
    mine = Answer.objects.filter(round=round, user=world.cora)
    assert {a.score for a in mine} == {4}
    reflection = Reflection.objects.get(round=round, user=world.cora)
    assert (reflection.working, reflection.would_help) == ("", "More time")


def test_dont_know_is_stored_as_no_score(world: SimpleNamespace) -> None:
    round = open_round(world)
    actions.answer_submit(
        by=world.will,
        round=round,
        organisation=world.wider_org,
        scores={"trust.1": None, "trust.2": 3},
    )
    assert dict(Answer.objects.values_list("statement", "score")) == {"trust.1": None, "trust.2": 3}
    # One person's "don't know" is left out of the factor's mean (before any anonymity rule).
    rows = [
        AnswerRow(a.user_id, a.organisation_id, a.statement, a.score) for a in Answer.objects.all()
    ]
    assert score_round(rows).factor("trust").mean == 3


def test_the_audit_says_someone_answered_but_not_what(world: SimpleNamespace) -> None:
    round = open_round(world)
    answer(round, world.cora, world.core_org, 1)
    event = AuditEvent.objects.get(action="health.answer_submit")
    assert event.after == {
        "organisation": "Riverside Mind",
        "statements": len(STATEMENTS),
        "replaced": 0,
    }


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"trust.1": 6}, "Answer trust.1 with 1 to 5"),
        ({"trust.1": 0}, "Answer trust.1 with 1 to 5"),
        ({"trust.1": True}, "Answer trust.1 with 1 to 5"),
        ({"nope.1": 3}, "There is no statement nope.1"),
        ({}, "Answer at least one statement"),
    ],
)
def test_bad_scores_are_refused_naming_the_statement(
    world: SimpleNamespace, scores: dict, message: str
) -> None:
    round = open_round(world)
    with pytest.raises(ValidationError, match=message) as error:
        actions.answer_submit(
            by=world.cora, round=round, organisation=world.core_org, scores=scores
        )
    assert "scores" in error.value.message_dict


def test_only_people_of_a_current_member_answer_for_it(world: SimpleNamespace) -> None:
    round = open_round(world)
    with pytest.raises(ValidationError, match="You do not answer for Riverside Mind"):
        answer(round, world.will, world.core_org, 3)
    with pytest.raises(ValidationError, match="not a current member"):
        answer(round, world.olive, world.outside_org, 3)
    partnership_actions.membership_end(
        by=None, membership=world.wider_membership, left_on=TODAY, reason="Stepped down"
    )
    with pytest.raises(ValidationError, match="not a current member"):
        answer(round, world.will, world.wider_org, 3)


def test_a_closed_round_takes_no_answers(world: SimpleNamespace) -> None:
    round = open_round(world)
    actions.round_close(by=world.lena, round=round)
    with pytest.raises(ValidationError, match="closed"):
        answer(round, world.cora, world.core_org, 3)
    with pytest.raises(ValidationError, match="closed"):
        actions.round_close(by=world.lena, round=round)


def test_a_round_past_its_closing_date_takes_no_answers(world: SimpleNamespace) -> None:
    round = open_round(world, days=0)
    with pytest.raises(ValidationError, match="closed"):
        actions.answer_submit(
            by=world.cora,
            round=round,
            organisation=world.core_org,
            scores={"trust.1": 3},
            today=TODAY + dt.timedelta(days=1),
        )


def test_the_latest_rating_of_a_pair_counts(world: SimpleNamespace) -> None:
    actions.rating_set(
        by=world.stan,
        partnership=world.partnership,
        rater=world.lead_org,
        rated=world.core_org,
        level=2,
    )
    actions.rating_set(
        by=world.lena,
        partnership=world.partnership,
        rater=world.lead_org,
        rated=world.core_org,
        level=4,
        reliability=3,
    )
    assert Rating.objects.count() == 2  # the earlier view is kept
    [latest] = latest_ratings(world.partnership)
    assert (latest.level, latest.reliability, latest.rated_by) == (4, 3, world.lena)


def test_an_organisation_does_not_rate_itself(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="does not rate itself"):
        actions.rating_set(
            by=world.lena,
            partnership=world.partnership,
            rater=world.lead_org,
            rated=world.lead_org,
            level=3,
        )


def test_the_database_refuses_a_rating_of_itself(world: SimpleNamespace) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            partnership=world.partnership, rater=world.lead_org, rated=world.lead_org, level=1
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"level": 6}, "level"),
        ({"level": -1}, "level"),
        ({"level": 2, "openness": 5}, "openness"),
        ({"level": 2, "resources": 0}, "resources"),
    ],
)
def test_ratings_out_of_range_are_refused_naming_the_field(
    world: SimpleNamespace, kwargs: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        actions.rating_set(
            by=world.lena,
            partnership=world.partnership,
            rater=world.lead_org,
            rated=world.core_org,
            **kwargs,
        )
    assert field in error.value.message_dict


def test_only_those_acting_for_the_rater_rate_for_it(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="You do not act for Riverside Citizens Advice"):
        actions.rating_set(
            by=world.cora,
            partnership=world.partnership,
            rater=world.lead_org,
            rated=world.core_org,
            level=3,
        )
    with pytest.raises(ValidationError, match="not a current member"):
        actions.rating_set(
            by=world.lena,
            partnership=world.partnership,
            rater=world.lead_org,
            rated=world.outside_org,
            level=3,
        )


def test_time_is_logged_with_hours_above_zero_and_not_in_the_future(
    world: SimpleNamespace,
) -> None:
    log = actions.timelog_add(
        by=world.cora,
        partnership=world.partnership,
        organisation=world.core_org,
        on=TODAY,
        hours=Decimal("2.5"),
        note="Case review",
    )
    assert TimeLog.objects.get() == log
    for hours in (Decimal(0), Decimal(-1), Decimal(169)):
        with pytest.raises(ValidationError) as error:
            actions.timelog_add(
                by=world.cora,
                partnership=world.partnership,
                organisation=world.core_org,
                on=TODAY,
                hours=hours,
            )
        assert "hours" in error.value.message_dict
    with pytest.raises(ValidationError, match="future"):
        actions.timelog_add(
            by=world.cora,
            partnership=world.partnership,
            organisation=world.core_org,
            on=TODAY + dt.timedelta(days=1),
            hours=Decimal(1),
        )


def test_an_organisation_logs_at_most_24_hours_a_day_in_a_partnership(
    world: SimpleNamespace,
) -> None:
    def log(hours: str, on: dt.date = TODAY) -> TimeLog:
        return actions.timelog_add(
            by=world.cora,
            partnership=world.partnership,
            organisation=world.core_org,
            on=on,
            hours=Decimal(hours),
        )

    log("16")
    log("8")
    with pytest.raises(ValidationError) as error:
        log("0.25")
    assert "24 hours a day" in error.value.message_dict["hours"][0]
    with pytest.raises(ValidationError) as error:
        log("30", on=TODAY - dt.timedelta(days=1))  # one entry alone is over a day too
    assert "hours" in error.value.message_dict
    log("24", on=TODAY - dt.timedelta(days=1))
    assert sum(t.hours for t in TimeLog.objects.all()) == 48


def test_the_database_refuses_hours_of_zero(world: SimpleNamespace) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeLog.objects.create(
            partnership=world.partnership, organisation=world.core_org, on=TODAY, hours=0
        )
