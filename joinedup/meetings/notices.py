"""Telling organisations' people something, by email and in the app at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q

from joinedup.accounts.models import User
from joinedup.meetings.models import Notice
from joinedup.notifications import notify, notify_people
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
    organisations = list(organisations)
    link = f"{settings.SITE_URL}{url}" if url else ""
    text = f"{body}\n\n{link}".strip()
    for organisation in organisations:
        notify(organisation, subject, text)
    people = people_of(organisations) if organisations else []
    Notice.objects.bulk_create(Notice(user=u, subject=subject, url=url) for u in people)
    told = {user.pk for user in people}
    emailed = {user.email for user in people}
    for user in also:
        if user.pk not in told and user.is_active:
            told.add(user.pk)
            Notice.objects.create(user=user, subject=subject, url=url)
            if user.email not in emailed:
                notify_people([user.email], subject, text)
