"""API for meetings: series, meetings, attendance, actions and concerns, under the pages' rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime, StrictBool, StrictInt

from joinedup import dates
from joinedup.access import acting_for, get_for
from joinedup.api.common import MAX_ID, NO_NUL, Date, Id, In, Name, ShortText, resolve
from joinedup.api.errors import error_responses
from joinedup.meetings import actions, queries
from joinedup.meetings.models import (
    ActionPoint,
    ActionStatus,
    Attendance,
    ChairRule,
    Concern,
    ConcernAudience,
    ConcernStatus,
    Meeting,
    MeetingStatus,
    Presence,
    Purpose,
    Series,
    Tier,
)
from joinedup.partnerships.models import Organisation, Partnership

router = Router(tags=["meetings"])
VIEW_SERIES, MANAGE_SERIES = "meetings.view_series", "meetings.change_series"
VIEW_MEETING, MANAGE_MEETING = "meetings.view_meeting", "meetings.change_meeting"
Days = Annotated[int, Field(ge=1, le=3660)]
LongText = Annotated[str, Field(min_length=1, max_length=10000, pattern=NO_NUL)]
Url = Annotated[str, Field(max_length=200, pattern=r"^(https?://[^\s\x00]+)?$")]


class CadenceOut(Schema):
    last_held: dt.date | None
    last_interval_days: int | None
    within_target: bool | None
    overdue: bool
    next_due: dt.date | None


class SeriesOut(Schema):
    id: int
    partnership_id: int
    tier: Tier
    title: str
    min_interval_days: int
    max_interval_days: int
    chair_rule: ChairRule
    with_organisation_id: int | None
    invited_organisation_ids: list[int]
    cadence: CadenceOut


class SeriesIn(In):
    tier: Tier
    title: Name
    min_interval_days: Days
    max_interval_days: Days
    chair_rule: ChairRule = ChairRule.NONE
    with_organisation_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)


class AgendaItemOut(Schema):
    id: int
    title: str
    owner_id: int
    minutes: str


class MeetingOut(Schema):
    id: int
    series_id: int
    uid: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    purpose: Purpose
    status: MeetingStatus
    chair_id: int | None
    agenda_circulated_at: dt.datetime | None
    agenda: list[AgendaItemOut]

    @staticmethod
    def resolve_uid(obj: Meeting) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_agenda(obj: Meeting) -> list[Any]:
        return list(obj.agenda.all())


class MeetingIn(In):
    starts_at: Annotated[AwareDatetime, dates.MEETING.api]
    ends_at: Annotated[AwareDatetime, dates.MEETING.api]
    purpose: Purpose
    place: ShortText = ""
    online_link: Url = ""
    chair_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    second_that_day: StrictBool = Field(
        False, description="True to schedule a second meeting of the partnership on one day."
    )


class AttendanceOut(Schema):
    organisation_id: int
    presence: Presence
    person_name: str


class AttendanceIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    presence: Presence
    person_name: ShortText = ""


class ActionOut(Schema):
    id: int
    meeting_id: int
    description: str
    owner_id: int
    due_on: dt.date
    status: ActionStatus


class ActionIn(In):
    description: Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]
    owner_id: StrictInt = Field(ge=1, le=MAX_ID)
    due_on: Annotated[Date, dates.ACTION_DUE.api]


class ActionStatusIn(In):
    status: ActionStatus


class ConcernOut(Schema):
    id: int
    organisation_id: int
    audience: ConcernAudience
    title: str
    text: str
    status: ConcernStatus
    resolution: str
    raised_at: dt.datetime
    answered_at: dt.datetime | None
    unanswered: bool

    @staticmethod
    def resolve_unanswered(obj: Concern) -> bool:
        return queries.unanswered(obj)


class ConcernIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    audience: ConcernAudience
    title: Name
    text: LongText


class AnswerIn(In):
    status: Annotated[str, Field(pattern="^(discussing|resolved)$")]
    note: Annotated[str, Field(max_length=10000, pattern=NO_NUL)] = ""


def _series_out(series: list[Series]) -> list[dict[str, Any]]:
    health = queries.series_health(series)
    return [
        {
            **{f: getattr(s, f) for f in SeriesOut.model_fields if hasattr(s, f)},
            "invited_organisation_ids": [o.pk for o in queries.invitees(s)],
            "cadence": health[s.pk].__dict__,
        }
        for s in series
    ]


def _partnership(
    request: HttpRequest, pk: int, perm: str = "partnerships.view_partnership"
) -> Partnership:
    return get_for(request.user, Partnership, perm=perm, pk=pk)


@router.get("/partnerships/{pk}/series", response={200: list[SeriesOut], **error_responses(404)})
def series_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """The partnership's meeting series you may see, with each one's cadence."""
    partnership = _partnership(request, pk)
    series = [
        s
        for s in partnership.meeting_series.select_related("partnership")
        if request.user.has_perm(VIEW_SERIES, s)
    ]
    return _series_out(series)


@router.post(
    "/partnerships/{pk}/series", response={201: SeriesOut, **error_responses(403, 404, 409)}
)
def series_create(request: HttpRequest, pk: Id, payload: SeriesIn) -> Status[dict[str, Any]]:
    """Add a meeting series (the lead's admins and managers)."""
    partnership = _partnership(request, pk, "partnerships.change_partnership")
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    )
    series = actions.series_create(
        by=request.user,
        partnership=partnership,
        tier=payload.tier,
        title=payload.title,
        min_interval_days=payload.min_interval_days,
        max_interval_days=payload.max_interval_days,
        chair_rule=payload.chair_rule,
        with_organisation=resolve(members, payload.with_organisation_id, "with_organisation_id"),
    )
    return Status(201, _series_out([series])[0])


