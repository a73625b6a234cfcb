"""Reads for partnership health: a round's results, the ratings in force, the time invested.
Each runs a fixed number of queries however many answers, ratings or hours there are."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import caches
from django.db.models import F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from joinedup.health.models import Answer, Rating, Reflection, Round, RoundStatus, TimeLog
from joinedup.health.scoring import (
    OTHERS,
    OTHERS_NAME,
    AnswerRow,
    FactorScore,
    RatingRow,
    Ratings,
    RoundScores,
    anonymise,
    may_show,
    score_ratings,
    score_round,
    trend,
)
from joinedup.meetings.models import Attendance, MeetingStatus, Presence
from joinedup.partnerships.models import Membership, Organisation, Partnership


def answer_rows(round_ids: list[int]) -> dict[int, list[AnswerRow]]:
    rows: dict[int, list[AnswerRow]] = defaultdict(list)
    values = (
        Answer.objects.filter(round_id__in=round_ids)
        # No ordering: the model's (by organisation name and user) joins two tables and sorts
        # every answer, for figures that do not depend on the order.
        .order_by()
        .values_list("round_id", "user_id", "organisation_id", "statement", "score")
    )
    for round_id, user, organisation, statement, score in values:
        rows[round_id].append(AnswerRow(user, organisation, statement, score))
    return rows


CLOSED_SCORES_SECONDS = 60 * 60 * 24 * 30


def _closed_key(round: Round) -> str:
    return (
        f"joinedup:closed-round-scores:{round.pk}:{round.closed_at and round.closed_at.isoformat()}"
    )


def round_scores(rounds: Iterable[Round]) -> dict[int, RoundScores]:
    """Each round's scores as they may be shown (`scoring.anonymise`). A closed round's never
    change — no answer is taken once it closes — so they are computed once and kept in the
    process's own cache under the round and the moment it closed (so no process can keep a
    wrong one, and keeping costs no query, as a shared cache's write per round would); an open
    round's are computed afresh. One query for the answers of the rounds not kept, none when
    all are."""
    cache = caches["local"]
    rounds = list(rounds)
    closed = {r.pk: _closed_key(r) for r in rounds if not r.is_open}
    kept = cache.get_many(list(closed.values())) if closed else {}
    found = {pk: kept[key] for pk, key in closed.items() if key in kept}
    missing = [r for r in rounds if r.pk not in found]
    if missing:
        rows = answer_rows([r.pk for r in missing])
        fresh = {r.pk: anonymise(score_round(rows[r.pk]), closed=not r.is_open) for r in missing}
        cache.set_many(
            {closed[pk]: scores for pk, scores in fresh.items() if pk in closed},
            CLOSED_SCORES_SECONDS,
        )
        found.update(fresh)
    return found


def previous_round(round: Round) -> Round | None:
    """The latest closed round of the same partnership opened before this one."""
    return (
        Round.objects.filter(partnership_id=round.partnership_id, status=RoundStatus.CLOSED)
        .filter(Q(opened_on__lt=round.opened_on) | Q(opened_on=round.opened_on, pk__lt=round.pk))
        .order_by("-opened_on", "-pk")
        .first()
    )


@dataclass
class Results:
    """A round's figures as they may be shown: `scores` is anonymised (see
    `scoring.anonymise`), so organisations under the threshold are pooled under OTHERS."""

    round: Round
    scores: RoundScores
    previous: Round | None
    change: dict[str, Fraction | None]
    organisations: list[Organisation]  # those shown on their own, by name
    members: list[Membership]  # current members, for participation
    working: list[str]
    would_help: list[str]

    @property
    def answered(self) -> int:
        return self.scores.people

    @property
    def organisations_answered(self) -> int:
        return self.scores.organisations_answered

    @property
    def shown(self) -> bool:
        """The partnership's figures may be shown."""
        return self.scores.shown

    @property
    def pooled(self) -> int:
        return self.scores.pooled

    @property
    def others_name(self) -> str:
        n = self.scores.pooled
        return f"{OTHERS_NAME} ({n} pooled)"

    def names(self) -> dict[int, str]:
        return {o.pk: o.name for o in self.organisations} | {OTHERS: self.others_name}

    def role_of(self, organisation_id: int) -> str:
        if organisation_id == OTHERS:
            return "fewer than three answered each"
        return next(
            (m.get_role_display() for m in self.members if m.organisation_id == organisation_id),
            "Former member",
        )

    @property
    def pool_shown(self) -> bool:
        return any(OTHERS in f.by_organisation for f in self.scores.factors)

    def column_ids(self) -> list[int]:
        """The organisations shown on their own, by name, then the pool when it is shown."""
        return [o.pk for o in self.organisations] + ([OTHERS] if self.pool_shown else [])

    def columns(self) -> list[tuple[str, str, int]]:
        """Each column of the table by organisation: its name, role and how many answered."""
        names = self.names()
        return [
            (names[pk], self.role_of(pk), self.scores.respondents[pk]) for pk in self.column_ids()
        ]

    def flags(
        self,
    ) -> list[tuple[FactorScore, tuple[str, str, Fraction], tuple[str, str, Fraction]]]:
        """Each factor seen differently, with the organisation (or the pool) scoring it highest
        and lowest (name, role, mean)."""
        names = self.names()
        out = []
        for f in self.scores.divided:
            (hi, high), (lo, low) = f.highest or (0, Fraction(0)), f.lowest or (0, Fraction(0))
            out.append((f, (names[hi], self.role_of(hi), high), (names[lo], self.role_of(lo), low)))
        return out

    def rows(self) -> list[tuple[FactorScore, Fraction | None, list[Fraction | None]]]:
        """Per factor: its scores, its change since the last round, and each organisation's
        mean in the order of `organisations`."""
        return [
            (
                f,
                self.change[f.code],
                [f.by_organisation.get(pk) for pk in self.column_ids()],
            )
            for f in self.scores.factors
        ]


