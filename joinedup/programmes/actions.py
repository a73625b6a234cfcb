"""Writes for programmes and hubs."""

from __future__ import annotations

from typing import Any

from joinedup.actions import action, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.programmes.models import Hub, Programme

PROGRAMME_FIELDS = ["name", "funder", "description", "budget_pounds", "start_on", "end_on"]
HUB_FIELDS = ["programme", "name", "region", "coordinator"]


@action
def programme_create(*, by: Any, name: str, **fields: Any) -> Programme:
    """A new programme. A programme officer who creates one becomes its officer, so that they
    see it and its partnerships; a superuser sees every programme already."""
    programme = Programme(name=name, **fields)
    programme.full_clean()
    programme.save()
    audit_record(
        actor=by,
        action="programme.create",
        obj=programme,
        after=snapshot(programme, PROGRAMME_FIELDS),
    )
    creator = person(by)
    if creator is not None and not creator.is_superuser:
        programme_add_officer(programme=programme, user=creator, by=by)
    return programme


@action
def hub_create(
    *, by: Any, programme: Programme, name: str, region: str = "", coordinator: Any = None
) -> Hub:
    hub = Hub(programme=programme, name=name, region=region, coordinator=coordinator)
    hub.full_clean()
    hub.save()
    audit_record(actor=by, action="hub.create", obj=hub, after=snapshot(hub, HUB_FIELDS))
    return hub


@action
def hub_update(*, hub: Hub, by: Any, **changes: Any) -> Hub:
    """Change a hub's name, region or coordinator; it stays in its programme."""
    hub = Hub.objects.select_for_update().select_related("programme").get(pk=hub.pk)
    before = snapshot(hub, HUB_FIELDS)
    for key in ("name", "region", "coordinator"):
        if key in changes:
            setattr(hub, key, changes.pop(key))
    if changes:
        raise TypeError(f"hub_update cannot change {', '.join(sorted(changes))}")
    hub.full_clean()
    hub.save()
    audit_record(
        actor=by, action="hub.update", obj=hub, before=before, after=snapshot(hub, HUB_FIELDS)
    )
    return hub


@action
def programme_add_officer(*, programme: Programme, user: Any, by: Any) -> None:
    """Let `user` see every partnership of `programme`, read-only, as its officer."""
    programme.officers.add(user)
    audit_record(
        actor=by, action="programme.add_officer", obj=programme, after={"officer": user.email}
    )
