"""Listings that are probably the same, for a lead to merge.

Organizations are alike when they share a registered number (an HSDS organization identifier,
a tax id, or the charity number of the partnership organisation they are) or a name once case,
punctuation and "Ltd"/"CIC"/"The" are set aside. Services are alike when one organization lists
two of the same name at the same location. Each list is capped, so the page stays quick on a
large directory; a lead merges and the next pairs appear.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from joinedup.directory.models import (
    Organization,
    OrganizationIdentifier,
    Service,
    ServiceAtLocation,
)

LIMIT = 50
NOISE = re.compile(r"\b(the|ltd|limited|cic|inc|incorporated|charity|trust)\b|[^a-z0-9 ]")


def name_key(name: str) -> str:
    return " ".join(NOISE.sub(" ", name.lower()).split())


def duplicate_organizations() -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], set[Any]] = defaultdict(set)
    for org_id, identifier in OrganizationIdentifier.objects.values_list(
        "organization_id", "identifier"
    ):
        groups[("registered number", identifier.strip().upper())].add(org_id)
    for org_id, tax_id, charity in Organization.objects.values_list(
        "pk", "tax_id", "organisation__charity_number"
    ):
        for number in (tax_id, charity):
            if number:
                groups[("registered number", number.strip().upper())].add(org_id)
    for org_id, name in Organization.objects.values_list("pk", "name"):
        groups[("name", name_key(name))].add(org_id)
    found = [(why, key, ids) for (why, key), ids in groups.items() if len(ids) > 1 and key]
    found.sort(key=lambda item: (item[0] != "registered number", item[1]))
    found = found[:LIMIT]
    orgs = Organization.objects.in_bulk({i for _, _, ids in found for i in ids})
    return [
        {"why": f"same {why}", "key": key, "records": sorted((orgs[i] for i in ids), key=str)}
        for why, key, ids in found
    ]


def duplicate_services(visible: QuerySet[Service]) -> list[dict[str, Any]]:
    """Pairs among the `visible` services only: a lead is not shown the confidential or
    partners-only listings of organisations they may not see."""
    pairs = (
        ServiceAtLocation.objects.filter(service__in=visible)
        .values("location_id", "service__organization_id", "service__name")
        .annotate(n=Count("service_id", distinct=True))
        .filter(n__gt=1)
        .order_by("service__name")[:LIMIT]
    )
    out = []
    for pair in pairs:
        services = list(
            visible.filter(
                organization_id=pair["service__organization_id"],
                name=pair["service__name"],
                service_at_locations__location_id=pair["location_id"],
            )
            .select_related("organization")
            .distinct()
        )
        out.append(
            {
                "why": "same name at the same location",
                "key": pair["service__name"],
                "records": services,
            }
        )
    return out