def results(round: Round) -> Results:
    """A round's scores as they may be shown, with the trend against the previous round.
    Four queries, five once the round's figures may be shown (the free text); one fewer once
    the scores of the round and the one before are kept (`round_scores`)."""
    before = previous_round(round)  # 1
    found = round_scores([round] + ([before] if before else []))  # 2, none once both closed
    scores = found[round.pk]
    previous = found[before.pk] if before else None
    organisations = list(  # 3
        Organisation.objects.filter(pk__in=set(scores.respondents) - {OTHERS}).order_by("name")
    )
    members = list(  # 4
        Membership.objects.current()
        .filter(partnership_id=round.partnership_id)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    # Free text is shown without names or organisations, sorted, so that it cannot be traced,
    # and only after the round closes with three or more people answering.
    texts: list[tuple[str, str]] = []
    if may_show(scores.people, closed=not round.is_open):
        texts = list(Reflection.objects.filter(round=round).values_list("working", "would_help"))
    return Results(
        round,
        scores,
        before,
        trend(scores, previous),
        organisations,
        members,
        sorted(w for w, _ in texts if w),
        sorted(h for _, h in texts if h),
    )


def own_answers(round: Round, user: Any) -> tuple[dict[str, int | None], Reflection | None]:
    """What `user` answered in `round`, to fill the form again."""
    answers = dict(Answer.objects.filter(round=round, user=user).values_list("statement", "score"))
    return answers, Reflection.objects.filter(round=round, user=user).first()


def latest_ratings(partnership: Partnership) -> QuerySet[Rating]:
    """The rating in force for each rater → rated pair, both still current members: the newest
    of each pair by a window function over the index of partnership, rater, rated and time
    (a correlated subquery per rating took 217 ms at 250 members; issue 19)."""
    members = Membership.objects.current().filter(partnership=partnership)
    newest = Window(
        RowNumber(),
        partition_by=[F("rater_id"), F("rated_id")],
        order_by=[F("rated_at").desc(), F("pk").desc()],
    )
    return (
        Rating.objects.filter(partnership=partnership)
        .filter(
            rater_id__in=members.values("organisation_id"),
            rated_id__in=members.values("organisation_id"),
        )
        .annotate(newest=newest)
        .filter(newest=1)
    )


@dataclass
class RatingsView:
    members: list[Membership]
    ratings: Ratings
    in_force: list[Rating]  # without their organisations: see `by`

    def organisation(self, pk: int) -> Organisation:
        return self.names()[pk]

    def names(self) -> dict[int, Organisation]:
        """{organisation id: the member organisation}, built once."""
        if not hasattr(self, "_names"):
            self._names = {m.organisation_id: m.organisation for m in self.members}
        return self._names

    def by(self, raters: Iterable[int]) -> list[Rating]:
        """The ratings in force given by these organisations, with their organisations."""
        raters, names = set(raters), self.names()
        mine = [r for r in self.in_force if r.rater_id in raters]
        for r in mine:
            r.rater, r.rated = names[r.rater_id], names[r.rated_id]
        return sorted(mine, key=lambda r: (r.rater.name, r.rated.name, r.pk))


RATING_FIELDS = (
    "pk",
    "rater_id",
    "rated_id",
    "level",
    "reliability",
    "mission",
    "openness",
    "influence",
    "involvement",
    "resources",
    "rated_at",
)


def ratings_view(partnership: Partnership) -> RatingsView:
    """Two queries: the members and the ratings in force, the latter read as values (every
    pair's rating made into a model with its two organisations was most of the page's time at
    250 members); `RatingsView.by` makes models of one organisation's own."""
    members = list(
        Membership.objects.current()
        .filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    values = latest_ratings(partnership).order_by().values_list(*RATING_FIELDS)
    in_force = [Rating(**dict(zip(RATING_FIELDS, v, strict=True))) for v in values]
    rows = [
        RatingRow(
            r.rater_id,
            r.rated_id,
            r.level,
            (r.reliability, r.mission, r.openness),
            (r.influence, r.involvement, r.resources),
        )
        for r in in_force
    ]
    return RatingsView(members, score_ratings(rows), in_force)


@dataclass
class TimeRow:
    organisation: Organisation
    logged: Decimal = Decimal(0)
    meetings: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.logged + self.meetings


@dataclass
class TimeInvested:
    start: dt.date
    end: dt.date
    rows: list[TimeRow]
    months: list[tuple[dt.date, Decimal, Decimal]]  # month, logged, meetings
    recent: list[TimeLog] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), Decimal(0))


