"""Who sees and does what in partnership health (found by `rules`' autodiscovery).

- Every member (wider partners too) and the programme officer see the health check's results,
  which are aggregated — by factor, and by organisation — and never show who answered what;
  the collaboration ratings and the time invested are seen the same way.
- The lead's admins and managers open and close rounds.
- Anyone affiliated with a current member organisation answers the check for it, trustees and
  volunteers included: buy-in at every level is one of the things it asks about.
- An organisation's admins, managers and staff rate the other members and log its time.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import acting_for, org_roles, standing
from joinedup.health.models import Round
from joinedup.partnerships.models import Membership, Partnership


def member_organisations(user: Any, partnership: Partnership, *, acting: bool = False) -> list[int]:
    """The current member organisations of `partnership` that `user` belongs to (with `acting`,
    those they act for), cached per request."""
    cache: dict[tuple[int, bool], list[int]] = user.__dict__.setdefault("_joinedup_health_orgs", {})
    key = (partnership.pk, acting)
    if key not in cache:
        mine = acting_for(user) if acting else list(org_roles(user))
        cache[key] = list(
            Membership.objects.current()
            .filter(partnership_id=partnership.pk, organisation_id__in=mine)
            .order_by("organisation__name")
            .values_list("organisation_id", flat=True)
        )
    return cache[key]


@rules.predicate
def sees_health(user: Any, partnership: Partnership) -> bool:
    return standing(user, partnership).can_view


@rules.predicate
def runs_health_check(user: Any, partnership: Partnership) -> bool:
    return standing(user, partnership).manages


@rules.predicate
def answers_for_a_member(user: Any, partnership: Partnership) -> bool:
    return bool(member_organisations(user, partnership))


@rules.predicate
def acts_for_a_member(user: Any, partnership: Partnership) -> bool:
    return bool(member_organisations(user, partnership, acting=True))


@rules.predicate
def can_view_round(user: Any, round: Round) -> bool:
    return standing(user, round.partnership).can_view


@rules.predicate
def manages_round(user: Any, round: Round) -> bool:
    return standing(user, round.partnership).manages


@rules.predicate
def answers_round(user: Any, round: Round) -> bool:
    return round.is_open and bool(member_organisations(user, round.partnership))


rules.add_perm("health.view_health", sees_health)
rules.add_perm("health.run_health_check", runs_health_check)
rules.add_perm("health.answer", answers_for_a_member)
rules.add_perm("health.rate", acts_for_a_member)
rules.add_perm("health.log_time", acts_for_a_member)
rules.add_perm("health.view_round", can_view_round)
rules.add_perm("health.change_round", manages_round)
rules.add_perm("health.answer_round", answers_round)
