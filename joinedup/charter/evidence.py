"""Evidence from what partners actually do, per organisation in one partnership, over the last
twelve months — beside the self-assessment, never replacing it (issue 18, item 4).

Each figure is counted from records the app already keeps and lists the records it counted,
each linking to its page. Where the app keeps nothing honest to count, the figure says so
("no honest measure yet"), and listening, body language and use of language have no measure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from joinedup.meetings.models import (
    CORE_TIERS,
    ActionPoint,
    Attendance,
    Meeting,
    MeetingStatus,
    Tier,
)
from joinedup.partnerships.models import MemberRole, Organisation, Partnership
from joinedup.reflection.queries import shared_by

NO_MEASURE = "No honest measure yet"
WINDOW_DAYS = 365


@dataclass
class Figure:
    key: str
    skill: str  # the skill of the framework it bears on
    label: str
    done: int | None = None  # None: no measure
    out_of: int | None = None  # None: a count, not a share
    note: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (what, link)

    @property
    def measured(self) -> bool:
        return self.done is not None

    @property
    def text(self) -> str:
        if self.done is None:
            return self.note
        if self.out_of is None:
            return str(self.done)
        if self.out_of == 0:
            return "Nothing to count in the last twelve months"
        return f"{self.done} of {self.out_of}"


def _tiers(role: str | None) -> list[str]:
    """The meeting tiers an organisation of `role` is expected at."""
    wider: list[str] = [Tier.WIDER, Tier.LEARNING, Tier.ANNUAL_REVIEW]
    if role in (MemberRole.LEAD, MemberRole.CORE):
        return [*wider, *CORE_TIERS]
    return wider


def evidence(
    partnership: Partnership, organisation: Organisation, today: dt.date | None = None
) -> list[Figure]:
    """Every figure for `organisation` in `partnership`, over the twelve months to `today`."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=WINDOW_DAYS)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(today, dt.time.max, tzinfo=tz)
    p, org = partnership, organisation
    membership = p.memberships.current().filter(organisation=org).first()
    return [
        _attendance(p, org, membership.role if membership else None, start, end),
        _offers(p, org, start, end),
        _actions(p, org, since, today),
        _directory(org),
        _declines(p, org, start, end),
        _concerns(p, org, start, end),
        _dissent(p, org, start, end),
        _chairing(p, org, start, end),
        _others_proposals(p, org, start, end),
        _reflections(p, org, start, end),
        Figure(
            "key_partners",
            "key_partners",
            "Partners' services looked at before referring to them",
            note=f"{NO_MEASURE}: Joined Up does not record which services a person looked at.",
        ),
        Figure(
            "soft_skills",
            "soft_skills",
            "Listening, body language and use of language",
            note="No measure: these are seen by people, not counted by software.",
        ),
    ]


