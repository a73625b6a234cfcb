"""Who sees and does what in reflective practice and handover (found by `rules`' autodiscovery).

- A **reflection** is read by its writer; when shared with their organisation, by everyone
  belonging to that organisation; when shared with the partnership, by everyone who sees the
  partnership (its members' people and its programme's officers, read-only) — and, through the
  learning sources, the programme's evaluators. Only the writer changes it.
- An **action learning set** (its name, purpose, members and next date) is seen by whoever
  sees its partnership; its sessions' notes only by its members, who record them. Joining is
  a request that a member (or the set's starter) approves or declines; until then, nothing more.
- A **handover** is read by its successor, by the admins and managers of the leaver's
  organisation, and by the leaver while they still belong there (someone removed from an
  organisation no longer sees its work). The lead's admins and managers see only that it is
  waiting, on the partnership's reflection page. Only the successor confirms it.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import org_roles, standing
from joinedup.partnerships.models import MANAGING_ORG_ROLES
from joinedup.reflection.models import Handover, LearningSet, Reflection, Sharing


@rules.predicate
def can_view_reflection(user: Any, reflection: Reflection) -> bool:
    if not user.is_authenticated:
        return False
    if reflection.writer_id == user.pk:
        return True
    if reflection.sharing == Sharing.ORGANISATION:
        return reflection.organisation_id in org_roles(user)
    if reflection.sharing == Sharing.PARTNERSHIP:
        return standing(user, reflection.partnership).can_view
    return False


@rules.predicate
def wrote_reflection(user: Any, reflection: Reflection) -> bool:
    return user.is_authenticated and reflection.writer_id == user.pk


@rules.predicate
def can_view_set(user: Any, learning_set: LearningSet) -> bool:
    return standing(user, learning_set.partnership).can_view


@rules.predicate
def is_set_member(user: Any, learning_set: LearningSet) -> bool:
    return user.is_authenticated and any(m.user_id == user.pk for m in learning_set.members.all())


def manages_org(user: Any, organisation_id: int) -> bool:
    return org_roles(user).get(organisation_id) in MANAGING_ORG_ROLES


@rules.predicate
def can_view_handover(user: Any, handover: Handover) -> bool:
    if not user.is_authenticated:
        return False
    if handover.successor_id == user.pk or manages_org(user, handover.organisation_id):
        return True
    return handover.leaver_id == user.pk and handover.organisation_id in org_roles(user)


@rules.predicate
def can_write_handover(user: Any, handover: Handover) -> bool:
    """Add to the notes and name the successor: the leaver (still there) and their managers."""
    if not handover.is_open or not user.is_authenticated:
        return False
    if manages_org(user, handover.organisation_id):
        return True
    return handover.leaver_id == user.pk and handover.organisation_id in org_roles(user)


@rules.predicate
def is_successor(user: Any, handover: Handover) -> bool:
    return user.is_authenticated and handover.is_open and handover.successor_id == user.pk


rules.add_perm("reflection.view_reflection", can_view_reflection)
rules.add_perm("reflection.change_reflection", wrote_reflection)
rules.add_perm("reflection.view_learningset", can_view_set)
rules.add_perm("reflection.change_learningset", is_set_member)
rules.add_perm("reflection.view_handover", can_view_handover)
rules.add_perm("reflection.change_handover", can_write_handover)
rules.add_perm("reflection.confirm_handover", is_successor)
