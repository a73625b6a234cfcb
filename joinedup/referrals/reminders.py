"""The referrals' part of `joinedup remind`: a referral sent and not answered is chased.

After the partnership's `remind_after` working days the receiving organisation is reminded;
after `escalate_after` working days its admins and managers are told; after `expire_after`
days the referral expires and the referrer is told (`actions.referral_expire`). Each is sent
once, claimed under a key naming the referral (`meetings.reminders._once`). Working days are
Monday to Friday; bank holidays are not known.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.jobs.mail import queue_email
from joinedup.meetings.models import Notice
from joinedup.meetings.notices import tell
from joinedup.meetings.queries import working_days_since
from joinedup.meetings.reminders import _once
from joinedup.partnerships.models import MANAGING_ORG_ROLES, Organisation
from joinedup.referrals import actions
from joinedup.referrals.models import WAITING, Referral, Timings

DEFAULT = Timings()  # unsaved: the model's defaults, for a partnership that set none


def _tell_managers(organisation: Organisation, subject: str, body: str, url: str) -> None:
    """A notice for each admin and manager of `organisation`, and an email (queued in the
    same transaction)."""
    managers = list(
        User.objects.filter(
            is_active=True,
            affiliations__organisation=organisation,
            affiliations__role__in=MANAGING_ORG_ROLES,
        ).distinct()
    )
    for user in managers:
        Notice.objects.create(user=user, subject=subject, url=url)
    queue_email(
        [u.email for u in managers],
        f"[Joined Up] {subject}",
        f"{body}\n\n{settings.SITE_URL}{url}",
        organisation=organisation,
    )


def remind_referrals(today: dt.date | None = None) -> dict[str, int]:
    """Chase every referral waiting for an answer; say how many were reminded, escalated and
    expired."""
    today = today or timezone.localdate()
    done = {"referral reminders": 0, "referral escalations": 0, "referrals expired": 0}
    waiting = (
        Referral.objects.filter(status__in=WAITING, sent_at__isnull=False)
        .select_related("from_org", "to_org")
        .order_by("sent_at", "pk")
    )
    timings = {t.partnership_id: t for t in Timings.objects.all()}
    for referral in waiting:
        t = timings.get(referral.partnership_id, DEFAULT)
        assert referral.sent_at is not None
        sent_on = timezone.localdate(referral.sent_at)
        if (today - sent_on).days >= t.expire_after:
            try:
                actions.referral_expire(referral=referral, by=None)
            except ValidationError:  # answered a moment ago
                continue
            done["referrals expired"] += 1
            continue
        working = working_days_since(sent_on, today)
        url = referral.get_absolute_url()
        with transaction.atomic():
            if working >= t.escalate_after:
                if _once(f"referral-escalate:{referral.pk}"):
                    _tell_managers(
                        referral.to_org,
                        f"Unanswered for {t.escalate_after} working days: {referral}",
                        f"{referral.from_org} referred someone to {referral.to_org} on "
                        f"{sent_on:%-d %B} and has had no answer. It expires "
                        f"{t.expire_after} days after it was sent.",
                        url,
                    )
                    done["referral escalations"] += 1
            elif working >= t.remind_after and _once(f"referral-remind:{referral.pk}"):
                tell(
                    [referral.to_org],
                    f"Waiting for your answer: {referral}",
                    f"{referral.from_org} referred someone to you on {sent_on:%-d %B}. "
                    "Please accept or decline it.",
                    url,
                )
                done["referral reminders"] += 1
    return done
