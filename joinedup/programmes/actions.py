"""Writes for programmes and hubs."""

from __future__ import annotations

from typing import Any

from joinedup.actions import action
from joinedup.audit.actions import audit_record, snapshot
from joinedup.programmes.models import Hub, Programme

PROGRAMME_FIELDS = ["name", "funder", "description", "budget_pounds", "start_on", "end_on"]


@action
def programme_create(*, by: Any, name: str, **fields: Any) -> Programme:
    programme = Programme(name=name, **fields)
    programme.full_clean()
    programme.save()
    audit_record(
        actor=by,
        action="programme.create",
        obj=programme,
        after=snapshot(programme, PROGRAMME_FIELDS),
    )
    return programme


@action
def hub_create(*, by: Any, programme: Programme, name: str, region: str = "") -> Hub:
    hub = Hub(programme=programme, name=name, region=region)
    hub.full_clean()
    hub.save()
    audit_record(
        actor=by,
        action="hub.create",
        obj=hub,
        after={"programme": str(programme), "name": name, "region": region},
    )
    return hub


@action
def programme_add_officer(*, programme: Programme, user: Any, by: Any) -> None:
    """Let `user` see every partnership of `programme`, read-only, as its officer."""
    programme.officers.add(user)
    audit_record(
        actor=by, action="programme.add_officer", obj=programme, after={"officer": user.email}
    )
