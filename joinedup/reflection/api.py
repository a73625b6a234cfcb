"""API for reflections (by their sharing) and handovers, under the pages' rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from joinedup.access import acting_for, get_for, partnerships_visible_to
from joinedup.api.common import MAX_ID, NO_NUL, Id, In, Name, resolve
from joinedup.api.errors import error_responses
from joinedup.meetings.models import Meeting
from joinedup.partnerships.models import Organisation
from joinedup.referrals.models import Referral
from joinedup.reflection import actions, queries
from joinedup.reflection.models import (
    Handover,
    HandoverReason,
    HandoverStatus,
    Reflection,
    Sharing,
    Template,
)

router = Router(tags=["reflection"])
Answer = Annotated[str, Field(max_length=20000, pattern=NO_NUL)]


class ReflectionOut(Schema):
    id: int
    partnership_id: int
    organisation_id: int
    writer_id: int
    meeting_id: int | None
    referral_id: int | None
    event_id: int | None
    title: str
    template: Template
    answers: dict[str, str] = Field(description="The template's questions, by field name.")
    sharing: Sharing
    written_at: dt.datetime


class ReflectionIn(In):
    partnership_id: StrictInt = Field(ge=1, le=MAX_ID)
    organisation_id: StrictInt = Field(
        ge=1, le=MAX_ID, description="Your organisation, a current member of the partnership."
    )
    title: Name
    template: Template
    answers: dict[Annotated[str, Field(max_length=32)], Answer] = Field(
        description="Gibbs: description, feelings, evaluation, analysis, conclusion, "
        "action_plan; aar: intended, happened, why, differently; what: what, so_what, now_what."
    )
    sharing: Sharing = Sharing.PRIVATE
    meeting_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    event_id: StrictInt | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A hub event: of the partnership's hub, or one your organisation "
        "registered for.",
    )
    referral_id: StrictInt | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A referral whose outcome this reflects on. Write nothing about the person.",
    )


class SharingIn(In):
    sharing: Sharing


class ReflectionFilter(Schema):
    sharing: Sharing | None = None
    partnership_id: int | None = Field(None, ge=1, le=MAX_ID)


class HandoverOut(Schema):
    id: int
    leaver_id: int
    organisation_id: int
    partnership_id: int | None
    reason: HandoverReason
    status: HandoverStatus
    successor_id: int | None
    prefill: dict[str, Any] = Field(
        description="What Joined Up held when it started: partnerships, actions, agreements, "
        "referrals (counts only) and meetings."
    )
    leaver_notes: str
    started_at: dt.datetime
    confirmed_at: dt.datetime | None


@router.get("/reflections", response={200: list[ReflectionOut], **error_responses()})
def reflection_list(request: HttpRequest, filters: Query[ReflectionFilter]) -> list[Reflection]:
    """The reflections you may read: your own, those shared with your organisations, and those
    shared with partnerships you see; at most 500, newest first."""
    found = queries.reflections_visible_to(request.user)
    if filters.sharing:
        found = found.filter(sharing=filters.sharing)
    if filters.partnership_id:
        found = found.filter(partnership_id=filters.partnership_id)
    return list(found[:500])


@router.post("/reflections", response={201: ReflectionOut, **error_responses(403, 404, 409)})
def reflection_create(request: HttpRequest, payload: ReflectionIn) -> Status[Reflection]:
    """Write a reflection (private unless `sharing` says otherwise)."""
    partnership = resolve(
        partnerships_visible_to(request.user), payload.partnership_id, "partnership_id"
    )
    mine = acting_for(request.user)
    reflection = actions.reflection_write(
        by=request.user,
        partnership=partnership,
        organisation=resolve(
            Organisation.objects.filter(pk__in=mine), payload.organisation_id, "organisation_id"
        ),
        title=payload.title,
        template=payload.template,
        answers=payload.answers,
        sharing=payload.sharing,
        meeting=resolve(
            Meeting.objects.filter(series__partnership=partnership).select_related("series"),
            payload.meeting_id,
            "meeting_id",
        ),
        referral=resolve(
            Referral.objects.filter(partnership=partnership).filter(
                Q(from_org_id__in=mine) | Q(to_org_id__in=mine)
            ),
            payload.referral_id,
            "referral_id",
        ),
        event=resolve(
            queries.events_to_reflect_on(partnership, [payload.organisation_id]),
            payload.event_id,
            "event_id",
        ),
    )
    return Status(201, reflection)


def _reflection(request: HttpRequest, pk: int) -> Reflection:
    return get_for(
        request.user,
        Reflection.objects.select_related("partnership"),
        perm="reflection.view_reflection",
        pk=pk,
    )


@router.get("/reflections/{pk}", response={200: ReflectionOut, **error_responses(404)})
def reflection_read(request: HttpRequest, pk: Id) -> Reflection:
    return _reflection(request, pk)


@router.post(
    "/reflections/{pk}/sharing", response={200: ReflectionOut, **error_responses(403, 404, 409)}
)
def reflection_share(request: HttpRequest, pk: Id, payload: SharingIn) -> Reflection:
    """Change who reads it (its writer only)."""
    reflection = _reflection(request, pk)
    if not request.user.has_perm("reflection.change_reflection", reflection):
        raise PermissionDenied
    return actions.reflection_update(
        by=request.user,
        reflection=reflection,
        title=reflection.title,
        answers=reflection.answers,
        sharing=payload.sharing,
    )


@router.get("/handovers", response={200: list[HandoverOut], **error_responses()})
def handover_list(request: HttpRequest) -> list[Handover]:
    """Handovers you give, receive, or that concern your organisations' people (managers)."""
    return list(queries.handovers_visible_to(request.user)[:500])


def _handover(request: HttpRequest, pk: int, perm: str = "reflection.view_handover") -> Handover:
    return get_for(request.user, Handover, perm=perm, pk=pk)


@router.get("/handovers/{pk}", response={200: HandoverOut, **error_responses(404)})
def handover_read(request: HttpRequest, pk: Id) -> Handover:
    return _handover(request, pk)


@router.post(
    "/handovers/{pk}/confirm", response={200: HandoverOut, **error_responses(403, 404, 409)}
)
def handover_confirm(request: HttpRequest, pk: Id) -> Handover:
    """The successor confirms; the leaver's contacts and open actions move to them. 403 to
    anyone else (the leaver cannot declare it done)."""
    handover = _handover(request, pk, perm="reflection.confirm_handover")
    return actions.handover_confirm(by=request.user, handover=handover)
