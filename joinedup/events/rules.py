"""Who may see and do what with hub events and topic requests.

- An event, a topic request and their pages are seen by whoever sees the hub (its programme's
  members and officers, and its coordinator) — `programmes.view_hub`.
- The hub's coordinator and the programme's officers **run** the hub's events: create them,
  schedule sessions, confirm attendance, mark an event held, see registrations and write notes.
- A **project** of the hub (an organisation that is a current member of one of the hub's
  partnerships) asks for topics and votes; any project of the programme may offer expertise.
- An invited guest has no account: their signed link shows them their registration, nothing more.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import acting_for, can_view_hub, programmes_overseen
from joinedup.partnerships.models import Membership, Organisation
from joinedup.programmes.models import Hub


def runs_hub(user: Any, hub: Hub | None, programme_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or programme_id in programmes_overseen(user):
        return True
    return hub is not None and hub.coordinator_id == user.pk


@rules.predicate
def runs_event(user: Any, event: Any) -> bool:
    return runs_hub(user, event.hub, event.programme_id)


@rules.predicate
def can_view_event(user: Any, event: Any) -> bool:
    if event.hub is not None:
        return bool(can_view_hub(user, event.hub))
    from joinedup.access import can_view_programme

    return bool(can_view_programme(user, event.programme))


@rules.predicate
def can_view_request(user: Any, request: Any) -> bool:
    return bool(can_view_hub(user, request.hub))


def hub_projects(user: Any, hub: Hub) -> list[Organisation]:
    """The organisations `user` acts for that are projects of `hub` (may ask and vote there)."""
    mine = acting_for(user)
    ids = (
        Membership.objects.current()
        .filter(partnership__hub=hub, organisation_id__in=mine)
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def programme_projects(user: Any, programme_id: int) -> list[Organisation]:
    """The organisations `user` acts for in any partnership of the programme (may offer)."""
    ids = (
        Membership.objects.current()
        .filter(partnership__programme_id=programme_id, organisation_id__in=acting_for(user))
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


rules.add_perm("events.view_event", can_view_event)
rules.add_perm("events.change_event", runs_event)
rules.add_perm("events.view_topicrequest", can_view_request)


@rules.predicate
def runs_request(user: Any, request: Any) -> bool:
    return runs_hub(user, request.hub, request.hub.programme_id)


rules.add_perm("events.change_topicrequest", runs_request)
