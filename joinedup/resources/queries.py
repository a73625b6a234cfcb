"""Reads that span several relations: where offers are seen, and the ledger's sums."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from joinedup.lib.charts import Chart, Series, bar_chart, whole
from joinedup.partnerships.models import Membership, Organisation
from joinedup.resources.models import Booking, BookingStatus, Exchange, Offer, Reach

# The one-way-street flag (seed 003: partnerships seen as "a one-way street" fail): at least
# this many exchanges received and none given in twelve months, or the reverse.
ONE_WAY_MIN = 3


def offers_seen_in(partnership_ids: Iterable[int] | QuerySet[Any]) -> QuerySet[Offer]:
    """Offers seen in these partnerships: offered there, offered by one of their current
    members to every partnership it belongs to, or offered to their hub."""
    members = Membership.objects.current().filter(partnership_id__in=partnership_ids)
    return Offer.objects.filter(
        Q(partnership_id__in=partnership_ids)
        | Q(reach=Reach.ALL, organisation_id__in=members.values("organisation_id"))
        | Q(
            reach=Reach.HUB,
            partnership__hub__isnull=False,
            partnership__hub__partnerships__in=partnership_ids,
        )
    ).distinct()


def clashes(offer: Offer, bookings: list[Booking]) -> dict[int, list[Booking]]:
    """For each request among `bookings` (an offer's requested and confirmed ones), the
    others that overlap it when together they need more slots than the offer has: the
    requests its offerer cannot confirm all of. Old data and races can leave such pairs;
    new requests for a held time are refused."""
    found: dict[int, list[Booking]] = {}
    for booking in bookings:
        if booking.status != BookingStatus.REQUESTED:
            continue
        others = [
            other
            for other in bookings
            if other.pk != booking.pk
            and other.starts_at < booking.ends_at
            and other.ends_at > booking.starts_at
        ]
        if len(others) >= offer.slots:
            found[booking.pk] = others
    return found


@dataclass
class Flow:
    count: int = 0
    hours: Decimal = Decimal(0)
    value: Decimal = Decimal(0)


@dataclass
class LedgerRow:
    organisation: Organisation
    gave: Flow = field(default_factory=Flow)
    received: Flow = field(default_factory=Flow)
    flag: str | None = None

    @property
    def balance(self) -> int:
        """Exchanges given less exchanges received."""
        return self.gave.count - self.received.count

    @property
    def balance_hours(self) -> Decimal:
        return self.gave.hours - self.received.hours

    @property
    def balance_value(self) -> Decimal:
        return self.gave.value - self.received.value


@dataclass
class Ledger:
    start: dt.date
    end: dt.date
    rows: list[LedgerRow]
    pairs: list[tuple[Organisation, Organisation, int, Decimal]]
    exchanges: list[Exchange]

    def chart(self) -> Chart:
        """A pair of bars (gave, received) per organisation that exchanged anything in the
        period, scaled to the largest count."""
        active = [r for r in self.rows if r.gave.count or r.received.count]
        return bar_chart(
            [(r.organisation.name, [r.gave.count, r.received.count]) for r in active],
            id="ledger-chart",
            title="Exchanges each organisation gave and received; the table below has the "
            "same figures.",
            series=[Series("Gave", "gave"), Series("Received", "received")],
            fmt=whole,
            bar=11,
            gap=8,
        )


def one_way(*, gave: int, received: int) -> str | None:
    if received >= ONE_WAY_MIN and gave == 0:
        return "receives and does not give"
    if gave >= ONE_WAY_MIN and received == 0:
        return "gives and does not receive"
    return None


def _flows(qs: QuerySet[Exchange], by: str) -> dict[int, Flow]:
    rows = qs.values(by).annotate(n=Count("pk"), h=Sum("hours"), v=Sum("value_pounds"))
    return {r[by]: Flow(r["n"], r["h"] or Decimal(0), r["v"] or Decimal(0)) for r in rows}


def ledger(partnership: Any, start: dt.date, end: dt.date, recent: int = 50) -> Ledger:
    """What each organisation gave and received between `start` and `end` (inclusive), each
    pair's flows, the latest exchanges, and one-way flags over the twelve months to `end`.
    Seven queries, however many exchanges there are."""
    in_period = Exchange.objects.filter(partnership=partnership, on__gte=start, on__lte=end)
    gave, received = _flows(in_period, "giver"), _flows(in_period, "receiver")
    year = Exchange.objects.filter(
        partnership=partnership, on__gt=end - dt.timedelta(days=365), on__lte=end
    )
    gave_year, received_year = _flows(year, "giver"), _flows(year, "receiver")

    ids = set(gave) | set(received) | set(gave_year) | set(received_year)
    members = Membership.objects.current().filter(partnership=partnership).values("organisation_id")
    organisations = Organisation.objects.filter(Q(pk__in=ids) | Q(pk__in=members)).order_by("name")
    rows = [
        LedgerRow(
            organisation=o,
            gave=gave.get(o.pk, Flow()),
            received=received.get(o.pk, Flow()),
            flag=one_way(
                gave=gave_year.get(o.pk, Flow()).count,
                received=received_year.get(o.pk, Flow()).count,
            ),
        )
        for o in organisations
    ]
    by_id = {r.organisation.pk: r.organisation for r in rows}
    pairs = [
        (by_id[p["giver"]], by_id[p["receiver"]], p["n"], p["h"] or Decimal(0))
        for p in in_period.values("giver", "receiver")
        .annotate(n=Count("pk"), h=Sum("hours"))
        .order_by("-n")
    ]
    latest = list(in_period.select_related("giver", "receiver")[:recent])
    return Ledger(start, end, rows, pairs, latest)
