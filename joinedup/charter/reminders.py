"""`joinedup remind`: organisations whose Charter signature is due its yearly reaffirmation are
told once, a fortnight ahead (as the agreements' yearly review is)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from joinedup.charter.models import Signature
from joinedup.meetings.reminders import _once
from joinedup.notifications import notify

DAYS_AHEAD = 14


def remind_reaffirmations(today: dt.date) -> int:
    sent = 0
    due = Signature.objects.filter(
        withdrawn_on__isnull=True, reaffirm_by__lte=today + dt.timedelta(days=DAYS_AHEAD)
    ).select_related("organisation", "version")
    for signature in due:
        with transaction.atomic():
            if _once(f"charter-reaffirm:{signature.pk}:{signature.reaffirm_by}"):
                notify(
                    signature.organisation,
                    f"Reaffirm the Good Partners Charter by {signature.reaffirm_by:%-d %B %Y}",
                    f"{signature.organisation} signed {signature.version} on "
                    f"{signature.signed_on:%-d %B %Y}; it is reaffirmed every year.",
                )
                sent += 1
    return sent
