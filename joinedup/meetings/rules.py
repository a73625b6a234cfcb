"""Who sees and runs meetings and concerns (found by `rules`' autodiscovery).

- Core and board series (and their meetings) are for lead and core partners and programme
  officers; wider, learning and annual-review series for every member; a one-to-one for lead
  and core partners, officers, and the partner it is with.
- The lead's admins and managers run series and meetings: schedule, agenda, attendance,
  minutes, actions. The owner of an action (its acting staff) updates its status.
- A concern "to the lead only" is seen by the organisation that raised it and the lead's
  staff; one "to all members" by every member. The lead's admins and managers answer it.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import acts_for, org_roles, standing
from joinedup.meetings.models import (
    CORE_TIERS,
    ActionPoint,
    Concern,
    ConcernAudience,
    Meeting,
    Series,
    Tier,
)
from joinedup.partnerships.models import MemberRole


def _sees_series(user: Any, series: Series) -> bool:
    seen = standing(user, series.partnership)
    if not seen.can_view:
        return False
    if series.tier == Tier.ONE_TO_ONE:
        return seen.can_view_core or series.with_organisation_id in org_roles(user)
    if series.tier in CORE_TIERS:
        return seen.can_view_core
    return True


@rules.predicate
def can_view_series(user: Any, series: Series) -> bool:
    return _sees_series(user, series)


@rules.predicate
def manages_series(user: Any, series: Series) -> bool:
    return standing(user, series.partnership).manages


@rules.predicate
def can_view_meeting(user: Any, meeting: Meeting) -> bool:
    return _sees_series(user, meeting.series)


@rules.predicate
def manages_meeting(user: Any, meeting: Meeting) -> bool:
    return standing(user, meeting.series.partnership).manages


@rules.predicate
def can_view_action(user: Any, action: ActionPoint) -> bool:
    return _sees_series(user, action.meeting.series)


@rules.predicate
def can_update_action(user: Any, action: ActionPoint) -> bool:
    return standing(user, action.meeting.series.partnership).manages or acts_for(
        user, action.owner_id
    )


@rules.predicate
def can_view_concern(user: Any, concern: Concern) -> bool:
    seen = standing(user, concern.partnership)
    if not seen.can_view:
        return False
    return (
        concern.audience == ConcernAudience.ALL
        or concern.organisation_id in org_roles(user)
        or seen.member_role == MemberRole.LEAD
    )


@rules.predicate
def answers_concern(user: Any, concern: Concern) -> bool:
    return standing(user, concern.partnership).manages


rules.add_perm("meetings.view_series", can_view_series)
rules.add_perm("meetings.change_series", manages_series)
rules.add_perm("meetings.view_meeting", can_view_meeting)
rules.add_perm("meetings.change_meeting", manages_meeting)
rules.add_perm("meetings.view_actionpoint", can_view_action)
rules.add_perm("meetings.change_actionpoint", can_update_action)
rules.add_perm("meetings.view_concern", can_view_concern)
rules.add_perm("meetings.change_concern", answers_concern)
