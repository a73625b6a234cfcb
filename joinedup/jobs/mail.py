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
) -> OutgoingMessage | None:
    """Write the message and enqueue the job that sends it, in the caller's transaction: both
    exist exactly when the change they tell about was committed, and neither if it rolled
    back. The request never waits for the relay. `organisation` is whose admins see it on
    "messages not delivered" if every try fails. Nothing is queued when mail is off
    (JOINEDUP_MAIL=off, the demo's invented year) or there is nobody to send to."""
    from joinedup.jobs.tasks import send_email

    addresses = sorted({address for address in to if address})
    if not addresses or settings.EMAIL_BACKEND == NO_MAIL:
        return None
    message = OutgoingMessage.objects.create(
        organisation=organisation,
        subject=subject[:300],
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=addresses,
    )
    send_email.enqueue(message.pk)
    return message
