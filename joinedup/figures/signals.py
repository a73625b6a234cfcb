"""Refreshing the figures when their evidence changes.

Every write goes through an app's action, and every action writes an audit row naming its
partnership. A new audit row in an app whose records are evidence schedules one refresh job
per transaction, after it commits, for every partnership touched in it: an attendance register
or a demo load of thousands of actions queues one job, not thousands. (Hooking the audit row
rather than each model catches bulk writes too, which send no model signals.)
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone

# The apps whose records the figures are computed from (`health.evidence`).
EVIDENCE_APPS = {
    "partnerships",
    "meetings",
    "referrals",
    "resources",
    "decisions",
    "agreements",
    "health",
}
# Audited reads and other acts that change no evidence.
NOT_EVIDENCE = ("view", "viewed", "export", "download")


class _Refresh:
    """The on-commit callback of one transaction: the partnerships it touched."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.requested_at = timezone.now()

    def __call__(self) -> None:
        from joinedup.figures.tasks import refresh

        refresh.enqueue(sorted(self.ids), self.requested_at.isoformat())


def _pending() -> _Refresh | None:
    """The callback registered at this same savepoint, if any: Django drops a callback when
    its savepoint rolls back, so one is shared only by writes that commit or fail together."""
    here = set(connection.savepoint_ids)
    for entry in connection.run_on_commit:  # (savepoint ids, callback, robust)
        sids, func = entry[0], entry[1]
        if isinstance(func, _Refresh) and set(sids) == here:
            return func
    return None


def evidence_changed(partnership_id: int) -> None:
    """Schedule a refresh of this partnership's figures once the transaction commits."""
    pending = _pending() if connection.in_atomic_block else None
    if pending is None:
        pending = _Refresh()
        pending.ids.add(partnership_id)
        transaction.on_commit(pending)
    else:
        pending.ids.add(partnership_id)


def _on_audit(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or instance.partnership_id is None:
        return
    app = instance.object_type.split(".", 1)[0]
    if app in EVIDENCE_APPS and not instance.action.endswith(NOT_EVIDENCE):
        evidence_changed(instance.partnership_id)


def connect() -> None:
    from joinedup.audit.models import AuditEvent

    post_save.connect(_on_audit, sender=AuditEvent, dispatch_uid="figures-on-audit")


def changed_since(partnership_id: int, since: Any) -> bool:
    """Whether an action that changes this partnership's evidence was recorded after `since`
    (one query on the audit log's index of partnership and time). Stored figures computed at
    `since` are current if not: every write goes through an action, and every action writes
    an audit row naming its partnership. A change to a member organisation itself (its name,
    in the Django admin or on its page) names no partnership, and counts too: the figures
    carry the members' names."""
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    from joinedup.audit.models import AuditEvent
    from joinedup.partnerships.models import Membership

    apps = Q()
    for app in EVIDENCE_APPS:
        apps |= Q(object_type__startswith=f"{app}.")
    quiet = Q()
    for suffix in NOT_EVIDENCE:
        quiet |= Q(action__endswith=suffix)
    members = Membership.objects.filter(partnership_id=partnership_id).values(
        org=Cast("organisation_id", CharField())
    )
    member_changed = Q(
        partnership_id__isnull=True,
        object_type="partnerships.organisation",
        object_id__in=members,
    )
    return (
        AuditEvent.objects.filter(at__gt=since)
        .filter((apps & Q(partnership_id=partnership_id)) | member_changed)
        .exclude(quiet)
        .order_by()
        .exists()
    )
