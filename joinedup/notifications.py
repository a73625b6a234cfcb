"""Telling an organisation's people, by email, that something needs them."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from joinedup.accounts.models import User
from joinedup.jobs.mail import NO_MAIL, queue_email
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation


def recipients(organisation: Organisation) -> list[str]:
    """Its admins and managers, and the people it named as contacts in any partnership."""
    people = User.objects.filter(is_active=True).filter(
        Q(affiliations__organisation=organisation, affiliations__role__in=MANAGING_ORG_ROLES)
        | Q(contact_for__organisation=organisation, contact_for__left_on__isnull=True)
    )
    return sorted(set(people.values_list("email", flat=True)))


def notify(organisation: Organisation, subject: str, body: str) -> None:
    """Email `organisation`'s people: the message and the job that sends it are written in the
    current transaction, so they exist exactly when it commits (README "Background jobs")."""
    if settings.EMAIL_BACKEND == NO_MAIL:
        return  # mail is off (JOINEDUP_MAIL=off, the demo's invented year): nobody to look up
    queue_email(recipients(organisation), f"[Joined Up] {subject}", body, organisation=organisation)


def notify_people(
    emails: list[str], subject: str, body: str, organisation: Organisation | None = None
) -> None:
    """Email these addresses, in the same way."""
    queue_email(emails, f"[Joined Up] {subject}", body, organisation=organisation)
