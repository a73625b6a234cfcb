"""Events as RFC 5545 entries, the way `joinedup.meetings.feeds` writes meetings: a UID that
never changes, SEQUENCE rising with each change, STATUS:CANCELLED for a cancelled event."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as VEvent

from joinedup.events.models import Event, EventStatus


def vevents(events: Iterable[Event]) -> list[VEvent]:
    found = []
    for event in events:
        v = VEvent()
        v.add("uid", f"event-{event.uid}@joinedup")
        v.add("sequence", event.sequence)
        v.add("dtstamp", event.updated_at)
        v.add("dtstart", event.starts_at)
        v.add("dtend", event.ends_at)
        v.add("summary", event.title)
        v.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
        if event.place or event.online_link:
            v.add("location", event.place or event.online_link)
        v.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
        lines = [f"Format: {event.get_format_display()}"]
        if event.purpose:
            lines.append(event.purpose)
        if event.online_link:
            lines.append(f"Join online: {event.online_link}")
        v.add("description", "\n".join(lines))
        found.append(v)
    return found


def calendar(events: Iterable[Event], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Joined Up//Hub events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for v in vevents(events):
        cal.add_component(v)
    return cal.to_ical()


def registered_events(user_id: int) -> list[Event]:
    """The events a person holds a place at, for their calendar feed."""
    return list(
        Event.objects.filter(
            registrations__user_id=user_id, registrations__status="registered"
        ).order_by("starts_at")[:500]
    )
