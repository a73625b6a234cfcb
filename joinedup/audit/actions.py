"""Writing the audit log. Every action in every app calls `audit_record` inside its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from joinedup.actions import person
from joinedup.audit.models import AuditEvent


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `instance` as JSON-safe values, for an audit row's before or after."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = str(value)
        elif isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, list | tuple):
            value = list(value)
        values[name] = value
    return values


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    partnership: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=person(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=(getattr(obj, "audit_label", None) or str(obj))[:200],
        partnership=partnership,
        before=before or {},
        after=after or {},
    )
