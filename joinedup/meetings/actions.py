"""Writes for meetings: series, meetings and their agendas, attendance, minutes and actions,
the yearly communication review, concerns and calendar links. Each runs in one transaction,
writes its audit row, and tells people only once it has committed."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.actions import action, constraints_first, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.meetings import queries
from joinedup.meetings.models import (
    ActionPoint,
    ActionStatus,
    AgendaItem,
    Attendance,
    CommunicationReview,
    Concern,
    ConcernAudience,
    ConcernStatus,
    FeedToken,
    Meeting,
    MeetingStatus,
    Presence,
    Series,
    Tier,
)
from joinedup.meetings.notices import tell
from joinedup.partnerships.models import MemberRole, Organisation, Partnership
from joinedup.versions import Stale, next_version

NOT_INVITED = "{organisation} is not invited to this series."
NOT_A_MEMBER = "{organisation} is not a current member of the partnership."
ENDS_BEFORE_START = "A meeting ends after it starts."
CANCELLED = "This meeting was cancelled."
NAME_THE_PERSON = "Name the person who was there."
NO_AGENDA = "Add at least one item before circulating the agenda."
ALREADY_CIRCULATED = "The agenda was circulated already."
RESOLVE_WITH_NOTE = "Say how the concern was resolved."
ALREADY_RESOLVED = "This concern is resolved."
ONE_TO_ONE_PARTNER = "A one-to-one series names the partner the lead meets."
INTERVALS = "The longest gap must be at least the shortest."
NO_PLACE = "Give a place or an online link."
NOT_STARTED = "Attendance is recorded once the meeting has started: it starts {when}."
SECOND_THAT_DAY = (
    "The partnership already meets that day ({others}). If a second meeting that day is "
    "meant, tick “Yes, a second meeting that day”."
)

SERIES_FIELDS = ["tier", "title", "min_interval_days", "max_interval_days", "chair_rule"]
MEETING_FIELDS = ["starts_at", "ends_at", "place", "online_link", "purpose", "status", "chair"]


def _invited(series: Series, organisation: Organisation, field: str = "organisation") -> None:
    if not queries.invited_members(series).filter(organisation=organisation).exists():
        raise ValidationError({field: NOT_INVITED.format(organisation=organisation)})


def _link(obj: Any) -> str:
    return str(obj.get_absolute_url())


@action
def series_create(
    *,
    by: Any,
    partnership: Partnership,
    tier: str,
    title: str,
    min_interval_days: int,
    max_interval_days: int,
    chair_rule: str = "none",
    with_organisation: Organisation | None = None,
) -> Series:
    if tier == Tier.ONE_TO_ONE and with_organisation is None:
        raise ValidationError({"with_organisation": ONE_TO_ONE_PARTNER})
    if max_interval_days < min_interval_days:
        raise ValidationError({"max_interval_days": INTERVALS})
    if (
        with_organisation is not None
        and not partnership.memberships.current().filter(organisation=with_organisation).exists()
    ):
        raise ValidationError(
            {"with_organisation": NOT_A_MEMBER.format(organisation=with_organisation)}
        )
    series = Series(
        partnership=partnership,
        tier=tier,
        title=title,
        min_interval_days=min_interval_days,
        max_interval_days=max_interval_days,
        chair_rule=chair_rule,
        with_organisation=with_organisation if tier == Tier.ONE_TO_ONE else None,
    )
    series.full_clean(validate_constraints=constraints_first())
    series.save()
    audit_record(
        actor=by,
        action="series.create",
        obj=series,
        partnership=partnership,
        after=snapshot(series, SERIES_FIELDS),
    )
    return series


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ENDS_BEFORE_START})


def _check_second_that_day(
    *, by: Any, series: Series, starts_at: dt.datetime, confirmed: bool, moving: int | None = None
) -> None:
    """Refuse a second meeting of the partnership on one day unless the person confirms it:
    two on a day is more often a double entry than a plan. The system's records (the demo
    loader, `by` None) hold what they are given."""
    if confirmed or person(by) is None:
        return
    day = dt.datetime.combine(
        timezone.localtime(starts_at).date(), dt.time(), tzinfo=timezone.get_current_timezone()
    )
    same_day = (
        Meeting.objects.filter(
            series__partnership_id=series.partnership_id,
            starts_at__gte=day,
            starts_at__lt=day + dt.timedelta(days=1),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("series")
    )
    if moving is not None:
        same_day = same_day.exclude(pk=moving)
    others = list(same_day.order_by("starts_at"))
    if others:
        names = "; ".join(
            f"{m.series.title} at {timezone.localtime(m.starts_at):%H:%M}" for m in others
        )
        raise ValidationError({"second_that_day": SECOND_THAT_DAY.format(others=names)})


def _check_started(meeting: Meeting) -> None:
    if meeting.starts_at > timezone.now():
        when = timezone.localtime(meeting.starts_at)
        raise ValidationError({"meeting": NOT_STARTED.format(when=f"{when:%-d %B %Y at %H:%M}")})


@action
def meeting_schedule(
    *,
    by: Any,
    series: Series,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    place: str = "",
    online_link: str = "",
    chair: Organisation | None = None,
    chair_name: str = "",
    notify_invitees: bool = True,
    second_that_day: bool = False,
) -> Meeting:
    """A new meeting of `series`. Without a `chair`, the series' rule proposes one. A second
    meeting of the partnership on one day needs `second_that_day`."""
    _check_times(starts_at, ends_at)
    _check_second_that_day(by=by, series=series, starts_at=starts_at, confirmed=second_that_day)
    if not place and not online_link:
        raise ValidationError({"place": NO_PLACE})
    if chair is not None:
        _invited(series, chair, "chair")
    else:
        chair = queries.next_chair(series, timezone.localtime(starts_at).date())
    meeting = Meeting(
        series=series,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        place=place,
        online_link=online_link,
        chair=chair,
        chair_name=chair_name,
    )
    meeting.full_clean(validate_constraints=constraints_first())
    meeting.save()
    audit_record(
        actor=by,
        action="meeting.schedule",
        obj=meeting,
        partnership=series.partnership,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    from joinedup.decisions.actions import ratifications_attach

    ratifications_attach(meeting=meeting)
    if notify_invitees:
        when = timezone.localtime(starts_at)
        tell(
            queries.invitees(series),
            f"Invitation: {series.title}, {when:%-d %B %Y at %H:%M}",
            f"You are invited to {series.title} ({meeting.get_purpose_display()}), "
            f"{when:%-d %B %Y at %H:%M}, {place or online_link}.",
            _link(meeting),
        )
    return meeting


def _lock(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "series__partnership", "chair")
        .get(pk=meeting.pk)
    )


@action
def meeting_change(
    *,
    by: Any,
    meeting: Meeting,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    place: str = "",
    online_link: str = "",
    chair: Organisation | None = None,
    chair_name: str = "",
    based_on: int | None = None,
    second_that_day: bool = False,
) -> Meeting:
    """Change a meeting; calendars keep its UID and see a higher SEQUENCE. Without a `chair`
    the meeting keeps the one it has. `based_on` is the SEQUENCE the change was made from
    (joinedup.versions: if someone changed it since, `Stale` and nothing saved). Moving it to a
    day the partnership already meets needs `second_that_day`."""
    meeting = _lock(meeting)
    if based_on is not None and based_on != meeting.sequence:
        raise Stale(meeting, based_on)
    chair = chair or meeting.chair
    if meeting.cancelled:
        raise ValidationError(CANCELLED)
    _check_times(starts_at, ends_at)
    if timezone.localtime(starts_at).date() != timezone.localtime(meeting.starts_at).date():
        _check_second_that_day(
            by=by,
            series=meeting.series,
            starts_at=starts_at,
            confirmed=second_that_day,
            moving=meeting.pk,
        )
    if not place and not online_link:
        raise ValidationError({"place": NO_PLACE})
    if chair is not None:
        _invited(meeting.series, chair, "chair")
    before = snapshot(meeting, MEETING_FIELDS)
    moved = (meeting.starts_at, meeting.ends_at, meeting.place, meeting.online_link) != (
        starts_at,
        ends_at,
        place,
        online_link,
    )
    meeting.starts_at, meeting.ends_at, meeting.purpose = starts_at, ends_at, purpose
    meeting.place, meeting.online_link = place, online_link
    meeting.chair, meeting.chair_name = chair, chair_name
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=by,
        action="meeting.change",
        obj=meeting,
        partnership=meeting.series.partnership,
        before=before,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    if moved:
        when = timezone.localtime(starts_at)
        tell(
            queries.invitees(meeting.series),
            f"Meeting changed: {meeting.series.title}, now {when:%-d %B %Y at %H:%M}",
            f"{meeting.series.title} is now {when:%-d %B %Y at %H:%M}, {place or online_link}.",
            _link(meeting),
        )
    return meeting


@action
def meeting_cancel(*, by: Any, meeting: Meeting) -> Meeting:
    meeting = _lock(meeting)
    if meeting.cancelled:
        raise ValidationError(CANCELLED)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    audit_record(
        actor=by,
        action="meeting.cancel",
        obj=meeting,
        partnership=meeting.series.partnership,
        after={"status": meeting.status},
    )
    tell(
        queries.invitees(meeting.series),
        f"Cancelled: {meeting}",
        f"{meeting} is cancelled.",
        _link(meeting),
    )
    return meeting


@action
def agenda_item_add(*, by: Any, meeting: Meeting, title: str, owner: Organisation) -> AgendaItem:
    meeting = _lock(meeting)
    if meeting.cancelled:
        raise ValidationError(CANCELLED)
    _invited(meeting.series, owner, "owner")
    item = AgendaItem.objects.create(
        meeting=meeting, title=title, owner=owner, position=meeting.agenda.count() + 1
    )
    audit_record(
        actor=by,
        action="agenda.add",
        obj=item,
        partnership=meeting.series.partnership,
        after={"title": title, "owner": str(owner), "meeting": str(meeting)},
    )
    return item


@action
def agenda_circulate(*, by: Any, meeting: Meeting) -> Meeting:
    """Mark the agenda agreed and send it to the invitees."""
    meeting = _lock(meeting)
    if meeting.cancelled:
        raise ValidationError(CANCELLED)
    if meeting.agenda_circulated_at is not None:
        raise ValidationError(ALREADY_CIRCULATED)
    items = list(meeting.agenda.select_related("owner"))
    if not items:
        raise ValidationError(NO_AGENDA)
    meeting.agenda_circulated_at = timezone.now()
    meeting.save(update_fields=["agenda_circulated_at"])
    audit_record(
        actor=by,
        action="agenda.circulate",
        obj=meeting,
        partnership=meeting.series.partnership,
        after={"items": [i.title for i in items]},
    )
    agenda = "\n".join(f"{n}. {i.title} ({i.owner})" for n, i in enumerate(items, 1))
    tell(
        queries.invitees(meeting.series),
        f"Agenda: {meeting}",
        f"The agenda for {meeting}:\n\n{agenda}",
        _link(meeting),
    )
    return meeting


@action
def attendance_record(
    *,
    by: Any,
    meeting: Meeting,
    organisation: Organisation,
    presence: str,
    person_name: str = "",
) -> Attendance:
    """Record an organisation as present (naming who came), sending apologies, or absent,
    once the meeting has started."""
    meeting = _lock(meeting)
    if meeting.cancelled:
        raise ValidationError(CANCELLED)
    _check_started(meeting)
    _invited(meeting.series, organisation)
    person_name = person_name.strip()
    if presence == Presence.PRESENT and not person_name:
        raise ValidationError({"person_name": NAME_THE_PERSON})
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        organisation=organisation,
        defaults={"presence": presence, "person_name": person_name},
    )
    row.full_clean()
    audit_record(
        actor=by,
        action="attendance.record",
        obj=row,
        partnership=meeting.series.partnership,
        after={"presence": presence, "person_name": person_name},
    )
    return row


@action
def attendance_register(
    *, by: Any, meeting: Meeting, register: dict[Organisation, tuple[str, str]]
) -> list[Attendance]:
    """Record the whole register at once: {organisation: (presence, who came)}, once the
    meeting has started."""
    meeting = _lock(meeting)
    if meeting.cancelled:
        raise ValidationError(CANCELLED)
    _check_started(meeting)
    invited = set(queries.invited_members(meeting.series).values_list("organisation_id", flat=True))
    rows = []
    for organisation, (presence, person_name) in register.items():
        if organisation.pk not in invited:
            raise ValidationError({"organisation": NOT_INVITED.format(organisation=organisation)})
        if presence == Presence.PRESENT and not person_name.strip():
            raise ValidationError({"person_name": NAME_THE_PERSON})
        rows.append(
            Attendance(
                meeting=meeting,
                organisation=organisation,
                presence=presence,
                person_name=person_name.strip(),
            )
        )
    # One statement however many members: insert each row, or update the one already
    # recorded for that organisation (the unique constraint on meeting and organisation).
    # A register of 500 once took seconds in a look-up, then an update or an insert, each.
    Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["meeting", "organisation"],
        update_fields=["presence", "person_name"],
    )
    audit_record(
        actor=by,
        action="attendance.register",
        obj=meeting,
        partnership=meeting.series.partnership,
        after={str(o): list(v) for o, v in register.items()},
    )
    return rows


@action
def minutes_record(
    *, by: Any, item: AgendaItem, minutes: str, based_on: int | None = None
) -> AgendaItem:
    """Record an agenda item's minutes; `based_on` is the version they were written from
    (joinedup.versions: if someone saved since, `Stale` and nothing saved)."""
    item = AgendaItem.objects.select_for_update().select_related("meeting__series").get(pk=item.pk)
    next_version(item, based_on)
    before = {"minutes": item.minutes}
    item.minutes = minutes.strip()
    item.save(update_fields=["minutes", "version"])
    audit_record(
        actor=by,
        action="minutes.record",
        obj=item,
        partnership=item.meeting.series.partnership,
        before=before,
        after={"minutes": item.minutes},
    )
    return item


@action
def action_add(
    *, by: Any, meeting: Meeting, description: str, owner: Organisation, due_on: dt.date
) -> ActionPoint:
    meeting = _lock(meeting)
    _invited(meeting.series, owner, "owner")
    point = ActionPoint.objects.create(
        meeting=meeting, description=description, owner=owner, due_on=due_on
    )
    audit_record(
        actor=by,
        action="action.add",
        obj=point,
        partnership=meeting.series.partnership,
        after={"description": description, "owner": str(owner), "due_on": due_on.isoformat()},
    )
    tell(
        [owner],
        f"Action for {owner}: {description}",
        f"Agreed at {meeting}: {description}. Due {due_on:%-d %B %Y}.",
        _link(meeting),
    )
    return point


@action
def action_update(*, by: Any, point: ActionPoint, status: str) -> ActionPoint:
    point = (
        ActionPoint.objects.select_for_update(of=("self",))
        .select_related("meeting__series__partnership")
        .get(pk=point.pk)
    )
    before = {"status": point.status}
    point.status = status
    point.done_at = timezone.now() if status == ActionStatus.DONE else None
    point.full_clean()
    point.save(update_fields=["status", "done_at"])
    audit_record(
        actor=by,
        action="action.update",
        obj=point,
        partnership=point.meeting.series.partnership,
        before=before,
        after={"status": status},
    )
    return point


@action
def review_record(
    *, by: Any, partnership: Partnership, held_on: dt.date, what_changed: str
) -> CommunicationReview:
    review = CommunicationReview.objects.create(
        partnership=partnership, held_on=held_on, what_changed=what_changed, by=person(by)
    )
    audit_record(
        actor=by,
        action="communication.review",
        obj=review,
        partnership=partnership,
        after={"held_on": held_on.isoformat(), "what_changed": what_changed},
    )
    return review


def _lead(partnership: Partnership) -> list[Organisation]:
    return [
        m.organisation
        for m in partnership.memberships.current()
        .filter(role=MemberRole.LEAD)
        .select_related("organisation")
    ]


def concern_audience(concern: Concern) -> list[Organisation]:
    if concern.audience == ConcernAudience.ALL:
        members = concern.partnership.memberships.current().select_related("organisation")
        return [m.organisation for m in members]
    return _lead(concern.partnership)


@action
def concern_raise(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    audience: str,
    title: str,
    text: str,
) -> Concern:
    if not partnership.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError({"organisation": NOT_A_MEMBER.format(organisation=organisation)})
    concern = Concern.objects.create(
        partnership=partnership,
        organisation=organisation,
        raised_by=person(by),
        audience=audience,
        title=title,
        text=text,
    )
    audit_record(
        actor=by,
        action="concern.raise",
        obj=concern,
        partnership=partnership,
        after={"title": title, "audience": audience, "organisation": str(organisation)},
    )
    tell(
        [o for o in concern_audience(concern) if o.pk != organisation.pk],
        f"Concern raised by {organisation}: {title}",
        text,
        _link(concern),
    )
    return concern


@action
def concern_answer(*, by: Any, concern: Concern, status: str, note: str = "") -> Concern:
    """Move a concern into discussion, or resolve it with a note saying how."""
    concern = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("partnership", "organisation")
        .get(pk=concern.pk)
    )
    if concern.status == ConcernStatus.RESOLVED:
        raise ValidationError(ALREADY_RESOLVED)
    note = note.strip()
    if status == ConcernStatus.RESOLVED and not note:
        raise ValidationError({"note": RESOLVE_WITH_NOTE})
    before = {"status": concern.status}
    concern.status = status
    if status == ConcernStatus.RESOLVED:
        concern.resolution = note
    concern.answered_at = concern.answered_at or timezone.now()
    concern.full_clean()
    concern.save()
    audit_record(
        actor=by,
        action="concern.answer",
        obj=concern,
        partnership=concern.partnership,
        before=before,
        after={"status": status, "note": note},
    )
    tell(
        [concern.organisation],
        f"Your concern is {concern.get_status_display().lower()}: {concern.title}",
        note or f"The lead is discussing your concern: {concern.title}.",
        _link(concern),
    )
    return concern


def feed_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@action
def feed_token_reset(*, user: Any, partnership: Partnership | None = None) -> str:
    """A new secret calendar link for `user` (for one partnership, or all of theirs); the old
    link stops working. Returns the token, which is shown once: only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    FeedToken.objects.filter(user=user, partnership=partnership).delete()
    token = FeedToken.objects.create(user=user, partnership=partnership, token_hash=feed_hash(raw))
    audit_record(actor=user, action="calendar.reset", obj=token, partnership=partnership)
    return raw
