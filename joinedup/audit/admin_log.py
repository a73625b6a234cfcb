"""Every change made in the Django admin goes in the audit log too.

The admin writes a `LogEntry` for each object it adds, changes or deletes, inside the same
transaction as the change; we copy each into an `AuditEvent`, so the audit log is the one place
to read who changed what, whether through a page, the API or the admin. The admin's bulk
"delete selected" (which writes its log entries in bulk, without signals) is switched off:
the admin deletes one object at a time, each audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save

from joinedup.audit.models import AuditEvent

VERBS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


def _copy(sender: Any, instance: LogEntry, created: bool, raw: bool = False, **_: Any) -> None:
    if not created or raw:
        return
    content_type = instance.content_type
    AuditEvent.objects.create(
        actor_id=instance.user_id,
        action=f"admin.{VERBS.get(instance.action_flag, 'other')}",
        object_type=(
            f"{content_type.app_label}.{content_type.model}" if content_type else "unknown"
        )[:64],
        object_id=str(instance.object_id or "")[:64],
        object_repr=instance.object_repr[:200],
        after={"change": instance.get_change_message()},
    )


def install() -> None:
    post_save.connect(_copy, sender=LogEntry, dispatch_uid="joinedup.audit.admin_log")
    admin.site.disable_action("delete_selected")
