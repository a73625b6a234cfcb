"""Scoring the health check and the collaboration ratings. Plain functions over plain rows,
with exact fractions, so that the figures can be checked by hand.

The health check (Wilder Collaboration Factors Inventory's bands):
- a person's factor mean is the mean of their scores on its statements, "don't know" left out;
- an organisation's is the mean of its people's; the partnership's the mean of its
  organisations' — organisations weigh the same however many of their people answered;
- a mean rounded half up to one decimal is a **strength** at 4.0 or more, **borderline** from
  3.0 to 3.9 and a **concern** at 2.9 or less;
- the **spread** of a factor is the highest organisation's mean less the lowest's, flagged at
  1.0 or more: the partners see it differently;
- the **trend** is the partnership's mean less the previous round's.

Anonymity (`anonymise`, the one place the rule lives): the figures are shown only once a round
has **closed**, and then
- an organisation's own figures (its factor means, its place in the spread) only when at least
  `MIN_RESPONDENTS` (three) of its people answered; the organisations with fewer are **pooled**
  into "other organisations", whose mean is the mean of theirs (each weighing the same) and
  which counts as one in the spread; the pool's own figures are shown only when at least three
  people answered in it — and when fewer did, the smallest shown organisations join the pool
  until it holds three, since the partnership's mean less the shown organisations' would
  otherwise give the pool's (one person's answers) away;
- the partnership's figures, and the free text (never with an organisation's name), only when
  at least three people answered in all.
While a round is open only participation is shown, so that nobody can tell a person's answers
from how the figures move when they answer.

Collaboration ratings (Frey et al.'s levels; PARTNER's trust and value): the latest rating for
each rater → rated pair counts. The mean level and the share at each level are over those
ratings (each is one organisation's view of one relationship); a pair is **asymmetric** when
one side says 3 or more and the other 1 or less. Trust and value of an organisation are the
mean, over the three dimensions, of each dimension's mean over the raters who gave it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

from joinedup.health.statements import FACTOR_OF, FACTORS

STRENGTH_FROM = Decimal("4.0")
BORDERLINE_FROM = Decimal("3.0")
SPREAD_FLAG = Fraction(1)
ASYMMETRY_HIGH = 3
ASYMMETRY_LOW = 1
MIN_RESPONDENTS = 3
OTHERS = 0  # the key of the pooled "other organisations" (no organisation has the id 0)
OTHERS_NAME = "Other organisations"
ANONYMITY_RULE = (
    "We show an organisation's own scores once three or more of its people have answered and "
    "the round has closed; organisations with fewer are pooled into “other organisations”. "
    "The partnership's scores and what people wrote are shown once the round has closed, if "
    "three or more people answered."
)


class Band:
    STRENGTH = "strength"
    BORDERLINE = "borderline"
    CONCERN = "concern"

    LABELS = {
        STRENGTH: "Strength (4.0 or more)",
        BORDERLINE: "Borderline (3.0 to 3.9)",
        CONCERN: "Concern (2.9 or less)",
    }


def one_place(value: Fraction) -> Decimal:
    """`value` rounded half up to one decimal place, exactly."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def band(value: Fraction | None) -> str | None:
    if value is None:
        return None
    shown = one_place(value)
    if shown >= STRENGTH_FROM:
        return Band.STRENGTH
    if shown >= BORDERLINE_FROM:
        return Band.BORDERLINE
    return Band.CONCERN


def _mean(values: Iterable[Fraction]) -> Fraction | None:
    values = list(values)
    return sum(values, Fraction(0)) / len(values) if values else None


class AnswerRow(NamedTuple):
    user: int
    organisation: int
    statement: str
    score: int | None  # None for "don't know"


@dataclass
class FactorScore:
    code: str
    name: str
    mean: Fraction | None
    by_organisation: dict[int, Fraction]
    people: int  # respondents with at least one score on the factor

    @property
    def band(self) -> str | None:
        return band(self.mean)

    @property
    def shown(self) -> Decimal | None:
        return None if self.mean is None else one_place(self.mean)

    @property
    def highest(self) -> tuple[int, Fraction] | None:
        return max(self.by_organisation.items(), key=lambda kv: kv[1], default=None)

    @property
    def lowest(self) -> tuple[int, Fraction] | None:
        return min(self.by_organisation.items(), key=lambda kv: kv[1], default=None)

    @property
    def spread(self) -> Fraction | None:
        """Highest organisation's mean less the lowest's; None with fewer than two."""
        if len(self.by_organisation) < 2:
            return None
        return max(self.by_organisation.values()) - min(self.by_organisation.values())

    @property
    def divided(self) -> bool:
        return self.spread is not None and self.spread >= SPREAD_FLAG


@dataclass
class RoundScores:
    factors: list[FactorScore]
    respondents: dict[int, int]  # organisation → people who answered at least one statement
    # Set by `anonymise`: organisations pooled into OTHERS, all that answered, and whether the
    # partnership's figures may be shown.
    pooled: int = 0
    answered_organisations: int | None = None
    shown: bool = True

    @property
    def people(self) -> int:
        return sum(self.respondents.values())

    @property
    def organisations_answered(self) -> int:
        if self.answered_organisations is not None:
            return self.answered_organisations
        return len(self.respondents)

    @property
    def overall(self) -> Fraction | None:
        return _mean(f.mean for f in self.factors if f.mean is not None)

    @property
    def divided(self) -> list[FactorScore]:
        return [f for f in self.factors if f.divided]

    def factor(self, code: str) -> FactorScore:
        return next(f for f in self.factors if f.code == code)


