"""API for partnership health: rounds of the health check, answers, their scores, collaboration
ratings and time invested, under the pages' rules. Scores are aggregates: no endpoint tells who
answered what, except your own answers to you."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from joinedup import dates
from joinedup.access import get_for
from joinedup.api.common import MAX_ID, NO_NUL, Date, Id, In, PageParams, paginate, resolve
from joinedup.api.errors import error_responses
from joinedup.health import actions, queries
from joinedup.health.models import Round, RoundStatus, TimeLog
from joinedup.health.rules import member_organisations
from joinedup.health.scoring import OTHERS, as_float
from joinedup.partnerships.models import Organisation, Partnership

router = Router(tags=["health"])
VIEW = "health.view_health"
Score = Annotated[StrictInt, Field(ge=1, le=5)]
OneToFour = Annotated[StrictInt | None, Field(None, ge=1, le=4)]
Free = Annotated[str, Field(max_length=5000, pattern=NO_NUL)]
OrgId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]


class RoundOut(Schema):
    id: int
    partnership_id: int
    opened_on: dt.date
    closes_on: dt.date
    status: RoundStatus
    closed_at: dt.datetime | None


class RoundIn(In):
    closes_on: Annotated[Date, dates.ROUND_CLOSES.api]


class AnswersIn(In):
    organisation_id: OrgId
    scores: dict[Annotated[str, Field(max_length=40)], Score | None] = Field(
        description='Statement code → 1 to 5, or null for "don\'t know"; leave a statement out '
        "to skip it. Replaces your earlier answers in this round."
    )
    working: Free = ""
    would_help: Free = ""


class AnswersOut(Schema):
    round_id: int
    organisation_id: int | None
    scores: dict[str, int | None]
    working: str
    would_help: str


class OrganisationMean(Schema):
    organisation_id: int
    mean: float


class FactorOut(Schema):
    code: str
    name: str
    mean: float | None = Field(description="Null until the round closes with three answering.")
    band: str | None
    change: float | None = Field(description="Since the previous closed round.")
    spread: float | None = Field(
        description="Over the organisations shown and the pool of other organisations."
    )
    divided: bool = Field(description="Organisations' means differ by 1.0 or more.")
    people: int | None = Field(
        description='People who scored this factor (not only "don\'t know"); null until '
        "the scores are shown, so that nobody reads one person's answers from how it moves."
    )
    by_organisation: list[OrganisationMean] = Field(
        description="Only organisations three or more of whose people answered a closed round."
    )
    other_organisations: float | None = Field(
        description="The mean of the pooled organisations' means, when three or more people "
        "answered among them; null otherwise."
    )


class OthersOut(Schema):
    organisations: int = Field(
        description="Organisations pooled: those with fewer than three people answering, and where "
        "need be the smallest of the others, so that no one person's answers can be worked out."
    )
    people: int


class ScoresOut(Schema):
    round_id: int
    previous_round_id: int | None
    shown: bool = Field(description="The round has closed and three or more people answered.")
    overall: float | None
    respondents: int
    organisations_answered: int
    members: int
    other_organisations: OthersOut | None
    factors: list[FactorOut]


class RatingOut(Schema):
    id: int
    rater_id: int
    rated_id: int
    level: int
    reliability: int | None
    mission: int | None
    openness: int | None
    influence: int | None
    involvement: int | None
    resources: int | None
    rated_at: dt.datetime


class RatingIn(In):
    rater_id: OrgId
    rated_id: OrgId
    level: Annotated[StrictInt, Field(ge=0, le=5)]
    reliability: OneToFour = None
    mission: OneToFour = None
    openness: OneToFour = None
    influence: OneToFour = None
    involvement: OneToFour = None
    resources: OneToFour = None


class PairOut(Schema):
    a_id: int
    b_id: int
    a_says: int
    b_says: int


class PartnerOut(Schema):
    organisation_id: int
    trust: float | None
    value: float | None
    raters: int


class RatingsSummaryOut(Schema):
    ratings: int
    mean_level: float | None
    share: dict[int, float] = Field(description="Level → share of the ratings in force.")
    asymmetric: list[PairOut] = Field(description="One side says 3 or more, the other 1 or less.")
    differ: list[PairOut]
    partners: list[PartnerOut]


class TimeLogOut(Schema):
    id: int
    organisation_id: int
    on: dt.date
    hours: Decimal
    note: str


class TimeLogIn(In):
    organisation_id: OrgId
    on: Annotated[Date, dates.TIME_SPENT.api]
    hours: Annotated[
        Decimal,
        Field(
            gt=0,
            le=24,
            max_digits=5,
            decimal_places=2,
            description="At most 24 hours a day for one organisation in one partnership, all "
            "its entries for that day together; 422 naming `hours` beyond that.",
        ),
    ]
    note: Annotated[str, Field(max_length=500, pattern=NO_NUL)] = ""


class TimeRowOut(Schema):
    organisation_id: int
    logged: Decimal
    meetings: Decimal
    total: Decimal


class MonthOut(Schema):
    month: dt.date
    logged: Decimal
    meetings: Decimal


class TimeInvestedOut(Schema):
    start: dt.date
    end: dt.date
    organisations: list[TimeRowOut]
    months: list[MonthOut]


class TimeLogPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[TimeLogOut]


PeriodDate = Annotated[Date, dates.PERIOD.api]


class PeriodParams(Schema):
    start: PeriodDate | None = None
    end: PeriodDate | None = None


def _partnership(request: HttpRequest, pk: int, perm: str = VIEW) -> Partnership:
    return get_for(request.user, Partnership, perm=perm, pk=pk)


def _round(request: HttpRequest, pk: int, perm: str = "health.view_round") -> Round:
    return get_for(request.user, Round.objects.select_related("partnership"), perm=perm, pk=pk)


def _today_closes(partnership: Partnership) -> None:
    actions.rounds_close_due(today=timezone.localdate(), partnership=partnership)


@router.get(
    "/partnerships/{pk}/health-rounds", response={200: list[RoundOut], **error_responses(404)}
)
def round_list(request: HttpRequest, pk: Id) -> list[Round]:
    """Rounds of the health check, newest first."""
    partnership = _partnership(request, pk)
    _today_closes(partnership)
    return list(partnership.health_rounds.order_by("-opened_on", "-pk"))


@router.post(
    "/partnerships/{pk}/health-rounds",
    response={201: RoundOut, **error_responses(403, 404, 409)},
)
def round_open(request: HttpRequest, pk: Id, payload: RoundIn) -> Status[Round]:
    """Open a round (the lead's admins and managers); members are told."""
    partnership = _partnership(request, pk, "health.run_health_check")
    round = actions.round_open(
        by=request.user, partnership=partnership, closes_on=payload.closes_on
    )
    return Status(201, round)


@router.get("/health-rounds/{pk}", response={200: RoundOut, **error_responses(404)})
def round_read(request: HttpRequest, pk: Id) -> Round:
    round = _round(request, pk)
    _today_closes(round.partnership)
    round.refresh_from_db()
    return round


@router.post(
    "/health-rounds/{pk}/close", response={200: RoundOut, **error_responses(403, 404, 409)}
)
def round_close(request: HttpRequest, pk: Id) -> Round:
    round = _round(request, pk, "health.change_round")
    return actions.round_close(by=request.user, round=round)


@router.get("/health-rounds/{pk}/answers/mine", response={200: AnswersOut, **error_responses(404)})
def answers_mine(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Your own answers in this round (empty if you have not answered)."""
    round = _round(request, pk)
    scores, reflection = queries.own_answers(round, request.user)
    return {
        "round_id": round.pk,
        "organisation_id": reflection.organisation_id if reflection else None,
        "scores": scores,
        "working": reflection.working if reflection else "",
        "would_help": reflection.would_help if reflection else "",
    }


@router.post(
    "/health-rounds/{pk}/answers", response={200: AnswersOut, **error_responses(403, 404, 409)}
)
def answers_submit(request: HttpRequest, pk: Id, payload: AnswersIn) -> dict[str, Any]:
    """Answer the check for one of your organisations, replacing your earlier answers."""
    _today_closes(_round(request, pk).partnership)
    round = _round(request, pk, "health.answer_round")
    mine = Organisation.objects.filter(pk__in=member_organisations(request.user, round.partnership))
    organisation = resolve(mine, payload.organisation_id, "organisation_id")
    actions.answer_submit(
        by=request.user,
        round=round,
        organisation=organisation,
        scores=payload.scores,
        working=payload.working,
        would_help=payload.would_help,
    )
    return answers_mine(request, pk)


@router.get("/health-rounds/{pk}/scores", response={200: ScoresOut, **error_responses(404)})
def round_scores(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Factor means per organisation and for the partnership (organisations weighted
    equally), bands, the spread between organisations and the change since the last round.
    We show an organisation's own scores once three or more of its people have answered and
    the round has closed; the others are pooled into "other organisations". The partnership's
    figures are shown once the round has closed, if three or more people answered."""
    round = _round(request, pk)
    _today_closes(round.partnership)
    round.refresh_from_db(fields=["status", "closed_at"])
    results = queries.results(round)
    pooled = results.scores.respondents.get(OTHERS)
    return {
        "round_id": round.pk,
        "previous_round_id": results.previous.pk if results.previous else None,
        "shown": results.shown,
        "overall": as_float(results.scores.overall),
        "respondents": results.answered,
        "organisations_answered": results.organisations_answered,
        "members": len(results.members),
        "other_organisations": (
            None if pooled is None else {"organisations": results.scores.pooled, "people": pooled}
        ),
        "factors": [
            {
                "code": f.code,
                "name": f.name,
                "mean": as_float(f.mean),
                "band": f.band,
                "change": as_float(results.change[f.code]),
                "spread": as_float(f.spread),
                "divided": f.divided,
                "people": f.people if results.shown else None,
                "by_organisation": [
                    {"organisation_id": org, "mean": as_float(mean)}
                    for org, mean in sorted(f.by_organisation.items())
                    if org != OTHERS
                ],
                "other_organisations": as_float(f.by_organisation.get(OTHERS)),
            }
            for f in results.scores.factors
        ],
    }


@router.get("/partnerships/{pk}/ratings", response={200: list[RatingOut], **error_responses(404)})
def rating_list(request: HttpRequest, pk: Id) -> list[Any]:
    """The ratings in force: the latest for each rater → rated pair of current members."""
    return list(queries.latest_ratings(_partnership(request, pk)).order_by("rater", "rated"))


@router.post(
    "/partnerships/{pk}/ratings", response={201: RatingOut, **error_responses(403, 404, 409)}
)
def rating_set(request: HttpRequest, pk: Id, payload: RatingIn) -> Status[Any]:
    """Rate another member for one of the organisations you act for."""
    partnership = _partnership(request, pk, "health.rate")
    raters = Organisation.objects.filter(
        pk__in=member_organisations(request.user, partnership, acting=True)
    )
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    )
    data = payload.dict()
    rating = actions.rating_set(
        by=request.user,
        partnership=partnership,
        rater=resolve(raters, data.pop("rater_id"), "rater_id"),
        rated=resolve(members, data.pop("rated_id"), "rated_id"),
        **data,
    )
    return Status(201, rating)


@router.get(
    "/partnerships/{pk}/ratings/summary",
    response={200: RatingsSummaryOut, **error_responses(404)},
)
def ratings_summary(request: HttpRequest, pk: Id) -> dict[str, Any]:
    r = queries.ratings_view(_partnership(request, pk)).ratings

    def pairs(rows: list[tuple[int, int, int, int]]) -> list[dict[str, int]]:
        return [{"a_id": a, "b_id": b, "a_says": x, "b_says": y} for a, b, x, y in rows]

    return {
        "ratings": len(r.levels),
        "mean_level": as_float(r.mean_level),
        "share": {level: float(share) for level, share in r.share.items()},
        "asymmetric": pairs(r.asymmetric),
        "differ": pairs(r.differ),
        "partners": [
            {
                "organisation_id": org,
                "trust": as_float(p.trust),
                "value": as_float(p.value),
                "raters": p.raters,
            }
            for org, p in sorted(r.partners.items())
        ],
    }


@router.get("/partnerships/{pk}/time-logs", response={200: TimeLogPage, **error_responses(404)})
def timelog_list(request: HttpRequest, pk: Id, page: Query[PageParams]) -> dict[str, Any]:
    partnership = _partnership(request, pk)
    return paginate(TimeLog.objects.filter(partnership=partnership).order_by("-on", "-pk"), page)


@router.post(
    "/partnerships/{pk}/time-logs", response={201: TimeLogOut, **error_responses(403, 404, 409)}
)
def timelog_add(request: HttpRequest, pk: Id, payload: TimeLogIn) -> Status[TimeLog]:
    partnership = _partnership(request, pk, "health.log_time")
    acting = Organisation.objects.filter(
        pk__in=member_organisations(request.user, partnership, acting=True)
    )
    log = actions.timelog_add(
        by=request.user,
        partnership=partnership,
        organisation=resolve(acting, payload.organisation_id, "organisation_id"),
        on=payload.on,
        hours=payload.hours,
        note=payload.note,
    )
    return Status(201, log)


@router.get(
    "/partnerships/{pk}/time-invested", response={200: TimeInvestedOut, **error_responses(404)}
)
def time_invested(request: HttpRequest, pk: Id, period: Query[PeriodParams]) -> dict[str, Any]:
    """Hours logged and hours in meetings (from attendance) per organisation and per month;
    by default the twelve months to today."""
    partnership = _partnership(request, pk)
    end = period.end or timezone.localdate()
    start = period.start or end - dt.timedelta(days=364)
    if start > end:
        start, end = end, start
    time = queries.time_invested(partnership, start, end, recent=0)
    return {
        "start": start,
        "end": end,
        "organisations": [
            {
                "organisation_id": r.organisation.pk,
                "logged": r.logged.quantize(Decimal("0.01")),
                "meetings": r.meetings.quantize(Decimal("0.01")),
                "total": r.total.quantize(Decimal("0.01")),
            }
            for r in time.rows
        ],
        "months": [
            {
                "month": m,
                "logged": logged.quantize(Decimal("0.01")),
                "meetings": meetings.quantize(Decimal("0.01")),
            }
            for m, logged, meetings in time.months
        ],
    }
