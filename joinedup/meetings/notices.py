"""Telling organisations' people something, by email and in the app at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q

from joinedup.accounts.models import User
from joinedup.meetings.models import Notice
from joinedup.notifications import notify, notify_people
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation


def people_of(organisation: Organisation) -> list[User]:
    """Who hears for an organisation: the same people `notify` emails."""
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(affiliations__organisation=organisation, affiliations__role__in=MANAGING_ORG_ROLES)
            | Q(contact_for__organisation=organisation, contact_for__left_on__isnull=True)
        )
        .distinct()
    )


def tell(
    organisations: Iterable[Organisation],
    subject: str,
    body: str,
    url: str = "",
    also: Iterable[User] = (),
) -> None:
    """Email each organisation's people once the transaction commits, and leave each of them
    a notice in the app (written in the same transaction, so both or neither). `url` is the
    page's path; the email gives it in full. `also` names people to tell besides, such as the
    member of staff who made the thing concerned; nobody hears twice."""
    told: set[int] = set()
    link = f"{settings.SITE_URL}{url}" if url else ""
    text = f"{body}\n\n{link}".strip()
    emailed: set[str] = set()
    for organisation in organisations:
        notify(organisation, subject, text)
        for user in people_of(organisation):
            emailed.add(user.email)
            if user.pk not in told:
                told.add(user.pk)
                Notice.objects.create(user=user, subject=subject, url=url)
    for user in also:
        if user.pk not in told and user.is_active:
            told.add(user.pk)
            Notice.objects.create(user=user, subject=subject, url=url)
            if user.email not in emailed:
                notify_people([user.email], subject, text)