def score_round(answers: Iterable[AnswerRow]) -> RoundScores:
    """Factor means per person, then per organisation, then for the partnership."""
    scores: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    organisation_of: dict[int, int] = {}
    respondents: dict[int, set[int]] = defaultdict(set)
    for a in answers:
        respondents[a.organisation].add(a.user)
        organisation_of[a.user] = a.organisation
        if a.score is not None and a.statement in FACTOR_OF:
            scores[(FACTOR_OF[a.statement], a.organisation, a.user)].append(a.score)
    factors = []
    for f in FACTORS:
        people: dict[int, list[Fraction]] = defaultdict(list)
        for (code, org, _user), values in scores.items():
            if code == f.code:
                people[org].append(Fraction(sum(values), len(values)))
        by_org = {org: Fraction(sum(means), len(means)) for org, means in people.items()}
        factors.append(
            FactorScore(
                f.code,
                f.name,
                _mean(by_org.values()),
                by_org,
                sum(len(means) for means in people.values()),
            )
        )
    return RoundScores(factors, {org: len(users) for org, users in respondents.items()})


def may_show(people: int, *, closed: bool) -> bool:
    """The anonymity rule: figures drawn from `people` respondents may be shown."""
    return closed and people >= MIN_RESPONDENTS


def anonymise(scores: RoundScores, *, closed: bool) -> RoundScores:
    """The figures that may be shown (see the module's docstring): organisations under the
    threshold pooled into OTHERS, hidden figures None. Pages, the API, the CSV, the report and
    the programme view all read scores through here."""
    shown_orgs = {
        org for org, people in scores.respondents.items() if may_show(people, closed=closed)
    }
    pooled = {org: n for org, n in scores.respondents.items() if org not in shown_orgs}
    # A pool too small to show must not be worked out either: the partnership's mean is the
    # mean of every organisation's, so with the others' shown it gives the pool's away (one
    # person's answers, when one person is pooled). The smallest shown organisations join the
    # pool until it holds three people (or everyone).
    while pooled and shown_orgs and not may_show(sum(pooled.values()), closed=closed):
        smallest = min(shown_orgs, key=lambda org: (scores.respondents[org], org))
        shown_orgs.discard(smallest)
        pooled[smallest] = scores.respondents[smallest]
    pool_shown = may_show(sum(pooled.values()), closed=closed)
    everyone = may_show(scores.people, closed=closed)
    factors = []
    for f in scores.factors:
        by_org = {org: m for org, m in f.by_organisation.items() if org in shown_orgs}
        pool = [m for org, m in f.by_organisation.items() if org in pooled]
        if pool and pool_shown:
            by_org[OTHERS] = Fraction(sum(pool, Fraction(0)), len(pool))
        factors.append(FactorScore(f.code, f.name, f.mean if everyone else None, by_org, f.people))
    respondents = {org: n for org, n in scores.respondents.items() if org in shown_orgs}
    if pooled:
        respondents[OTHERS] = sum(pooled.values())
    return RoundScores(
        factors,
        respondents,
        pooled=len(pooled),
        answered_organisations=len(scores.respondents),
        shown=everyone,
    )


def trend(current: RoundScores, previous: RoundScores | None) -> dict[str, Fraction | None]:
    """Per factor, the partnership's mean less the previous round's (None where either has
    no figure)."""
    out: dict[str, Fraction | None] = {}
    for f in current.factors:
        before = previous.factor(f.code).mean if previous is not None else None
        out[f.code] = None if f.mean is None or before is None else f.mean - before
    return out


class RatingRow(NamedTuple):
    rater: int
    rated: int
    level: int
    trust: tuple[int | None, int | None, int | None]  # reliability, mission, openness
    value: tuple[int | None, int | None, int | None]  # influence, involvement, resources


@dataclass
class PartnerScore:
    trust: Fraction | None
    value: Fraction | None
    raters: int


@dataclass
class Ratings:
    levels: dict[tuple[int, int], int]  # (rater, rated) → level
    mean_level: Fraction | None
    share: dict[int, Fraction]  # level → share of the ratings
    asymmetric: list[tuple[int, int, int, int]]  # (a, b, a's level for b, b's for a)
    differ: list[tuple[int, int, int, int]]  # every pair rating each other differently
    partners: dict[int, PartnerScore] = field(default_factory=dict)


def _dimensions(rows: Sequence[RatingRow], part: str) -> Fraction | None:
    means = []
    for i in range(3):
        given = [Fraction(v) for r in rows if (v := getattr(r, part)[i]) is not None]
        if given:
            means.append(Fraction(sum(given), len(given)))
    return _mean(means)


def score_ratings(rows: Iterable[RatingRow]) -> Ratings:
    """The ratings in force: pass only the latest for each rater → rated pair."""
    rows = list(rows)
    levels = {(r.rater, r.rated): r.level for r in rows}
    total = len(levels)
    share = {
        level: Fraction(sum(1 for v in levels.values() if v == level), total or 1)
        for level in range(6)
    }
    asymmetric, differ = [], []
    for (a, b), there in sorted(levels.items()):
        back = levels.get((b, a))
        if a < b and back is not None and back != there:
            differ.append((a, b, there, back))
            high, low = max(there, back), min(there, back)
            if high >= ASYMMETRY_HIGH and low <= ASYMMETRY_LOW:
                asymmetric.append((a, b, there, back))
    by_rated: dict[int, list[RatingRow]] = defaultdict(list)
    for r in rows:
        by_rated[r.rated].append(r)
    partners = {
        rated: PartnerScore(_dimensions(rs, "trust"), _dimensions(rs, "value"), len(rs))
        for rated, rs in by_rated.items()
    }
    mean_level = Fraction(sum(levels.values()), total) if total else None
    return Ratings(levels, mean_level, share, asymmetric, differ, partners)


def as_float(value: Fraction | None, places: int = 2) -> float | None:
    """For JSON and charts."""
    return None if value is None else round(float(value), places)
