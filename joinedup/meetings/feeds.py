"""Calendar feeds (RFC 5545): the meetings a person is invited to, for one partnership or all.

Each meeting is one VEVENT whose UID never changes; SEQUENCE rises with each change and a
cancelled meeting is sent with STATUS:CANCELLED, so calendars update or strike it out rather
than adding a second event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from joinedup.access import org_roles
from joinedup.meetings.models import CORE_TIERS, FeedToken, Meeting, Tier
from joinedup.meetings.queries import TIER_ROLES
from joinedup.partnerships.models import MemberRole, Membership

# A feed carries the last year and everything ahead, up to this many meetings.
FEED_LIMIT = 500


def meetings_for(token: FeedToken) -> list[Meeting]:
    """Meetings of series that invite one of the person's organisations, as members today."""
    user = token.user
    memberships = Membership.objects.current().filter(organisation_id__in=list(org_roles(user)))
    if token.partnership_id:
        memberships = memberships.filter(partnership_id=token.partnership_id)
    invited = Q(pk__in=[])
    for m in memberships:
        here = Q(series__partnership_id=m.partnership_id)
        tiers = [tier for tier, roles in TIER_ROLES.items() if m.role in roles]
        invited |= here & Q(series__tier__in=tiers)
        invited |= here & Q(
            series__tier=Tier.ONE_TO_ONE, series__with_organisation=m.organisation_id
        )
        if m.role == MemberRole.LEAD:
            invited |= here & Q(series__tier=Tier.ONE_TO_ONE)
        if m.role == MemberRole.LEAD or m.at_strategic:
            invited |= here & Q(series__tier=Tier.BOARD)
        if m.role == MemberRole.LEAD or m.role == MemberRole.CORE:
            invited |= here & Q(series__tier__in=CORE_TIERS)
    since = timezone.now() - dt.timedelta(days=366)
    return list(
        Meeting.objects.filter(invited, starts_at__gte=since)
        .select_related("series", "series__partnership", "chair")
        .prefetch_related("agenda")
        .order_by("starts_at")[:FEED_LIMIT]
    )


def calendar(meetings: list[Meeting], name: str, extra: Iterable[Any] = ()) -> bytes:
    """The feed's calendar; `extra` are more VEVENTs (the hub events the person has a place
    at, from `joinedup.events.feeds`)."""
    cal = Calendar()
    cal.add("prodid", "-//Joined Up//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"{meeting.uid}@joinedup")
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", meeting.updated_at)
        event.add("last-modified", meeting.updated_at)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", f"{meeting.series.title} ({meeting.series.partnership.name})")
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        if meeting.place or meeting.online_link:
            event.add("location", meeting.place or meeting.online_link)
        event.add("url", f"{settings.SITE_URL}{meeting.get_absolute_url()}")
        lines = [f"Purpose: {meeting.get_purpose_display()}"]
        if meeting.chair:
            lines.append(f"Chair: {meeting.chair.name}")
        if meeting.online_link:
            lines.append(f"Join online: {meeting.online_link}")
        lines += [f"- {item.title}" for item in meeting.agenda.all()]
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    for component in extra:
        cal.add_component(component)
    return cal.to_ical()


def feed_name(token: FeedToken) -> str:
    if token.partnership_id:
        return f"{token.partnership} meetings"
    return f"Joined Up meetings for {token.user}"
