"""Scheduled jobs: `joinedup remind` every morning, `joinedup retention` every night and the
cleanup of expired exports and finished imports' uploads every hour, run
as jobs by the workers, so a deployment needs no cron.

Every worker looks every few seconds (`worker.housekeeping`); the first to insert the row
`ScheduledRun(name, period)` enqueues the job in the same transaction, and every other
worker's insert fails on the unique key. So each runs once per period, however many workers
there are, and a period missed while no worker ran is made up as soon as one starts (that
day's row does not exist yet). Cron remains valid instead or as well
(`JOINEDUP_SCHEDULE=off` stops the workers scheduling): both commands are safe to run again
(a reminder is sent once; retention runs one at a time and erases each person once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from joinedup.jobs.models import ScheduledRun
from joinedup.jobs.tasks import cleanup, remind, retention


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Task
    at_hour: int  # local time: due once a day from this hour on
    hourly: bool = False  # due every hour instead

    def period(self, now: dt.datetime) -> str | None:
        """The period due at `now` (its day, or its hour), or None before the day's hour."""
        local = timezone.localtime(now)
        if self.hourly:
            return local.strftime("%Y-%m-%dT%H")
        return local.date().isoformat() if local.hour >= self.at_hour else None


SCHEDULES = [
    Schedule("remind", remind, at_hour=7),
    Schedule("retention", retention, at_hour=2),
    # Expired exports and finished imports' uploads (`tasks.cleanup`).
    Schedule("cleanup", cleanup, at_hour=0, hourly=True),
]


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue each scheduled job due at `now` that no worker has enqueued for its period;
    say which this call enqueued."""
    if not getattr(settings, "JOINEDUP_SCHEDULE", True):
        return []
    now = now or timezone.now()
    enqueued = []
    for schedule in SCHEDULES:
        period = schedule.period(now)
        if (
            period is None
            or ScheduledRun.objects.filter(name=schedule.name, period=period).exists()
        ):
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=schedule.name, period=period)
                schedule.task.enqueue()
        except IntegrityError:
            continue  # another worker enqueued it a moment ago
        enqueued.append(schedule.name)
    return enqueued
