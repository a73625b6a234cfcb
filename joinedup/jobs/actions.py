"""Writes of the jobs app: trying an undelivered message again; asking for an export."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from joinedup.actions import action
from joinedup.audit.actions import audit_record
from joinedup.jobs.models import ExportRun, OutgoingMessage

NOT_FAILED = "This message is no longer waiting: it was sent or is being tried again already."


@action
def message_retry(*, by: Any, message: OutgoingMessage) -> OutgoingMessage:
    """Put a message that was not delivered back on the queue, with a fresh set of tries. Two
    people clicking at once queue it once: the second is told it is already being tried."""
    from joinedup.jobs.tasks import send_email

    locked = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != OutgoingMessage.FAILED:
        raise ValidationError(NOT_FAILED, code="conflict")
    locked.status = OutgoingMessage.PENDING
    locked.failed_at = None
    locked.save(update_fields=["status", "failed_at"])
    send_email.enqueue(locked.pk)
    audit_record(
        actor=by,
        action="message.retry",
        obj=locked,
        after={"subject": locked.subject, "recipients": len(locked.to)},
    )
    return locked


@action
def export_run_create(*, by: Any, kind: str, params: dict[str, Any]) -> ExportRun:
    """Ask for an export (`joinedup.jobs.exports`, its parameters already checked): the run and
    its job are written in one transaction, so a job exists exactly when the run does."""
    from joinedup.jobs.tasks import build_export

    run = ExportRun.objects.create(kind=kind, params=params, requested_by=by)
    build_export.enqueue(str(run.pk))
    return run
