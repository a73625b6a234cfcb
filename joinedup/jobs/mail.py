"""Email off the request path: `queue_email` is how every part of Joined Up sends mail."""

from __future__ import annotations

from django.conf import settings

from joinedup.jobs.models import OutgoingMessage
from joinedup.partnerships.models import Organisation

NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"


def queue_email(
    to: list[str],
    subject: str,
    body: str,
    *,
    organisation: Organisation | None = None,
    from_email: str | None = None,
) -> list[OutgoingMessage]:
    """Write the messages and enqueue the jobs that send them, in the caller's transaction:
    they exist exactly when the change they tell about was committed, and not if it rolled
    back. The request never waits for the relay. Each address gets its own message, so nobody
    learns who else was told (guests, people with lived experience, other organisations' staff)
    and a bad address fails alone. `organisation` is whose admins see a message on "messages
    not delivered" if every try fails. Nothing is queued when mail is off (JOINEDUP_MAIL=off,
    the demo's invented year) or there is nobody to send to."""
    from joinedup.jobs.tasks import send_email

    addresses = sorted({address for address in to if address})
    if not addresses or settings.EMAIL_BACKEND == NO_MAIL:
        return []
    messages = []
    for address in addresses:
        message = OutgoingMessage.objects.create(
            organisation=organisation,
            subject=subject[:300],
            body=body,
            from_email=from_email or settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        send_email.enqueue(message.pk)
        messages.append(message)
    return messages
