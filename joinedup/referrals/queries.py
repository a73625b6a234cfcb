"""Counts of referrals and signposting: de-identified, so anyone who sees the partnership may
read them, and unchanged by erasure (they read only organisations, need, area, dates, status,
reason and outcome).

Acceptance rate: of the referrals a receiver answered, the share it accepted (a referral it
accepted and later closed, completed or had withdrawn still counts as accepted; one that
expired unanswered or was passed on without accepting is not counted as answered).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.directory.models import Attribute, Service
from joinedup.lib.charts import Chart, Series, bar_chart, whole
from joinedup.lib.needs import NEEDS
from joinedup.partnerships.models import Membership, Organisation, Partnership
from joinedup.referrals.models import DeclineReason, Event, Outcome, Referral, Signpost, Status

HOURS_PER_DAY = 24


def _accepted() -> Exists:
    return Exists(Event.objects.filter(referral=OuterRef("pk"), status=Status.ACCEPTED))


@dataclass
class Tally:
    """Referrals (and signposts) counted one way: sent by, received by, or between two."""

    sent: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    signposts: int = 0
    # How long answers took: {whole hours from sent to answer: referrals}, counted by the
    # database so that no referral is read one by one (`flows`).
    waits: Counter[int] = field(default_factory=Counter, repr=False)
    # Or the median wait in hours itself, as PostgreSQL computes it (`_median_waits`).
    median_hours: float | None = None

    @property
    def answered(self) -> int:
        return self.accepted + self.declined

    @property
    def acceptance(self) -> int | None:
        """Percentage accepted of those answered."""
        return round(100 * self.accepted / self.answered) if self.answered else None

    @property
    def median_days(self) -> float | None:
        """The median wait in days to one decimal, from waits counted in whole hours (shown
        in tenths of a day, 2.4 hours, the rounding to the hour does not show)."""
        if self.median_hours is not None:
            return round(self.median_hours / HOURS_PER_DAY, 1)
        total = sum(self.waits.values())
        if not total:
            return None
        middle = sorted({(total - 1) // 2, total // 2})  # the middle place(s), from 0
        values: list[int] = []
        seen = 0
        for hours in sorted(self.waits):
            n = self.waits[hours]
            values.extend(hours for place in middle if seen <= place < seen + n)
            seen += n
        return round(statistics.mean(values) / HOURS_PER_DAY, 1)

    def to_dict(self) -> dict[str, Any]:
        """The counts as stored (`figures`): the waits by hour as SQLite counts them (JSON keys
        are text), or the median PostgreSQL computed; whichever the database gave."""
        found: dict[str, Any] = {
            "sent": self.sent,
            "accepted": self.accepted,
            "declined": self.declined,
            "expired": self.expired,
            "signposts": self.signposts,
            "median_hours": self.median_hours,
        }
        if self.waits:
            found["waits"] = {str(hours): n for hours, n in sorted(self.waits.items())}
        return found

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tally:
        return cls(
            sent=data["sent"],
            accepted=data["accepted"],
            declined=data["declined"],
            expired=data["expired"],
            signposts=data["signposts"],
            waits=Counter({int(h): n for h, n in data.get("waits", {}).items()}),
            median_hours=data["median_hours"],
        )

    def add(self, accepted: int, status: str, n: int = 1) -> None:
        self.add_counts(n, accepted, n if status == Status.DECLINED else 0, 0)
        self.expired += n if status == Status.EXPIRED else 0

    def add_counts(self, sent: int, accepted: int, declined: int, expired: int) -> None:
        self.sent += sent
        self.accepted += accepted
        self.declined += declined
        self.expired += expired


@dataclass
class OrgRow:
    organisation: Organisation
    sent: Tally = field(default_factory=Tally)
    received: Tally = field(default_factory=Tally)


@dataclass
class PairRow:
    from_org: Organisation
    to_org: Organisation
    tally: Tally = field(default_factory=Tally)


@dataclass
class Flows:
    start: dt.date
    end: dt.date
    totals: Tally
    rows: list[OrgRow]
    pairs: list[PairRow]
    reasons: list[tuple[str, int]]  # (label, count), every reason on the list
    outcomes: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        """The flows as stored with a partnership's figures (`figures.compute`): counts and
        organisations (id and name, all the page and its chart read of them), nothing about a
        person. Written out field by field rather than pickled, so that what is stored is
        plain JSON a reader can check, and a change of these classes cannot run old bytes."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "totals": self.totals.to_dict(),
            # Every organisation a pair names has a row (`flows`), so pairs name them by id.
            "rows": [
                {
                    "id": r.organisation.pk,
                    "name": r.organisation.name,
                    "sent": r.sent.to_dict(),
                    "received": r.received.to_dict(),
                }
                for r in self.rows
            ],
            "pairs": [
                {"from": p.from_org.pk, "to": p.to_org.pk, "tally": p.tally.to_dict()}
                for p in self.pairs
            ],
            "reasons": [[str(label), n] for label, n in self.reasons],
            "outcomes": [[str(label), n] for label, n in self.outcomes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flows:
        """The flows `to_dict` stored, the organisations rebuilt unsaved from their id and
        name (one instance each, shared by its row and its pairs, as `flows` makes them)."""
        organisations = {r["id"]: Organisation(pk=r["id"], name=r["name"]) for r in data["rows"]}
        return cls(
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            totals=Tally.from_dict(data["totals"]),
            rows=[
                OrgRow(
                    organisations[r["id"]],
                    Tally.from_dict(r["sent"]),
                    Tally.from_dict(r["received"]),
                )
                for r in data["rows"]
            ],
            pairs=[
                PairRow(
                    organisations[p["from"]], organisations[p["to"]], Tally.from_dict(p["tally"])
                )
                for p in data["pairs"]
            ],
            reasons=[(label, n) for label, n in data["reasons"]],
            outcomes=[(label, n) for label, n in data["outcomes"]],
        )

    def chart(self) -> Chart:
        """Referrals sent and received (with signposts given) by each organisation in the
        period, as a bar chart."""
        active = [r for r in self.rows if r.sent.sent or r.received.sent or r.sent.signposts]
        return bar_chart(
            [(r.organisation.name, [r.sent.sent, r.received.sent]) for r in active],
            id="flows-chart",
            title="Referrals each organisation sent and received; the table below has the "
            "same figures.",
            series=[Series("Sent", "gave"), Series("Received", "received")],
            fmt=whole,
        )

    def reasons_chart(self) -> Chart:
        return bar_chart(
            [(label, [n]) for label, n in self.reasons],
            id="reasons-chart",
            title="Referrals declined, by reason; the table has the same figures.",
            series=[Series("Declined", "gave")],
            fmt=whole,
        )


class HoursBetween(Func):
    """Whole hours from one timestamp to a later one, rounded, in SQL on either database."""

    output_field = IntegerField()
    arity = 2
    template = "ROUND(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600)"  # PostgreSQL
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((JULIANDAY(%(expressions)s)) * 24) AS INTEGER)",
            arg_joiner=") - JULIANDAY(",
            **extra,
        )