def _series(request: HttpRequest, pk: int, perm: str = VIEW_SERIES) -> Series:
    return get_for(request.user, Series.objects.select_related("partnership"), perm=perm, pk=pk)


@router.get("/series/{pk}", response={200: SeriesOut, **error_responses(404)})
def series_read(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _series_out([_series(request, pk)])[0]


MEETINGS = Meeting.objects.select_related("series", "series__partnership").prefetch_related(
    "agenda"
)


@router.get("/series/{pk}/meetings", response={200: list[MeetingOut], **error_responses(404)})
def meeting_list(request: HttpRequest, pk: Id) -> list[Meeting]:
    series = _series(request, pk)
    return list(MEETINGS.filter(series=series))


def _invited(series: Series) -> Any:
    return Organisation.objects.filter(
        pk__in=queries.invited_members(series).values("organisation_id")
    )


@router.post("/series/{pk}/meetings", response={201: MeetingOut, **error_responses(403, 404, 409)})
def meeting_schedule(request: HttpRequest, pk: Id, payload: MeetingIn) -> Status[Meeting]:
    """Schedule a meeting; without a chair, the series' rotation proposes one."""
    series = _series(request, pk, MANAGE_SERIES)
    meeting = actions.meeting_schedule(
        by=request.user,
        series=series,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        purpose=payload.purpose,
        place=payload.place,
        online_link=payload.online_link,
        chair=resolve(_invited(series), payload.chair_id, "chair_id"),
        second_that_day=payload.second_that_day,
    )
    return Status(201, MEETINGS.get(pk=meeting.pk))


def _meeting(request: HttpRequest, pk: int, perm: str = VIEW_MEETING) -> Meeting:
    return get_for(request.user, MEETINGS, perm=perm, pk=pk)


@router.get("/meetings/{pk}", response={200: MeetingOut, **error_responses(404)})
def meeting_read(request: HttpRequest, pk: Id) -> Meeting:
    return _meeting(request, pk)


@router.post("/meetings/{pk}/cancel", response={200: MeetingOut, **error_responses(403, 404, 409)})
def meeting_cancel(request: HttpRequest, pk: Id) -> Meeting:
    """Cancel a meeting: calendars show it as cancelled."""
    meeting = actions.meeting_cancel(by=request.user, meeting=_meeting(request, pk, MANAGE_MEETING))
    return MEETINGS.get(pk=meeting.pk)


@router.get(
    "/meetings/{pk}/attendance", response={200: list[AttendanceOut], **error_responses(404)}
)
def attendance_list(request: HttpRequest, pk: Id) -> list[Attendance]:
    return list(_meeting(request, pk).attendance.all())


@router.post(
    "/meetings/{pk}/attendance",
    response={200: AttendanceOut, **error_responses(403, 404, 409)},
)
def attendance_record(request: HttpRequest, pk: Id, payload: AttendanceIn) -> Attendance:
    """Record one organisation's attendance: present (naming who came), apologies or absent."""
    meeting = _meeting(request, pk, MANAGE_MEETING)
    return actions.attendance_record(
        by=request.user,
        meeting=meeting,
        organisation=resolve(_invited(meeting.series), payload.organisation_id, "organisation_id"),
        presence=payload.presence,
        person_name=payload.person_name,
    )


@router.get("/meetings/{pk}/actions", response={200: list[ActionOut], **error_responses(404)})
def action_list(request: HttpRequest, pk: Id) -> list[ActionPoint]:
    """The meeting's actions, and those carried to it from earlier meetings until done."""
    return list(queries.actions_for(_meeting(request, pk)))


@router.post("/meetings/{pk}/actions", response={201: ActionOut, **error_responses(403, 404, 409)})
def action_add(request: HttpRequest, pk: Id, payload: ActionIn) -> Status[ActionPoint]:
    meeting = _meeting(request, pk, MANAGE_MEETING)
    point = actions.action_add(
        by=request.user,
        meeting=meeting,
        description=payload.description,
        owner=resolve(_invited(meeting.series), payload.owner_id, "owner_id"),
        due_on=payload.due_on,
    )
    return Status(201, point)


@router.post("/actions/{pk}/status", response={200: ActionOut, **error_responses(403, 404, 409)})
def action_status(request: HttpRequest, pk: Id, payload: ActionStatusIn) -> ActionPoint:
    """Update an action's status (the lead, or the organisation that owns it)."""
    point = get_for(
        request.user,
        ActionPoint.objects.select_related("meeting__series__partnership"),
        perm="meetings.change_actionpoint",
        pk=pk,
    )
    return actions.action_update(by=request.user, point=point, status=payload.status)


@router.get("/partnerships/{pk}/concerns", response={200: list[ConcernOut], **error_responses(404)})
def concern_list(request: HttpRequest, pk: Id) -> list[Concern]:
    """The concerns you may see: those to all members, and those you raised or, as the lead,
    received."""
    partnership = _partnership(request, pk)
    concerns = partnership.concerns.select_related("partnership")
    return [c for c in concerns if request.user.has_perm("meetings.view_concern", c)]


@router.post(
    "/partnerships/{pk}/concerns", response={201: ConcernOut, **error_responses(403, 404, 409)}
)
def concern_raise(request: HttpRequest, pk: Id, payload: ConcernIn) -> Status[Concern]:
    """Raise a concern for one of your organisations that is a member."""
    partnership = _partnership(request, pk)
    mine = acting_for(request.user)
    concern = actions.concern_raise(
        by=request.user,
        partnership=partnership,
        organisation=resolve(
            Organisation.objects.filter(pk__in=mine), payload.organisation_id, "organisation_id"
        ),
        audience=payload.audience,
        title=payload.title,
        text=payload.text,
    )
    return Status(201, concern)


@router.post("/concerns/{pk}/answer", response={200: ConcernOut, **error_responses(403, 404, 409)})
def concern_answer(request: HttpRequest, pk: Id, payload: AnswerIn) -> Concern:
    """Move a concern into discussion, or resolve it with a note (the lead)."""
    concern = get_for(
        request.user,
        Concern.objects.select_related("partnership", "organisation"),
        perm="meetings.change_concern",
        pk=pk,
    )
    return actions.concern_answer(
        by=request.user, concern=concern, status=payload.status, note=payload.note
    )
