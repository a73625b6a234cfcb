"""Telling organisations' people something, by email and in the app at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q

from joinedup.accounts.models import User
from joinedup.meetings.models import Notice
from joinedup.notifications import notify
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation


def people_of(organisations: list[Organisation]) -> list[User]:
    """Who hears for the organisations: the same people `notify` emails, each once."""
    orgs = organisations
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(affiliations__organisation__in=orgs, affiliations__role__in=MANAGING_ORG_ROLES)
            | Q(contact_for__organisation__in=orgs, contact_for__left_on__isnull=True)
        )
        .distinct()
        .order_by("pk")
    )


def tell(organisations: Iterable[Organisation], subject: str, body: str, url: str = "") -> None:
    """Email each organisation's people once the transaction commits, and leave each of them
    a notice in the app (written in the same transaction, so both or neither). `url` is the
    page's path; the email gives it in full."""
    organisations = list(organisations)
    link = f"{settings.SITE_URL}{url}" if url else ""
    for organisation in organisations:
        notify(organisation, subject, f"{body}\n\n{link}".strip())
    if organisations:
        people = people_of(organisations)
        Notice.objects.bulk_create(Notice(user=u, subject=subject, url=url) for u in people)
