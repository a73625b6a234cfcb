"""Who may see and change listings (found by `rules`' autodiscovery).

Seeing follows `directory.queries.Viewer`. A listing is changed by staff of its organisation,
who also read the reports partners make about it. Leads — admins and managers of an
organisation that leads a partnership — import, export and merge duplicates, because they keep
the directory their partnership relies on.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import acts_for, org_roles
from joinedup.directory.models import ListingReport, Service
from joinedup.directory.queries import viewer
from joinedup.partnerships.models import (
    MANAGING_ORG_ROLES,
    MemberRole,
    Membership,
)


@rules.predicate
def can_view_service(user: Any, service: Service) -> bool:
    return viewer(user).sees(service.visibility, service.organization.organisation_id)


@rules.predicate
def can_change_service(user: Any, service: Service) -> bool:
    return acts_for(user, service.organization.organisation_id)


@rules.predicate
def can_view_report(user: Any, report: ListingReport) -> bool:
    return acts_for(user, report.service.organization.organisation_id)


@rules.predicate
def is_lead(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    managing = [org for org, role in org_roles(user).items() if role in MANAGING_ORG_ROLES]
    return (
        Membership.objects.current()
        .filter(organisation_id__in=managing, role=MemberRole.LEAD)
        .exists()
    )


rules.add_perm("directory.view_service", can_view_service)
rules.add_perm("directory.change_service", can_change_service)
rules.add_perm("directory.view_listingreport", can_view_report)
rules.add_perm("directory.change_listingreport", can_view_report)
rules.add_perm("directory.manage_directory", is_lead)
