"""Who sees and does what with the Charter (found by `rules`' autodiscovery).

- A programme's Charter is seen by whoever sees the programme, a partnership's by its members
  and officers; its officers (a partnership's: the lead's admins and managers) revise it.
- An organisation's evidence and development plan are seen by its own people, the lead's
  admins and managers and the programme's officers.
- How others see an organisation in the peer view is seen by its own people only; the lead
  sees the partnership's distribution.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import acts_for, org_roles, programmes_overseen, standing
from joinedup.charter.models import Charter
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation, Partnership


@rules.predicate
def can_view_charter(user: Any, charter: Charter) -> bool:
    if charter.partnership is not None:
        return standing(user, charter.partnership).can_view
    return user.has_perm("programmes.view_programme", charter.programme)


@rules.predicate
def manages_charter(user: Any, charter: Charter) -> bool:
    if charter.partnership is not None:
        return standing(user, charter.partnership).manages
    return charter.programme_id in programmes_overseen(user)


rules.add_perm("charter.view_charter", can_view_charter)
rules.add_perm("charter.change_charter", manages_charter)


def sees_organisation_record(
    user: Any, partnership: Partnership, organisation: Organisation
) -> bool:
    """Evidence and the development plan of `organisation` in `partnership`."""
    seen = standing(user, partnership)
    return user.is_superuser or seen.manages or seen.officer or acts_for(user, organisation.pk)


def plans_for(user: Any, partnership: Partnership, organisation: Organisation) -> bool:
    """Who adds to a development plan: the organisation's admins and managers, or the lead's."""
    return (
        user.is_superuser
        or standing(user, partnership).manages
        or org_roles(user).get(organisation.pk) in MANAGING_ORG_ROLES
    )
