"""Meetings in the named characters' partnership, for tests here and in other apps."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from joinedup.meetings import actions
from joinedup.meetings.models import Meeting, Series

ZONE = timezone.get_current_timezone()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


def days_from_today(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def core_series(w: SimpleNamespace, chair_rule: str = "round_robin") -> Series:
    return actions.series_create(
        by=w.lena,
        partnership=w.partnership,
        tier="core",
        title="Core partners",
        min_interval_days=28,
        max_interval_days=42,
        chair_rule=chair_rule,
    )


def wider_series(w: SimpleNamespace) -> Series:
    return actions.series_create(
        by=w.lena,
        partnership=w.partnership,
        tier="wider",
        title="Wider partners",
        min_interval_days=80,
        max_interval_days=100,
    )


def meet(series: Series, day: dt.date, **kwargs: object) -> Meeting:
    return actions.meeting_schedule(
        by=None,
        series=series,
        starts_at=at(day),
        ends_at=at(day, 12),
        purpose=str(kwargs.pop("purpose", "delivery")),
        place=str(kwargs.pop("place", "Riverside Community Centre")),
        **kwargs,  # type: ignore[arg-type]
    )


def meetings_world(w: SimpleNamespace) -> SimpleNamespace:
    """A core series with a past and a coming meeting, an agenda item, an action and a
    concern; a wider series with one meeting."""
    m = SimpleNamespace()
    m.core = core_series(w)
    m.wider = wider_series(w)
    m.past = meet(m.core, days_from_today(-20))
    m.next = meet(m.core, days_from_today(14))
    m.wider_meeting = meet(m.wider, days_from_today(30))
    m.item = actions.agenda_item_add(by=w.lena, meeting=m.next, title="Referrals", owner=w.core_org)
    m.action = actions.action_add(
        by=w.lena,
        meeting=m.past,
        description="Share the referral form",
        owner=w.core_org,
        due_on=days_from_today(2),
    )
    m.concern = actions.concern_raise(
        by=w.cora,
        partnership=w.partnership,
        organisation=w.core_org,
        audience="lead",
        title="Referrals go unanswered",
        text="Three referrals last month had no reply.",
    )
    return m
