"""Telling an organisation's people, by email, that something needs them."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q

from joinedup.accounts.models import User
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation

NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"
logger = logging.getLogger(__name__)


def recipients(organisation: Organisation) -> list[str]:
    """Its admins and managers, and the people it named as contacts in any partnership."""
    people = User.objects.filter(is_active=True).filter(
        Q(affiliations__organisation=organisation, affiliations__role__in=MANAGING_ORG_ROLES)
        | Q(contact_for__organisation=organisation, contact_for__left_on__isnull=True)
    )
    return sorted(set(people.values_list("email", flat=True)))


def notify(organisation: Organisation, subject: str, body: str) -> None:
    """Email `organisation`'s people once the current transaction has committed (and never if
    it rolls back)."""
    transaction.on_commit(lambda: _send_to(organisation, subject, body))


def _send_to(organisation: Organisation, subject: str, body: str) -> None:
    if settings.EMAIL_BACKEND == NO_MAIL:
        return  # mail is off (JOINEDUP_MAIL=off, the demo's invented year): nobody to look up
    _send(recipients(organisation), subject, body)


def notify_people(emails: list[str], subject: str, body: str) -> None:
    """Email these addresses once the current transaction has committed."""
    transaction.on_commit(lambda: _send(sorted(emails), subject, body))


def _send(to: list[str], subject: str, body: str) -> None:
    """Send after the write has committed. A relay that refuses or does not answer within
    EMAIL_TIMEOUT never turns the saved write into an error; the email is logged as not sent
    (subject and number of recipients, not the addresses or the body, which may hold links)."""
    if not to:
        return
    message = (f"[Joined Up] {subject}", body, settings.DEFAULT_FROM_EMAIL, to)
    try:
        send_mass_mail([message])
    except (OSError, smtplib.SMTPException) as error:
        logger.error("Email not sent (%s) to %d people: %s", subject, len(to), error)
