"""The jobs this app defines: sending an email, and the scheduled commands."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from joinedup.jobs.models import OutgoingMessage
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