def _month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.replace(day=1)


def time_invested(
    partnership: Partnership, start: dt.date, end: dt.date, recent: int = 20
) -> TimeInvested:
    """Hours logged, and hours in meetings counted from attendance — each organisation present
    at a meeting held counts the meeting's length — per organisation and per month, between
    `start` and `end` inclusive. Five queries."""
    logs = TimeLog.objects.filter(partnership=partnership, on__gte=start, on__lte=end)
    logged = dict(logs.values_list("organisation_id").annotate(h=Sum("hours")))  # 1
    logged_months = (
        logs.annotate(month=TruncMonth("on")).values_list("month").annotate(h=Sum("hours"))
    )  # 2
    tz = timezone.get_current_timezone()
    present = Attendance.objects.filter(
        meeting__series__partnership=partnership,
        presence=Presence.PRESENT,
        meeting__starts_at__gte=dt.datetime.combine(start, dt.time.min, tz),
        meeting__starts_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
        meeting__starts_at__lte=timezone.now(),
    ).exclude(meeting__status=MeetingStatus.CANCELLED)
    in_meetings: dict[int, Decimal] = defaultdict(Decimal)
    month_meetings: dict[dt.date, Decimal] = defaultdict(Decimal)
    for org, starts, ends in present.values_list(  # 3
        "organisation_id", "meeting__starts_at", "meeting__ends_at"
    ):
        hours = Decimal((ends - starts).total_seconds()) / 3600
        in_meetings[org] += hours
        month_meetings[_month(starts)] += hours
    members = Membership.objects.current().filter(partnership=partnership)
    organisations = Organisation.objects.filter(  # 4
        Q(pk__in={*logged, *in_meetings}) | Q(pk__in=members.values("organisation_id"))
    ).order_by("name")
    rows = [
        TimeRow(o, Decimal(logged.get(o.pk) or 0), in_meetings.get(o.pk, Decimal(0)))
        for o in organisations
    ]
    month_logged = {_month(m): Decimal(h) for m, h in logged_months}
    months = sorted(set(month_logged) | set(month_meetings))
    latest = list(logs.select_related("organisation", "user").order_by("-on", "-pk")[:recent])  # 5
    return TimeInvested(
        start,
        end,
        rows,
        [(m, month_logged.get(m, Decimal(0)), month_meetings.get(m, Decimal(0))) for m in months],
        latest,
    )
