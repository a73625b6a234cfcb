"""The directory's part of `joinedup remind`: a listing not checked for six months is flagged
to its organisation, once per listing until someone checks it again."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse

from joinedup.directory.models import REVIEW_EVERY, Service
from joinedup.meetings.notices import tell
from joinedup.meetings.reminders import _once


def remind_listing_reviews(today: dt.date) -> int:
    """Tell each organisation which of its listings are due a check; return how many
    organisations were told. The key names the listing and the day it was last checked, so
    checking it starts the six months again."""
    due = Service.objects.filter(
        reviewed_on__lt=today - REVIEW_EVERY, organization__organisation__isnull=False
    ).select_related("organization__organisation")
    by_organisation: dict[Any, list[Service]] = defaultdict(list)
    for service in due:
        by_organisation[service.organization.organisation].append(service)
    told = 0
    for organisation, services in by_organisation.items():
        with transaction.atomic():
            fresh = [s for s in services if _once(f"listing-review:{s.pk}:{s.reviewed_on}")]
            if fresh:
                names = "\n".join(
                    f"- {s.name} (last checked {s.reviewed_on:%-d %B %Y})" for s in fresh
                )
                tell(
                    [organisation],
                    f"{len(fresh)} directory listing{'s' if len(fresh) > 1 else ''} to check",
                    "Partners refer on what your listings say. Please check these are still "
                    f"true, and update or confirm them:\n{names}",
                    reverse("directory_listings"),
                )
                told += 1
    return told
