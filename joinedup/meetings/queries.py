"""Reads across meetings: who is invited, who chairs next, cadence health and attendance rates.

`series_health` and `attendance_rates` are what the Health module reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup.meetings.models import (
    ActionPoint,
    ActionStatus,
    Attendance,
    ChairRule,
    Concern,
    ConcernStatus,
    Meeting,
    MeetingStatus,
    Presence,
    Series,
    Tier,
)
from joinedup.partnerships.models import MemberRole, Membership, Organisation, Sector

# Who each tier invites, by membership role. The board invites members engaged at the
# strategic level (and the lead); a one-to-one, the lead and its named partner.
TIER_ROLES = {
    Tier.CORE: (MemberRole.LEAD, MemberRole.CORE),
    Tier.WIDER: (MemberRole.LEAD, MemberRole.CORE, MemberRole.WIDER),
    Tier.LEARNING: (MemberRole.LEAD, MemberRole.CORE, MemberRole.WIDER),
    Tier.ANNUAL_REVIEW: (MemberRole.LEAD, MemberRole.CORE, MemberRole.WIDER),
}


def invited_members(series: Series) -> QuerySet[Membership]:
    members = Membership.objects.current().filter(partnership_id=series.partnership_id)
    if series.tier == Tier.ONE_TO_ONE:
        return members.filter(Q(role=MemberRole.LEAD) | Q(organisation=series.with_organisation_id))
    if series.tier == Tier.BOARD:
        return members.filter(Q(role=MemberRole.LEAD) | Q(at_strategic=True))
    return members.filter(role__in=TIER_ROLES[Tier(series.tier)])


def invitees(series: Series) -> list[Organisation]:
    """The organisations a series invites, by name: they follow from current membership."""
    return [
        m.organisation
        for m in invited_members(series)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def is_statutory(organisation: Organisation) -> bool:
    """Seed 003's alternation is statutory against voluntary and community: every sector but
    the statutory one sits on the voluntary and community side."""
    return organisation.sector == Sector.STATUTORY


def _after(candidates: list[Organisation], last: Organisation | None) -> Organisation | None:
    """The next of `candidates` (by name) after `last`, going round."""
    if not candidates:
        return None
    if last is None:
        return candidates[0]
    later = [
        o for o in candidates if o.name > last.name or (o.name == last.name and o.pk > last.pk)
    ]
    return later[0] if later else candidates[0]


def next_chair(series: Series, on: dt.date | None = None) -> Organisation | None:
    """Who the series' rule proposes to chair a meeting on `on`.

    - none: the lead;
    - round robin: the next invited organisation by name after the last chair;
    - alternating sector: the chair holds for a calendar year; in a new year the chair passes
      to the next organisation on the other side (statutory, or voluntary and community), or
      stays on the same side when the other has nobody.
    """
    on = on or timezone.localdate()
    if series.chair_rule == ChairRule.NONE:
        lead = invited_members(series).filter(role=MemberRole.LEAD).select_related("organisation")
        first = lead.first()
        return first.organisation if first else None
    invited = invitees(series)
    last_meeting = (
        series.meetings.exclude(status=MeetingStatus.CANCELLED)
        .filter(chair__isnull=False, starts_at__date__lt=on)
        .select_related("chair")
        .order_by("-starts_at")
        .first()
    )
    last = last_meeting.chair if last_meeting else None
    if series.chair_rule == ChairRule.ROUND_ROBIN:
        return _after(invited, last)
    if last is None or last_meeting is None:
        statutory = [o for o in invited if is_statutory(o)]
        return (statutory or invited)[0] if invited else None
    if timezone.localtime(last_meeting.starts_at).year == on.year and last in invited:
        return last
    other_side = [o for o in invited if is_statutory(o) != is_statutory(last)]
    same_side = [o for o in invited if is_statutory(o) == is_statutory(last)]
    return _after(other_side, None) if other_side else _after(same_side, last)


def held(series_ids: Iterable[int], now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings that have taken place (started, not cancelled)."""
    return Meeting.objects.filter(
        series_id__in=list(series_ids), starts_at__lte=now or timezone.now()
    ).exclude(status=MeetingStatus.CANCELLED)


