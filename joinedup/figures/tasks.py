"""The job that refreshes a partnership's figures after its evidence changes."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from joinedup.figures.compute import refresh as refresh_now
from joinedup.figures.models import PartnershipFigures


@task()
def refresh(partnership_ids: list[int], requested_at: str) -> int:
    """Refresh the figures of these partnerships, skipping those already computed since the
    change that asked for it (`requested_at`, ISO 8601): many writes queue many jobs, and the
    first to run does the work for all of them (the debounce)."""
    since = dt.datetime.fromisoformat(requested_at)
    fresh = set(
        PartnershipFigures.objects.filter(
            partnership_id__in=partnership_ids, computed_at__gte=since
        ).values_list("partnership_id", flat=True)
    )
    return refresh_now([pid for pid in partnership_ids if pid not in fresh])