def _median_waits(answered: QuerySet[Referral]) -> list[tuple[int | None, int | None, float]]:
    """The median wait in hours of `answered` (annotated with `hours`) per pair, per sender,
    per receiver and in all, in one PostgreSQL query (`GROUPING SETS`): a row per pair and
    organisation rather than one per pair and hour, which at 100,000 referrals were tens of
    thousands read into Python. A sender's row has no receiver, a receiver's no sender (told
    apart by `GROUPING`), the whole period's neither. The median of whole hours is the mean of
    the middle one or two, as `Tally.median_days` computes it from counted waits on SQLite."""
    named = answered.values("from_org_id", "to_org_id", "hours")  # type: ignore[misc]
    inner, params = named.query.sql_with_params()
    sql = f"""
        SELECT CASE WHEN GROUPING(w.from_org_id) = 0 THEN w.from_org_id END,
               CASE WHEN GROUPING(w.to_org_id) = 0 THEN w.to_org_id END,
               PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY w.hours)
          FROM ({inner}) w
         GROUP BY GROUPING SETS ((w.from_org_id, w.to_org_id), (w.from_org_id), (w.to_org_id), ())
        HAVING COUNT(*) > 0"""  # noqa: S608 (the inner query is Django's, with parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(a, b, float(m)) for a, b, m in cursor.fetchall()]