@dataclass(frozen=True)
class Cadence:
    last_held: dt.date | None
    last_interval_days: int | None  # between the last two meetings held
    within_target: bool | None  # that interval inside the series' target range
    overdue: bool  # nothing held within the longest interval up to today
    next_due: dt.date | None  # the last meeting plus the longest interval

    @property
    def label(self) -> str:
        if self.overdue:
            return "Overdue"
        if self.within_target is False:
            return "Off target"
        return "On track"


def series_health(series: Iterable[Series], today: dt.date | None = None) -> dict[int, Cadence]:
    """Cadence per series, in one query for them all."""
    today = today or timezone.localdate()
    all_series = list(series)
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for series_id, starts_at in (
        held(s.pk for s in all_series).order_by("starts_at").values_list("series_id", "starts_at")
    ):
        dates[series_id].append(timezone.localtime(starts_at).date())
    result = {}
    for s in all_series:
        days = dates.get(s.pk, [])
        last = days[-1] if days else None
        interval = (days[-1] - days[-2]).days if len(days) >= 2 else None
        result[s.pk] = Cadence(
            last_held=last,
            last_interval_days=interval,
            within_target=(
                None if interval is None else s.min_interval_days <= interval <= s.max_interval_days
            ),
            overdue=(
                (today - last).days > s.max_interval_days
                if last
                else (today - s.created_at.date()).days > s.max_interval_days
            ),
            next_due=last + dt.timedelta(days=s.max_interval_days) if last else None,
        )
    return result


def attendance_rates(partnership_id: int, last: int = 6) -> dict[int, dict[str, float]]:
    """{organisation id: {tier: share of the last `last` meetings held of that tier's series at
    which the organisation was present}}, for the organisations invited to those meetings.
    Meetings with no attendance recorded are left out (nobody took the register)."""
    series = list(
        Series.objects.filter(partnership_id=partnership_id).select_related("partnership")
    )
    recorded = held(s.pk for s in series).filter(attendance__isnull=False).distinct()
    by_tier: dict[str, list[int]] = defaultdict(list)
    tier_of = {s.pk: s.tier for s in series}
    for meeting_id, series_id in recorded.order_by("-starts_at").values_list("pk", "series_id"):
        meetings = by_tier[tier_of[series_id]]
        if len(meetings) < last:
            meetings.append(meeting_id)
    wanted = [m for ids in by_tier.values() for m in ids]
    rows = Attendance.objects.filter(meeting_id__in=wanted).values_list(
        "meeting__series__tier", "organisation_id", "presence"
    )
    seen: dict[tuple[int, str], list[bool]] = defaultdict(list)
    for tier, org_id, presence in rows:
        seen[(org_id, tier)].append(presence == Presence.PRESENT)
    rates: dict[int, dict[str, float]] = defaultdict(dict)
    for (org_id, tier), marks in seen.items():
        rates[org_id][tier] = sum(marks) / len(by_tier[tier])
    return dict(rates)


def actions_for(meeting: Meeting) -> QuerySet[ActionPoint]:
    """The actions a meeting sees: its own, and those carried from earlier meetings of its
    series that were not done before it began."""
    return (
        ActionPoint.objects.filter(
            meeting__series_id=meeting.series_id, meeting__starts_at__lte=meeting.starts_at
        )
        .filter(
            Q(meeting=meeting) | ~Q(status=ActionStatus.DONE) | Q(done_at__gte=meeting.starts_at)
        )
        .select_related("owner", "meeting")
    )


def next_meeting(partnership_id: int, after: dt.datetime | None = None) -> Meeting | None:
    """The partnership's next scheduled meeting: a core series' if it has one, else any."""
    upcoming = Meeting.objects.filter(
        series__partnership_id=partnership_id,
        starts_at__gte=after or timezone.now(),
        status=MeetingStatus.SCHEDULED,
    ).select_related("series")
    return upcoming.filter(series__tier__in=[Tier.CORE, Tier.BOARD]).first() or upcoming.first()


# A concern unanswered this many working days is flagged (seed 002: raise problems at once).
UNANSWERED_WORKING_DAYS = 5


def working_days_since(start: dt.date, today: dt.date) -> int:
    days, day = 0, start
    while day < today:
        day = day + dt.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def unanswered(concern: Concern, today: dt.date | None = None) -> bool:
    """Open, not answered, and raised more than five working days ago."""
    today = today or timezone.localdate()
    return (
        concern.status == ConcernStatus.OPEN
        and concern.answered_at is None
        and working_days_since(timezone.localdate(concern.raised_at), today)
        > UNANSWERED_WORKING_DAYS
    )