def _attendance(
    p: Partnership, org: Organisation, role: str | None, start: Any, end: Any
) -> Figure:
    meetings = (
        Meeting.objects.filter(
            series__partnership=p,
            series__tier__in=_tiers(role),
            starts_at__gte=start,
            starts_at__lte=min(end, timezone.now()),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(attendance__isnull=False)
        .distinct()
        .select_related("series")
    )
    present = set(
        Attendance.objects.filter(
            meeting__in=meetings, organisation=org, presence="present"
        ).values_list("meeting_id", flat=True)
    )
    items = [
        (f"{m}: {'present' if m.pk in present else 'not there'}", m.get_absolute_url())
        for m in meetings
    ]
    return Figure(
        "attendance",
        "present",
        "Meetings of its tiers it was at (where attendance was taken)",
        len(present),
        len(items),
        items=items,
    )


def _offers(p: Partnership, org: Organisation, start: Any, end: Any) -> Figure:
    from joinedup.resources.models import BookingStatus, Offer

    offers = list(
        Offer.objects.filter(organisation=org, partnership=p, created_at__range=(start, end))
    )
    given = set(
        Offer.objects.filter(pk__in=[o.pk for o in offers], exchanges__isnull=False).values_list(
            "pk", flat=True
        )
    ) | set(
        Offer.objects.filter(
            pk__in=[o.pk for o in offers], bookings__status=BookingStatus.CONFIRMED
        ).values_list("pk", flat=True)
    )
    return Figure(
        "offers",
        "own_offer",
        "Resource offers delivered (given or a booking confirmed) of those it made",
        len(given),
        len(offers),
        items=[
            (
                f"{o.title}: {'delivered' if o.pk in given else 'not yet'}",
                reverse("offer", args=[p.pk, o.pk]),
            )
            for o in offers
        ],
    )


def _actions(p: Partnership, org: Organisation, since: dt.date, today: dt.date) -> Figure:
    due = ActionPoint.objects.filter(
        meeting__series__partnership=p, owner=org, due_on__gte=since, due_on__lte=today
    ).select_related("meeting__series")
    rows = [(a, a.done_at is not None and timezone.localdate(a.done_at) <= a.due_on) for a in due]
    return Figure(
        "actions",
        "own_offer",
        "Actions done by their due date",
        sum(on_time for _, on_time in rows),
        len(rows),
        items=[
            (
                f"{a.description} (due {a.due_on:%-d %b %Y}): "
                f"{'on time' if ok else 'late or open'}",
                a.meeting.get_absolute_url(),
            )
            for a, ok in rows
        ],
    )


def _directory(org: Organisation) -> Figure:
    from joinedup.directory.models import Service

    services = list(
        Service.objects.filter(organization__organisation=org, status="active").order_by("name")
    )
    complete = [s for s in services if s.referral_criteria.strip()]
    return Figure(
        "directory",
        "own_role",
        "Its active directory entries that say whom they take (referral criteria)",
        len(complete),
        len(services),
        items=[
            (
                f"{s.name}: {'criteria given' if s in complete else 'no criteria'}",
                reverse("directory_service", args=[s.pk]),
            )
            for s in services
        ],
    )


def _declines(p: Partnership, org: Organisation, start: Any, end: Any) -> Figure:
    from joinedup.referrals.models import Referral, Status

    declined = Referral.objects.filter(
        partnership=p, to_org=org, status=Status.DECLINED, responded_at__range=(start, end)
    )
    # Every decline names a reason from the list (the referrals module requires it); what
    # shows an organisation explaining its role is a note saying why, in its own words.
    notes = list(declined.values_list("note", flat=True))
    return Figure(
        "declines",
        "own_role",
        "Referrals it declined with a note explaining why (beyond the reason's category)",
        sum(1 for note in notes if note.strip()),
        len(notes),
        note="The referrals are not listed: they are about people.",
        items=[("Its referrals", reverse("referrals"))] if notes else [],
    )


def _concerns(p: Partnership, org: Organisation, start: Any, end: Any) -> Figure:
    from joinedup.meetings.models import Concern

    concerns = Concern.objects.filter(
        partnership=p, organisation=org, raised_at__range=(start, end)
    )
    return Figure(
        "concerns",
        "critical_friend",
        "Concerns it raised",
        len(concerns),
        None,
        items=[(c.title, c.get_absolute_url()) for c in concerns],
    )


DISSENT = ["disagree", "object", "block"]


def _dissent(p: Partnership, org: Organisation, start: Any, end: Any) -> Figure:
    """Dissent on the record: the decisions module requires a reason for every disagreement,
    objection and block, so each one counted here came with its reasons."""
    from joinedup.decisions.models import Position

    dissent = Position.objects.filter(
        proposal__partnership=p,
        organisation=org,
        current=True,
        stance__in=DISSENT,
        cast_at__range=(start, end),
    ).select_related("proposal")
    return Figure(
        "dissent",
        "critical_friend",
        "Times it disagreed, objected or blocked, with its reasons recorded",
        len(dissent),
        None,
        items=[
            (f"{d.proposal.title}: {d.get_stance_display()}", d.proposal.get_absolute_url())
            for d in dissent
        ],
    )


def _chairing(p: Partnership, org: Organisation, start: Any, end: Any) -> Figure:
    chaired = (
        Meeting.objects.filter(
            series__partnership=p,
            chair__isnull=False,
            starts_at__gte=start,
            starts_at__lte=min(end, timezone.now()),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("series", "chair")
    )
    rows = list(chaired)
    return Figure(
        "chairing",
        "step_back",
        "Meetings chaired by another partner (of those with a chair recorded)",
        sum(m.chair_id != org.pk for m in rows),
        len(rows),
        items=[(f"{m}: chaired by {m.chair}", m.get_absolute_url()) for m in rows],
    )


def _others_proposals(p: Partnership, org: Organisation, start: Any, end: Any) -> Figure:
    from joinedup.decisions.models import Position

    positions = (
        Position.objects.filter(
            proposal__partnership=p, organisation=org, current=True, cast_at__range=(start, end)
        )
        .exclude(proposal__organisation=org)
        .select_related("proposal")
    )
    rows = [(x, x.stance == "agree") for x in positions]
    return Figure(
        "supported",
        "step_back",
        "Other partners' proposals it supported, of those it gave a position on",
        sum(ok for _, ok in rows),
        len(rows),
        items=[
            (f"{x.proposal.title}: {x.get_stance_display()}", x.proposal.get_absolute_url())
            for x, _ in rows
        ],
    )


def _reflections(p: Partnership, org: Organisation, start: Any, end: Any) -> Figure:
    """Reflections its people shared with the partnership (the reflection app)."""
    figure = Figure("reflections", "reflective", "Reflections it shared with partners")
    shared = list(shared_by(organisation=org, partnership=p, start=start, end=end))
    figure.done, figure.out_of = len(shared), None
    figure.items = [(str(r), r.get_absolute_url()) for r in shared]
    return figure
