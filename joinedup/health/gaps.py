"""Gaps in services and duplication across a partnership's area (seed 002: "an analysis of gaps
in services … and avoiding duplication").

By need (the top level of the needs taxonomy) and area:

- **services available**: the active services of current member organisations meeting the need,
  and the areas they serve (none listed: they serve everyone who can reach them);
- **demand**: referrals made in the twelve months for the need, and signpostings;
- **declined for capacity** (`no_capacity`) or **for eligibility** (`not_eligible`), by area;
- a need is a **gap** when people were referred or signposted for it and no member lists a
  service for it, or when referrals for it were declined for capacity or eligibility;
  **needs with no service** lists every need of the taxonomy no member meets.

**Duplication**: two services of *different* member organisations overlap when they meet the
same need (the same taxonomy term), serve the same area (a place both name, or neither names
one), and could take the same person: their genders agree (one is for anyone, or both are for
the same gender) and their age ranges overlap.

Only the services the viewer may see are counted: the caller passes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.db.models import QuerySet

from joinedup.directory.models import Attribute, Service, ServiceArea, ServiceStatus
from joinedup.health.evidence import ReferralRow
from joinedup.lib.needs import NEEDS
from joinedup.referrals.models import DeclineReason, Status

CAPACITY, ELIGIBILITY = DeclineReason.NO_CAPACITY, DeclineReason.NOT_ELIGIBLE


def top_need(code: str) -> str:
    return code.split(".", 1)[0]


@dataclass
class ServiceFacts:
    id: Any
    name: str
    organisation_id: int
    organisation: str
    needs: dict[str, str]  # taxonomy term code → name
    areas: set[str]  # lower-case place names
    gender: str
    minimum_age: float | None
    maximum_age: float | None
    capacity: str

    def takes_same_people_as(self, other: ServiceFacts) -> bool:
        genders = not self.gender or not other.gender or self.gender == other.gender
        low = max(self.minimum_age or 0, other.minimum_age or 0)
        high = min(self.maximum_age or 200, other.maximum_age or 200)
        return genders and low <= high


@dataclass
class NeedRow:
    code: str
    label: str
    services: list[ServiceFacts] = field(default_factory=list)
    referrals: int = 0
    signposts: int = 0
    declined: dict[str, int] = field(default_factory=dict)  # reason → count
    declined_areas: dict[str, int] = field(default_factory=dict)  # area → count

    @property
    def areas(self) -> list[str]:
        return sorted({a for s in self.services for a in s.areas})

    @property
    def demand(self) -> int:
        return self.referrals + self.signposts

    @property
    def declined_for_capacity(self) -> int:
        return self.declined.get(CAPACITY, 0)

    @property
    def declined_for_eligibility(self) -> int:
        return self.declined.get(ELIGIBILITY, 0)

    @property
    def declined_by_area(self) -> list[tuple[str, int]]:
        """(area, referrals declined there), by area: a plain list for the templates, which
        would read `.items` on a dict whose keys are areas as the area "items"."""
        return sorted(self.declined_areas.items())

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.demand and not self.services:
            flags.append("No service")
        if self.declined_for_capacity:
            flags.append(f"{self.declined_for_capacity} declined for capacity")
        if self.declined_for_eligibility:
            flags.append(f"{self.declined_for_eligibility} declined for eligibility")
        return flags


@dataclass
class Overlap:
    need: str
    areas: list[str]  # empty: both serve everyone
    first: ServiceFacts
    second: ServiceFacts


@dataclass
class Gaps:
    needs: list[NeedRow]
    overlaps: list[Overlap]

    @property
    def gaps(self) -> list[NeedRow]:
        return [n for n in self.needs if n.flags]

    @property
    def unmet(self) -> list[NeedRow]:
        """Needs of the taxonomy no member lists a service for."""
        return [n for n in self.needs if not n.services]


def member_services(
    services: QuerySet[Service], organisation_ids: Iterable[int]
) -> list[ServiceFacts]:
    """The active `services` of these organisations, with needs and areas: three queries."""
    rows = list(
        services.filter(
            organization__organisation_id__in=list(organisation_ids),
            status=ServiceStatus.ACTIVE,
        )
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "organization__organisation_id",
            "organization__organisation__name",
            "gender",
            "minimum_age",
            "maximum_age",
            "capacity",
        )
    )
    ids = [r[0] for r in rows]
    needs: dict[Any, dict[str, str]] = defaultdict(dict)
    for link_id, code, name in Attribute.objects.filter(
        link_entity="service", link_id__in=ids
    ).values_list("link_id", "taxonomy_term__code", "taxonomy_term__name"):
        if code:
            needs[link_id][code] = name
    areas: dict[Any, set[str]] = defaultdict(set)
    for service_id, name in ServiceArea.objects.filter(service_id__in=ids).values_list(
        "service_id", "name"
    ):
        if name.strip():
            areas[service_id].add(name.strip().lower())
    return [
        ServiceFacts(pk, name, org_id, org, needs[pk], areas[pk], gender, low, high, capacity)
        for pk, name, org_id, org, gender, low, high, capacity in rows
    ]


def analyse(services: Sequence[ServiceFacts], referrals: Iterable[ReferralRow]) -> Gaps:
    """Gaps and overlaps from the members' services and the partnership's referrals."""
    rows = {code: NeedRow(code, label) for code, label in NEEDS.items()}
    for s in services:
        for code in {top_need(n) for n in s.needs}:
            if code in rows:
                rows[code].services.append(s)
    for r in referrals:
        row = rows.get(top_need(r.need)) if r.need and r.counts_needs else None
        if row is None:
            continue
        if r.signpost:
            row.signposts += r.n
            continue
        if r.status == Status.DRAFT:
            continue
        row.referrals += r.n
        if r.status == Status.DECLINED and r.decline_reason in (CAPACITY, ELIGIBILITY):
            row.declined[r.decline_reason] = row.declined.get(r.decline_reason, 0) + r.n
            area = r.area or "—"
            row.declined_areas[area] = row.declined_areas.get(area, 0) + r.n
    return Gaps(
        needs=sorted(rows.values(), key=lambda n: (not n.flags, n.label)),
        overlaps=overlaps(services),
    )


def overlaps(services: Sequence[ServiceFacts]) -> list[Overlap]:
    found = []
    for a, b in combinations(services, 2):
        if a.organisation_id == b.organisation_id or not a.takes_same_people_as(b):
            continue
        shared_areas = a.areas & b.areas
        if (a.areas or b.areas) and not shared_areas:
            continue
        for need in sorted(a.needs.keys() & b.needs.keys()):
            found.append(Overlap(a.needs[need], sorted(shared_areas), a, b))
    return sorted(found, key=lambda o: (o.need, o.first.name, o.second.name))
