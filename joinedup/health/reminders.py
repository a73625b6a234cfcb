"""What `joinedup remind` does for the health check: close rounds past their date, and tell
member organisations none of whose people have answered, once, in the last week of a round."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from joinedup.health.actions import rounds_close_due
from joinedup.health.models import Round, RoundStatus
from joinedup.meetings.notices import tell
from joinedup.meetings.reminders import _once
from joinedup.partnerships.models import Membership

DAYS_AHEAD = 7


def remind_rounds(today: dt.date) -> int:
    sent = 0
    closing = Round.objects.filter(
        status=RoundStatus.OPEN,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=DAYS_AHEAD),
    ).select_related("partnership")
    for round in closing:
        answered = set(round.answers.values_list("organisation_id", flat=True))
        silent = [
            m.organisation
            for m in Membership.objects.current()
            .filter(partnership=round.partnership)
            .exclude(organisation_id__in=answered)
            .select_related("organisation")
        ]
        with transaction.atomic():
            if silent and _once(f"health-round-closing:{round.pk}:{round.closes_on}"):
                tell(
                    silent,
                    f"Health check closes {round.closes_on:%-d %B}: {round.partnership.name}",
                    "Nobody from your organisation has answered the partnership's health check "
                    "yet. Each organisation's view counts equally, so yours matters.",
                    round.get_absolute_url(),
                )
                sent += 1
    return sent


def remind_health(today: dt.date) -> dict[str, int]:
    return {
        "health rounds closed": len(rounds_close_due(today=today)),
        "health check reminders": remind_rounds(today),
    }
