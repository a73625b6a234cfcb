"""Writes for partnership health: rounds of the health check and their answers, collaboration
ratings and time logs. Each runs in one transaction and writes its audit row; notices go out
only once it has committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from joinedup.actions import action, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.health.models import (
    MAX_HOURS_PER_DAY,
    MAX_HOURS_PER_ENTRY,
    TRUST_FIELDS,
    VALUE_FIELDS,
    Answer,
    Rating,
    Reflection,
    Round,
    RoundStatus,
    TimeLog,
)
from joinedup.health.statements import STATEMENTS
from joinedup.meetings.notices import tell
from joinedup.partnerships.models import (
    ACTING_ORG_ROLES,
    Affiliation,
    Membership,
    Organisation,
    Partnership,
)

ROUND_ALREADY_OPEN = "This partnership already has a round of the health check open."
CLOSES_IN_PAST = "The closing date must be today or later."
ROUND_CLOSED = "This round of the health check is closed."
NOT_A_MEMBER = "{organisation} is not a current member of the partnership."
NOT_YOURS = "You do not answer for {organisation}."
NOT_ACTING = "You do not act for {organisation}."
UNKNOWN_STATEMENT = "There is no statement {code}."
BAD_SCORE = "Answer {code} with 1 to 5, or leave it as don't know."
NOTHING_ANSWERED = "Answer at least one statement."
RATES_ITSELF = "An organisation does not rate itself."
BAD_LEVEL = "A level is 0 to 5."
BAD_ONE_TO_FOUR = "Give 1 to 4, or leave it empty."
BAD_HOURS = "Hours must be more than 0 and at most 168 (one week)."
IN_FUTURE = "Log time already spent: the date cannot be in the future."
OVER_A_DAY = (
    "No more than 24 hours a day can be logged: {organisation} already has {logged:g} hours "
    "on {on:%-d %b %Y} in this partnership."
)

RATING_FIELDS = ["rater", "rated", "level", *TRUST_FIELDS, *VALUE_FIELDS]


def _member(partnership: Partnership, organisation: Organisation, field: str) -> None:
    if (
        not Membership.objects.current()
        .filter(partnership=partnership, organisation=organisation)
        .exists()
    ):
        raise ValidationError({field: NOT_A_MEMBER.format(organisation=organisation)})


def _members(partnership: Partnership) -> list[Organisation]:
    return [
        m.organisation
        for m in Membership.objects.current()
        .filter(partnership=partnership)
        .select_related("organisation")
    ]


def _still_open(round: Round, today: dt.date) -> None:
    if not round.is_open or round.closes_on < today:
        raise ValidationError(ROUND_CLOSED)


@action
def round_open(
    *, by: Any, partnership: Partnership, closes_on: dt.date, today: dt.date | None = None
) -> Round:
    """Open a round of the health check and tell every member organisation."""
    today = today or timezone.localdate()
    if closes_on < today:
        raise ValidationError({"closes_on": CLOSES_IN_PAST})
    rounds_close_due(today=today, partnership=partnership)
    if Round.objects.filter(partnership=partnership, status=RoundStatus.OPEN).exists():
        raise ValidationError(ROUND_ALREADY_OPEN)
    round = Round.objects.create(
        partnership=partnership, opened_by=person(by), opened_on=today, closes_on=closes_on
    )
    audit_record(
        actor=by,
        action="health.round_open",
        obj=round,
        partnership=partnership,
        after=snapshot(round, ["opened_on", "closes_on"]),
    )
    tell(
        _members(partnership),
        f"Health check open until {closes_on:%-d %B}: {partnership.name}",
        "Your partnership's health check is open. Everyone in your organisation who works "
        "with the partnership is asked to answer; it takes about ten minutes.",
        round.get_absolute_url(),
    )
    return round


@action
def round_close(*, by: Any, round: Round, at: dt.datetime | None = None) -> Round:
    """Close `round` now, or `at` a given moment (a round past its date closed at the end of
    its closing day, whenever that is noticed)."""
    if not round.is_open:
        raise ValidationError(ROUND_CLOSED)
    round.status = RoundStatus.CLOSED
    round.closed_at = at or timezone.now()
    round.closed_by = person(by)
    round.save(update_fields=["status", "closed_at", "closed_by"])
    audit_record(
        actor=by,
        action="health.round_close",
        obj=round,
        partnership=round.partnership,
        after=snapshot(round, ["status", "closed_at"]),
    )
    return round


def rounds_close_due(*, today: dt.date, partnership: Partnership | None = None) -> list[Round]:
    """Close every open round whose closing date has passed (by the system), as at the end of
    its closing day."""
    due = Round.objects.filter(status=RoundStatus.OPEN, closes_on__lt=today)
    if partnership is not None:
        due = due.filter(partnership=partnership)
    zone = timezone.get_current_timezone()
    return [
        round_close(
            by=None,
            round=r,
            at=dt.datetime.combine(r.closes_on + dt.timedelta(days=1), dt.time.min, zone),
        )
        for r in due.select_related("partnership")
    ]


def _check_scores(scores: Mapping[str, int | None]) -> None:
    errors = []
    for code, score in scores.items():
        if code not in STATEMENTS:
            errors.append(UNKNOWN_STATEMENT.format(code=code))
        elif score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5
        ):
            errors.append(BAD_SCORE.format(code=code))
    if errors:
        raise ValidationError({"scores": errors})
    if not scores:
        raise ValidationError({"scores": NOTHING_ANSWERED})


@action
def answer_submit(
    *,
    by: Any,
    round: Round,
    organisation: Organisation,
    scores: Mapping[str, int | None],
    working: str = "",
    would_help: str = "",
    today: dt.date | None = None,
) -> list[Answer]:
    """Record `by`'s answers for `organisation`, replacing any they gave earlier in this round.
    A statement given None is "don't know"; one left out is not answered."""
    _still_open(round, today or timezone.localdate())
    _member(round.partnership, organisation, "organisation")
    if not Affiliation.objects.filter(user=by, organisation=organisation).exists():
        raise ValidationError({"organisation": NOT_YOURS.format(organisation=organisation)})
    _check_scores(scores)
    replaced = Answer.objects.filter(round=round, user=by).delete()[0]
    answers = Answer.objects.bulk_create(
        Answer(round=round, user=by, organisation=organisation, statement=code, score=score)
        for code, score in scores.items()
    )
    Reflection.objects.update_or_create(
        round=round,
        user=by,
        defaults={
            "organisation": organisation,
            "working": working.strip(),
            "would_help": would_help.strip(),
            "answered_at": timezone.now(),
        },
    )
    audit_record(
        actor=by,
        action="health.answer_submit",
        obj=round,
        partnership=round.partnership,
        # The audit says that someone answered, never what: answers are shown only in aggregate.
        after={"organisation": str(organisation), "statements": len(answers), "replaced": replaced},
    )
    return answers


def _one_to_four(values: Mapping[str, int | None]) -> None:
    errors = {
        name: BAD_ONE_TO_FOUR
        for name, value in values.items()
        if value is not None and (isinstance(value, bool) or not 1 <= value <= 4)
    }
    if errors:
        raise ValidationError(errors)


@action
def rating_set(
    *,
    by: Any,
    partnership: Partnership,
    rater: Organisation,
    rated: Organisation,
    level: int,
    reliability: int | None = None,
    mission: int | None = None,
    openness: int | None = None,
    influence: int | None = None,
    involvement: int | None = None,
    resources: int | None = None,
) -> Rating:
    """`rater`'s view of its relationship with `rated`, kept beside its earlier views; the
    latest counts."""
    if rater.pk == rated.pk:
        raise ValidationError({"rated": RATES_ITSELF})
    _member(partnership, rater, "rater")
    _member(partnership, rated, "rated")
    if (
        by is not None
        and not Affiliation.objects.filter(
            user=by, organisation=rater, role__in=ACTING_ORG_ROLES
        ).exists()
    ):
        raise ValidationError({"rater": NOT_ACTING.format(organisation=rater)})
    if isinstance(level, bool) or not 0 <= level <= 5:
        raise ValidationError({"level": BAD_LEVEL})
    extra = {
        "reliability": reliability,
        "mission": mission,
        "openness": openness,
        "influence": influence,
        "involvement": involvement,
        "resources": resources,
    }
    _one_to_four(extra)
    rating = Rating.objects.create(
        partnership=partnership, rater=rater, rated=rated, level=level, rated_by=person(by), **extra
    )
    audit_record(
        actor=by,
        action="health.rating_set",
        obj=rating,
        partnership=partnership,
        after=snapshot(rating, RATING_FIELDS),
    )
    return rating


@action
def timelog_add(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    on: dt.date,
    hours: Decimal,
    note: str = "",
    today: dt.date | None = None,
) -> TimeLog:
    _member(partnership, organisation, "organisation")
    if (
        by is not None
        and not Affiliation.objects.filter(
            user=by, organisation=organisation, role__in=ACTING_ORG_ROLES
        ).exists()
    ):
        raise ValidationError({"organisation": NOT_ACTING.format(organisation=organisation)})
    if not Decimal(0) < hours <= MAX_HOURS_PER_ENTRY:
        raise ValidationError({"hours": BAD_HOURS})
    if on > (today or timezone.localdate()):
        raise ValidationError({"on": IN_FUTURE})
    # The partnership's row is locked so that two entries for the same day, sent at once,
    # cannot both fit under the day's limit.
    list(Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk"))
    logged = TimeLog.objects.filter(
        partnership=partnership, organisation=organisation, on=on
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if logged + hours > MAX_HOURS_PER_DAY:
        raise ValidationError(
            {"hours": OVER_A_DAY.format(organisation=organisation, logged=logged, on=on)}
        )
    log = TimeLog.objects.create(
        partnership=partnership,
        organisation=organisation,
        user=person(by),
        on=on,
        hours=hours,
        note=note.strip(),
    )
    audit_record(
        actor=by,
        action="health.timelog_add",
        obj=log,
        partnership=partnership,
        after=snapshot(log, ["organisation", "on", "hours", "note"]),
    )
    return log
