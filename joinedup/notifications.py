"""Telling an organisation's people, by email, that something needs them."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q

from joinedup.accounts.models import User
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation

NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"


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
    if to:
        message = (f"[Joined Up] {subject}", body, settings.DEFAULT_FROM_EMAIL, to)
        send_mass_mail([message], fail_silently=True)
