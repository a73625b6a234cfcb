"""Scheduled jobs: `joinedup remind` every morning and `joinedup retention` every night, run
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
from joinedup.jobs.tasks import remind, retention


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Task
    at_hour: int  # local time: due once a day from this hour on

    def period(self, now: dt.datetime) -> str | None:
        """The period due at `now` (its day), or None before the day's hour."""
        local = timezone.localtime(now)
        return local.date().isoformat() if local.hour >= self.at_hour else None


SCHEDULES = [Schedule("remind", remind, at_hour=7), Schedule("retention", retention, at_hour=2)]


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
