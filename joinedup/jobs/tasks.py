"""The jobs this app defines: sending an email, building an export, and the scheduled ones."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from joinedup.jobs.models import ExportRun, ExportState, OutgoingMessage
from joinedup.jobs.retry import job

logger = logging.getLogger("joinedup.notifications")

# Five tries over about 15 minutes (1, 2, 4 and 8 minutes apart): a relay down for a restart
# is waited for; one down for longer is shown to the organisation's admins.
EMAIL_ATTEMPTS = 5
EMAIL_BACKOFF = 60.0


def email_given_up(args: list[Any], kwargs: dict[str, Any], error: BaseException) -> None:
    """After the last try: the message is "not delivered" (shown to its organisation's admins,
    who may try again) and logged (subject and number of recipients, never the addresses or
    the body, which may hold secret links)."""
    message_id = kwargs.get("message_id", args[0] if args else 0)
    message = OutgoingMessage.objects.filter(pk=int(message_id)).first()
    if message is None:
        return
    OutgoingMessage.objects.filter(pk=message.pk).exclude(status=OutgoingMessage.SENT).update(
        status=OutgoingMessage.FAILED, failed_at=timezone.now(), last_error=str(error)[:500]
    )
    logger.error(
        "Email not delivered after %d tries (%s) to %d people: %s",
        message.attempts, message.subject, len(message.to), error,
    )  # fmt: skip


@job(attempts=EMAIL_ATTEMPTS, backoff=EMAIL_BACKOFF, on_give_up=email_given_up)
def send_email(message_id: int) -> str:
    """Send one `OutgoingMessage`. Its status is read and set under a row lock, in short
    transactions (none is held while the relay is talked to, which on SQLite would stop every
    write for up to EMAIL_TIMEOUT): a message already sent is not sent again, so the job may
    safely run twice. A message found "being sent" was cut off mid-send by a worker that died;
    whether the relay took it cannot be known, so it is sent again (a duplicate email is
    better than a lost one)."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return "gone"
        if message.status == OutgoingMessage.SENT:
            return "already sent"
        message.status = OutgoingMessage.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    email = EmailMessage(message.subject, message.body, message.from_email, list(message.to))
    try:
        email.send()
    except Exception as error:
        OutgoingMessage.objects.filter(pk=message.pk, status=OutgoingMessage.SENDING).update(
            status=OutgoingMessage.PENDING, last_error=str(error)[:500]
        )
        logger.warning(
            "Email not sent (%s) to %d people, try %d: %s",
            message.subject, len(message.to), message.attempts, error,
        )  # fmt: skip
        raise
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=OutgoingMessage.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


@job(attempts=3, backoff=300)
def remind() -> str:
    """`joinedup remind`, as a job (scheduled daily: `joinedup.jobs.schedule`)."""
    call_command("remind", verbosity=0)
    return "done"


@job(attempts=3, backoff=300)
def retention() -> str:
    """`joinedup retention`, as a job (scheduled nightly)."""
    call_command("retention", verbosity=0)
    return "done"


EXPORT_FAILED = (
    "The file could not be prepared (reference {ref}). Ask for it again; if it fails again, "
    "tell the site's administrators the reference."
)


@job(attempts=1)
def build_export(run_id: str) -> str:
    """Build the file of an `ExportRun` and keep it in the storage until it expires. Safe to
    run again: a run already finished is left alone, and one cut off mid-way (its worker
    killed) is built again from the start."""
    from joinedup.accounts.models import User
    from joinedup.jobs.exports import KINDS

    claimed = ExportRun.objects.filter(
        pk=run_id, state__in=[ExportState.QUEUED, ExportState.RUNNING]
    ).update(state=ExportState.RUNNING, started_at=timezone.now())
    if not claimed:
        return "not waiting"
    run = ExportRun.objects.get(pk=run_id)
    try:
        user = User.objects.get(pk=run.requested_by_id)
        built = KINDS[run.kind].built(run.params, user)
        run.file.save(built.filename, ContentFile(built.content), save=False)
    except Exception:
        logger.exception("The export %s (%s) failed", run.pk, run.kind)
        ExportRun.objects.filter(pk=run.pk).update(
            state=ExportState.FAILED,
            finished_at=timezone.now(),
            error=EXPORT_FAILED.format(ref=str(run.pk)[:8]),
        )
        return "failed"
    now = timezone.now()
    ExportRun.objects.filter(pk=run.pk).update(
        state=ExportState.DONE,
        file=run.file.name,
        filename=built.filename,
        content_type=built.content_type,
        size=len(built.content),
        finished_at=now,
        expires_at=now + dt.timedelta(hours=settings.JOINEDUP_EXPORT_HOURS),
    )
    return "done"


def exports_expire(now: dt.datetime | None = None) -> int:
    """Remove the files of exports past their expiry; say how many. The run stays, marked
    removed, so its status page says so instead of answering 404."""
    now = now or timezone.now()
    removed = 0
    for run in ExportRun.objects.filter(state=ExportState.DONE, expires_at__lte=now):
        if run.file:
            run.file.delete(save=False)
        removed += ExportRun.objects.filter(pk=run.pk, state=ExportState.DONE).update(
            state=ExportState.EXPIRED, file=""
        )
    return removed


@job(attempts=3, backoff=300)
def cleanup() -> str:
    """Hourly: remove expired exports and the uploads of finished imports."""
    from joinedup.directory.actions import import_uploads_remove

    exports = exports_expire()
    uploads = import_uploads_remove()
    return f"{exports} exports, {uploads} uploads removed"
