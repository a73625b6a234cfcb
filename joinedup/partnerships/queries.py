"""Reads for the partnership pages that span several relations, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from joinedup.partnerships.models import MemberRole, Membership, Organisation, Partnership, Sector


def memberships_of(partnership: Partnership, *, with_contacts: bool) -> list[Membership]:
    """Every membership, past and present, with its organisation (and contacts): 1–2 queries."""
    qs = partnership.memberships.select_related("organisation")
    if with_contacts:
        qs = qs.prefetch_related(Prefetch("contacts"))
    return list(qs)


def current_by_role(memberships: list[Membership]) -> dict[str, list[Membership]]:
    groups: dict[str, list[Membership]] = {role: [] for role in MemberRole.values}
    for membership in memberships:
        if membership.is_current:
            groups[membership.role].append(membership)
    for members in groups.values():
        members.sort(key=lambda m: m.organisation.name.lower())
    return groups


@dataclass(frozen=True)
class HistoryEvent:
    on: dt.date
    membership: Membership
    joined: bool  # False: it left


def membership_history(memberships: list[Membership]) -> list[HistoryEvent]:
    """Joinings and leavings, newest first."""
    events = [HistoryEvent(m.joined_on, m, True) for m in memberships]
    events += [HistoryEvent(m.left_on, m, False) for m in memberships if m.left_on]
    return sorted(events, key=lambda e: (e.on, not e.joined), reverse=True)


@dataclass(frozen=True)
class Composition:
    members: int
    sectors: list[tuple[str, int]]
    sizes: list[tuple[str, int]]
    user_led: int
    communities: list[tuple[str, int]]
    missing: list[str]  # communities the criteria ask for that no member serves


def composition(partnership: Partnership, memberships: list[Membership]) -> Composition:
    """Who the current members are — sector, size, user-led, communities served — and which
    communities the membership criteria ask for that nobody provides (seed 002: no black and
    minority ethnic or refugee women's organisation)."""
    from collections import Counter

    from joinedup.partnerships.models import Sector, SizeBand

    organisations = [m.organisation for m in memberships if m.is_current]
    communities: Counter[str] = Counter()
    for organisation in organisations:
        communities.update({c.strip().lower(): 1 for c in organisation.communities if c.strip()})
    sectors = Counter(Sector(o.sector).label for o in organisations)
    sizes = Counter(SizeBand(o.size).label if o.size else "Not known" for o in organisations)
    return Composition(
        members=len(organisations),
        sectors=sorted(sectors.items(), key=lambda kv: -kv[1]),
        sizes=sorted(sizes.items(), key=lambda kv: -kv[1]),
        user_led=sum(o.user_led for o in organisations),
        communities=sorted(communities.items(), key=lambda kv: (-kv[1], kv[0])),
        missing=[w for w in partnership.wanted if w.strip().lower() not in communities],
    )


SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Found:
    """What a search shows of an organisation: facts it publishes anyway, nothing more."""

    pk: int
    name: str
    charity_number: str | None
    company_number: str | None
    sector: str


def organisations_matching(q: str, *, partnership: Partnership) -> list[Found]:
    """Organisations in Joined Up, not current members of `partnership`, whose name contains
    `q` or whose charity or company number is `q`: at most SEARCH_LIMIT, one query. Only the
    public facts are read, so nothing else can reach the page."""
    number = q.strip().upper()
    rows = (
        Organisation.objects.filter(
            Q(name__icontains=q.strip()) | Q(charity_number=number) | Q(company_number=number)
        )
        .exclude(pk__in=partnership.memberships.current().values("organisation_id"))
        .order_by("name", "pk")
        .values_list("pk", "name", "charity_number", "company_number", "sector")[:SEARCH_LIMIT]
    )
    return [
        Found(pk, name, charity, company, Sector(sector).label)
        for pk, name, charity, company, sector in rows
    ]
