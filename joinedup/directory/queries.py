"""Who sees which listings. One place decides it, for the pages, the search and the rules.

- a **public** service or location is seen by everyone (and is what the HSDS API and the export
  carry);
- a **partners-only** one by staff of its organisation and of every organisation that shares a
  partnership with it (programme officers of those partnerships too);
- a **confidential** one only by staff of its own organisation. A confidential location's
  address and coordinates are never shown, searched by distance or area, exported or served to
  anyone else: partners see that the service exists and how to refer, not where it is.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from joinedup.access import org_roles, partnerships_visible_to
from joinedup.directory.models import ImportRun, Location, Organization, Service, Visibility
from joinedup.lib.spreadsheet import cell
from joinedup.partnerships.models import Membership


@dataclass(frozen=True)
class Viewer:
    """The organisations a user is staff of, and those they are partners of."""

    own: frozenset[int]
    partners: frozenset[int]
    everything: bool = False

    def sees(self, visibility: str, owner_id: int | None) -> bool:
        if self.everything or visibility == Visibility.PUBLIC:
            return True
        if owner_id is None:
            return False
        if visibility == Visibility.PARTNERS:
            return owner_id in self.own or owner_id in self.partners
        return owner_id in self.own

    def sees_location(self, location: Location, service: Service) -> bool:
        """A location of `service` is its organisation's, when the location names none."""
        owner = location.organization or service.organization
        return self.sees(location.visibility, owner.organisation_id)

    def services(self) -> Q:
        """As a filter on services. The organisations are matched by a subquery over the few
        that are ours, so a search does not join every organisation in the directory."""
        if self.everything:
            return Q()
        partner_or_own = Organization.objects.filter(
            organisation_id__in=self.own | self.partners
        ).values("pk")
        own = Organization.objects.filter(organisation_id__in=self.own).values("pk")
        return (
            Q(visibility=Visibility.PUBLIC)
            | Q(visibility=Visibility.PARTNERS, organization_id__in=partner_or_own)
            | Q(organization_id__in=own)
        )

    def locations(self) -> Q:
        """Locations whose whereabouts the viewer may use (search by area or distance). A
        location that is not public and names no organisation is not used: when in doubt,
        the address stays hidden."""
        if self.everything:
            return Q()
        partner_or_own = self.own | self.partners
        return (
            Q(visibility=Visibility.PUBLIC)
            | Q(visibility=Visibility.PARTNERS, organization__organisation_id__in=partner_or_own)
            | Q(organization__organisation_id__in=self.own)
        )


def viewer(user: Any) -> Viewer:
    """Read once per request."""
    if not hasattr(user, "_joinedup_viewer"):
        if user.is_authenticated and user.is_superuser:
            user._joinedup_viewer = Viewer(frozenset(), frozenset(), everything=True)
        else:
            own = frozenset(org_roles(user))
            partners = frozenset(
                Membership.objects.current()
                .filter(partnership__in=partnerships_visible_to(user))
                .values_list("organisation_id", flat=True)
            )
            user._joinedup_viewer = Viewer(own, partners)
    return user._joinedup_viewer


def services_visible_to(user: Any) -> QuerySet[Service]:
    return Service.objects.filter(viewer(user).services())


# The import page lists the last imports, and a run's page this many of its problems (the
# rest are in its CSV).
IMPORTS_LISTED = 10
PROBLEMS_SHOWN = 500


def imports_visible_to(user: Any) -> Any:
    """A person's own imports; a site administrator's, everyone's. A report lists the records
    a file held, which are its uploader's until they are in the directory."""
    runs = ImportRun.objects.all()
    return runs if user.is_superuser else runs.filter(by=user)


def recent_imports(user: Any) -> list[Any]:
    """The latest imports the person may read, newest first, with who asked (one query)."""
    return list(imports_visible_to(user).select_related("by").defer("report")[:IMPORTS_LISTED])


def write_problems(out: Any, problems: list[list[str]]) -> None:
    """An import's problems as CSV, each cell safe to open in a spreadsheet."""
    writer = csv.writer(out)
    writer.writerow(["outcome", "file", "row", "field", "reason"])
    for problem in problems:
        writer.writerow([cell(value) for value in problem])