def _day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of `start`, start of the day after `end`): a range an index on a timestamp serves,
    where `sent_at__date` would make the database compute every row's date."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def flows(partnership: Partnership, start: dt.date, end: dt.date) -> Flows:
    """Referrals sent between `start` and `end` (inclusive) in `partnership`, per
    organisation and per pair, and signposts given in the period. Five queries, however
    many referrals there are: the database counts referrals by pair, status, acceptance,
    reason and outcome, and waits by pair and whole hour (on the index of partnership and
    sending time), so no referral is read one by one."""
    since, before = _day_range(start, end)
    sent = Referral.objects.filter(partnership=partnership, sent_at__gte=since, sent_at__lt=before)
    # One row per pair, its statuses, reasons and outcomes counted in columns: at most a row
    # for each pair of members, however many referrals (issue 19: 100,000 in a year).
    reason_codes, outcome_codes = list(DeclineReason.values), list(Outcome.values)
    counted = list(
        sent.annotate(was_accepted=_accepted())
        .values_list("from_org_id", "to_org_id")
        .annotate(
            n=Count("pk"),
            accepted=Count("pk", filter=Q(was_accepted=True)),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
            expired=Count("pk", filter=Q(status=Status.EXPIRED)),
            **{
                f"reason_{k}": Count("pk", filter=Q(decline_reason=c))
                for k, c in enumerate(reason_codes)
            },
            **{
                f"outcome_{k}": Count("pk", filter=Q(outcome=c))
                for k, c in enumerate(outcome_codes)
            },
        )
        .order_by()
    )
    answered = sent.filter(responded_at__isnull=False).annotate(
        hours=HoursBetween("responded_at", "sent_at")
    )
    waited = (
        _median_waits(answered)
        if connection.vendor == "postgresql"
        else list(
            answered.values_list("from_org_id", "to_org_id", "hours")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    given = list(
        Signpost.objects.filter(partnership=partnership, on__gte=start, on__lte=end)
        .values_list("from_org_id", "to_org_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    ids = {r[0] for r in counted} | {r[1] for r in counted} | {s[0] for s in given}
    ids |= {s[1] for s in given if s[1] is not None}
    members = Membership.objects.current().filter(partnership=partnership)
    organisations = Organisation.objects.filter(
        Q(pk__in=ids) | Q(pk__in=members.values("organisation_id"))
    ).order_by("name")
    by_org = {o.pk: OrgRow(o) for o in organisations}
    pairs: dict[tuple[int, int], PairRow] = {}

    def pair_of(from_id: int, to_id: int) -> PairRow:
        return pairs.setdefault(
            (from_id, to_id), PairRow(by_org[from_id].organisation, by_org[to_id].organisation)
        )

    totals = Tally()
    reasons: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for from_id, to_id, n, accepted, declined, expired, *by_code in counted:
        pair = pair_of(from_id, to_id)
        for tally in (totals, by_org[from_id].sent, by_org[to_id].received, pair.tally):
            tally.add_counts(n, accepted, declined, expired)
        for code, k in zip(reason_codes + outcome_codes, by_code, strict=True):
            (reasons if code in reason_codes else outcomes)[code] += k
    if connection.vendor == "postgresql":
        for from_id, to_id, hours in waited:
            if from_id is not None and to_id is not None:
                pair_of(from_id, to_id).tally.median_hours = hours
            elif from_id is not None:
                by_org[from_id].sent.median_hours = hours
            elif to_id is not None:
                by_org[to_id].received.median_hours = hours
            else:
                totals.median_hours = hours
    else:
        for from_id, to_id, hours, n in waited:
            for tally in (totals, by_org[from_id].sent, by_org[to_id].received):
                tally.waits[hours] += n
            pair_of(from_id, to_id).tally.waits[hours] += n
    for from_id, to_id, n in given:
        totals.signposts += n
        by_org[from_id].sent.signposts += n
        if to_id is not None:
            by_org[to_id].received.signposts += n
            pair_of(from_id, to_id).tally.signposts += n
    return Flows(
        start=start,
        end=end,
        totals=totals,
        rows=list(by_org.values()),
        pairs=sorted(
            pairs.values(),
            key=lambda p: (-p.tally.sent, -p.tally.signposts, p.from_org.name, p.to_org.name),
        ),
        reasons=[(label, reasons[code]) for code, label in DeclineReason.choices],
        outcomes=[(label, outcomes[code]) for code, label in Outcome.choices],
    )


@dataclass(frozen=True)
class UnmetNeed:
    need: str
    label: str
    count: int


@dataclass
class UnmetNeeds:
    """Needs the partnership could not meet: referrals declined for lack of capacity or for
    eligibility, and people signposted for a need with no service or organisation to go to."""

    no_capacity: list[UnmetNeed]
    not_eligible: list[UnmetNeed]
    no_service: list[UnmetNeed]

    @property
    def any(self) -> bool:
        return bool(self.no_capacity or self.not_eligible or self.no_service)

    def to_dict(self) -> dict[str, list[list[Any]]]:
        """As stored with the flows: [need code, count] for each; the labels are the needs
        taxonomy's, looked up again when read."""
        return {
            kind: [[u.need, u.count] for u in getattr(self, kind)]
            for kind in ("no_capacity", "not_eligible", "no_service")
        }

    @classmethod
    def from_dict(cls, data: dict[str, list[list[Any]]]) -> UnmetNeeds:
        return cls(
            no_capacity=_needs((need, n) for need, n in data["no_capacity"]),
            not_eligible=_needs((need, n) for need, n in data["not_eligible"]),
            no_service=_needs((need, n) for need, n in data["no_service"]),
        )


def _needs(counts: Iterable[tuple[str, int]]) -> list[UnmetNeed]:
    found = [UnmetNeed(code, NEEDS.get(code, code or "Need not given"), n) for code, n in counts]
    return sorted(found, key=lambda u: (-u.count, u.label))


def unmet_needs(partnership: Partnership, since: dt.date) -> UnmetNeeds:
    """Unmet needs in `partnership` from `since` on, for the Health issue. Two queries.

    For the flows page's default period it is stored with the flows (`figures.compute`) and
    read back with them, not run on the request: the declined referrals it counts are found
    through the index of partnership and status and then filtered by reason and answer time, so
    the rows it reads grow with the partnership's referrals (EXPLAIN ANALYZE at 100,000 in
    bench/referrals: 12,049 rows read for 4,021 counted, 19 ms, more than the stored page's
    whole SQL)."""
    declined = (
        Referral.objects.filter(
            partnership=partnership,
            status=Status.DECLINED,
            decline_reason__in=[DeclineReason.NO_CAPACITY, DeclineReason.NOT_ELIGIBLE],
            responded_at__gte=_day_range(since, since)[0],
        )
        .values_list("decline_reason", "need")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = list(declined)
    nowhere = (
        Signpost.objects.filter(
            partnership=partnership, on__gte=since, service__isnull=True, to_org__isnull=True
        )
        .values_list("need")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return UnmetNeeds(
        no_capacity=_needs((need, n) for reason, need, n in rows if reason == "no_capacity"),
        not_eligible=_needs((need, n) for reason, need, n in rows if reason == "not_eligible"),
        no_service=_needs(nowhere),
    )


@dataclass(frozen=True)
class Rate:
    accepted: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.accepted / self.answered)


def acceptance_rates(service_ids: Iterable[Any]) -> dict[Any, Rate]:
    """{service id: its acceptance rate} for the services with a referral answered. One
    query."""
    ids = list(service_ids)
    if not ids:
        return {}
    answered = (
        Referral.objects.filter(service_id__in=ids)
        .annotate(was_accepted=_accepted())
        .filter(Q(was_accepted=True) | Q(status=Status.DECLINED))
        .values_list("service_id")
        .annotate(
            accepted=Count("pk", filter=Q(was_accepted=True)),
            answered=Count("pk"),
        )
        .order_by()
    )
    return {service: Rate(accepted, n) for service, accepted, n in answered}


def needs_served(services: Iterable[Service]) -> dict[Any, set[str]]:
    """Per service, the needs (top-level codes of the needs taxonomy) it lists: one query. The
    referral form offers, for each service of a net, the person's need it serves first."""
    served: dict[Any, set[str]] = {}
    for link_id, code in Attribute.objects.filter(
        link_entity="service", link_id__in=[s.pk for s in services]
    ).values_list("link_id", "taxonomy_term__code"):
        if code:
            served.setdefault(link_id, set()).add(code.split(".", 1)[0])
    return served
