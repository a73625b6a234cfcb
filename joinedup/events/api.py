"""API for hub events: events, registrations, topic requests, votes, expertise offers, and
feedback (aggregates only, from five answers)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime, StrictBool, StrictInt

from joinedup.access import get_for
from joinedup.api.common import MAX_ID, Id, In, Name, ShortText, Text, resolve
from joinedup.api.errors import error_responses
from joinedup.events import actions, queries
from joinedup.events.models import (
    GUEST_AUDIENCES,
    Event,
    EventStatus,
    ExpertiseOffer,
    Format,
    Registration,
    RegistrationStatus,
    TopicRequest,
    TopicStatus,
)
from joinedup.events.rules import hub_projects, programme_projects, runs_hub
from joinedup.partnerships.models import Organisation
from joinedup.programmes.models import Hub

router = Router(tags=["events"])
HUB = "programmes.view_hub"
OrgId = Annotated[StrictInt, Field(ge=1, le=MAX_ID, description="An organisation you act for.")]
EVENTS = Event.objects.select_related("hub", "programme")


class EventSessionOut(Schema):
    id: int
    title: str
    description: str
    offered_by: str | None


class HubEventOut(Schema):
    id: int
    hub_id: int | None
    programme_id: int
    title: str
    purpose: str
    format: Format
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    capacity: int
    status: EventStatus
    invited: list[str]
    registration_open: bool


class HubEventDetailOut(HubEventOut):
    sessions: list[EventSessionOut]


def _event_out(event: Event, sessions: bool = False) -> dict[str, Any]:
    out = {
        f: getattr(event, f)
        for f in (
            "id",
            "hub_id",
            "programme_id",
            "title",
            "purpose",
            "format",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "status",
            "invited",
        )
    }
    out["registration_open"] = event.registration_open()
    if sessions:
        out["sessions"] = [
            {
                "id": s.pk,
                "title": s.title,
                "description": s.description,
                "offered_by": s.offer.by_name() if s.offer else None,
            }
            for s in event.sessions.select_related("offer__organisation", "offer__document")
        ]
    return out


class HubEventIn(In):
    title: Name
    purpose: Text = ""
    format: Format = Format.WORKSHOP
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    place: ShortText = ""
    online_link: Annotated[str, Field(max_length=200)] = ""
    capacity: StrictInt = Field(30, ge=1, le=100_000)
    registration_closes_at: AwareDatetime | None = None
    invited: list[str] = Field(
        default_factory=list,
        description="Guest audiences: " + ", ".join(a.value for a in GUEST_AUDIENCES),
    )


@router.get("/hubs/{pk}/events", response={200: list[HubEventOut], **error_responses(404)})
def event_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    hub = get_for(request.user, Hub, perm=HUB, pk=pk)
    return [_event_out(e) for e in Event.objects.filter(hub=hub).order_by("-starts_at")[:500]]


@router.post("/hubs/{pk}/events", response={201: HubEventOut, **error_responses(403, 404, 409)})
def event_create(request: HttpRequest, pk: Id, payload: HubEventIn) -> Status[dict[str, Any]]:
    """The hub's coordinator or the programme's officers add an event."""
    hub = get_for(request.user, Hub, perm=HUB, pk=pk)
    if not runs_hub(request.user, hub, hub.programme_id):
        raise PermissionDenied
    event = actions.event_create(by=request.user, hub=hub, **payload.dict())
    return Status(201, _event_out(event))


@router.get("/events/{pk}", response={200: HubEventDetailOut, **error_responses(404)})
def event_read(request: HttpRequest, pk: Id) -> dict[str, Any]:
    return _event_out(get_for(request.user, EVENTS, perm="events.view_event", pk=pk), True)


class RegistrationOut(Schema):
    id: int
    event_id: int
    name: str
    organisation_id: int | None
    audience: str
    status: RegistrationStatus
    access_needs: str
    expenses: bool
    attended: bool


def _reg_out(r: Registration) -> dict[str, Any]:
    return {
        "id": r.pk,
        "event_id": r.event_id,
        "name": r.name,
        "organisation_id": r.organisation_id,
        "audience": r.audience,
        "status": r.status,
        "access_needs": r.access_needs,
        "expenses": r.expenses,
        "attended": r.attended_at is not None,
    }


@router.get(
    "/events/{pk}/registrations",
    response={200: list[RegistrationOut], **error_responses(403, 404)},
)
def registration_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """Everyone registered, with access needs: for those who run the event only."""
    event = get_for(request.user, EVENTS, perm="events.change_event", pk=pk)
    return [_reg_out(r) for r in event.registrations.exclude(status=RegistrationStatus.PENDING)]


class RegistrationIn(In):
    organisation_id: OrgId | None = None
    access_needs: Text = ""
    expenses: StrictBool = False
    listed: StrictBool = False


@router.post(
    "/events/{pk}/registrations",
    response={201: RegistrationOut, **error_responses(403, 404, 409)},
)
def registration_create(
    request: HttpRequest, pk: Id, payload: RegistrationIn
) -> Status[dict[str, Any]]:
    """Register yourself: a place, or a place on the waiting list when the event is full."""
    from joinedup.access import acting_for

    event = get_for(request.user, EVENTS, perm="events.view_event", pk=pk)
    data = payload.dict()
    organisation = resolve(
        Organisation.objects.filter(pk__in=acting_for(request.user)),
        data.pop("organisation_id"),
        "organisation_id",
    )
    user: Any = request.user
    reg = actions.registration_create(
        by=user,
        event=event,
        user=user,
        organisation=organisation,
        name=user.name,
        email=user.email,
        **data,
    )
    return Status(201, _reg_out(reg))


@router.post(
    "/registrations/{pk}/cancel",
    response={200: RegistrationOut, **error_responses(403, 404, 409)},
)
def registration_cancel(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Cancel your own registration (or, for those who run the event, anyone's); the first on
    the waiting list gets the place."""
    reg = Registration.objects.select_related("event__hub").filter(pk=pk).first()
    if reg is None or not (
        reg.user_id == request.user.pk
        or runs_hub(request.user, reg.event.hub, reg.event.programme_id)
    ):
        from django.http import Http404

        raise Http404
    actions.registration_cancel(by=request.user, registration=reg)
    reg.refresh_from_db()
    return _reg_out(reg)


class FeedbackRating(Schema):
    answers: int
    shown: bool
    mean: float | None
    counts: list[dict[str, Any]]


class FeedbackOut(Schema):
    answered: int
    minimum: int
    event: FeedbackRating
    sessions: list[dict[str, Any]]
    connections: int | None = Field(
        description="New connections between organisations; null until five have answered."
    )


@router.get("/events/{pk}/feedback", response={200: FeedbackOut, **error_responses(404)})
def feedback_read(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Aggregates only, and nothing from fewer than five answers; never the free text."""
    event = get_for(request.user, EVENTS, perm="events.view_event", pk=pk)
    s = queries.feedback_summary(event)

    def rating(r: queries.Ratings) -> dict[str, Any]:
        return {"answers": r.answers, "shown": r.shown, "mean": r.mean, "counts": r.counts}

    return {
        "answered": s.answered,
        "minimum": queries.MIN_ANSWERS,
        "event": rating(s.event),
        "sessions": [{"id": ses.pk, "title": ses.title, **rating(r)} for ses, r in s.sessions],
        "connections": s.connections,
    }


class TopicOut(Schema):
    id: int
    hub_id: int
    title: str
    description: str
    status: TopicStatus
    requesters: list[int]
    supporters: list[int]
    session_id: int | None


def _topic_out(t: TopicRequest) -> dict[str, Any]:
    """`supporters`: organisations that voted for it, never one that asked for it."""
    asked = {o.pk for o in t.requesters.all()}
    return {
        "id": t.pk,
        "hub_id": t.hub_id,
        "title": t.title,
        "description": t.description,
        "status": t.status,
        "requesters": sorted(asked),
        "supporters": sorted(
            v.organisation_id for v in t.votes.all() if v.organisation_id not in asked
        ),
        "session_id": t.session_id,
    }


@router.get("/hubs/{pk}/topics", response={200: list[TopicOut], **error_responses(404)})
def topic_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """The hub's topic requests, merged ones left out."""
    hub = get_for(request.user, Hub, perm=HUB, pk=pk)
    topics = (
        TopicRequest.objects.filter(hub=hub)
        .exclude(status=TopicStatus.MERGED)
        .prefetch_related("requesters", "votes")
    )
    return [_topic_out(t) for t in topics]


class TopicIn(In):
    organisation_id: OrgId
    title: Name
    description: Text = ""


@router.post("/hubs/{pk}/topics", response={201: TopicOut, **error_responses(403, 404, 409)})
def topic_create(request: HttpRequest, pk: Id, payload: TopicIn) -> Status[dict[str, Any]]:
    hub = get_for(request.user, Hub, perm=HUB, pk=pk)
    mine = hub_projects(request.user, hub)
    if not mine:
        raise PermissionDenied
    org = resolve(
        Organisation.objects.filter(pk__in=[o.pk for o in mine]),
        payload.organisation_id,
        "organisation_id",
    )
    topic = actions.request_topic(
        by=request.user,
        hub=hub,
        organisation=org,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, _topic_out(topic))


class VoteIn(In):
    organisation_id: OrgId


def _topic(request: HttpRequest, pk: int) -> TopicRequest:
    return get_for(
        request.user,
        TopicRequest.objects.select_related("hub"),
        perm="events.view_topicrequest",
        pk=pk,
    )


def _voter(request: HttpRequest, topic: TopicRequest, org_id: int) -> Organisation:
    mine = hub_projects(request.user, topic.hub)
    if not mine:
        raise PermissionDenied
    return resolve(
        Organisation.objects.filter(pk__in=[o.pk for o in mine]), org_id, "organisation_id"
    )


@router.post("/topics/{pk}/votes", response={201: TopicOut, **error_responses(403, 404, 409)})
def topic_vote(request: HttpRequest, pk: Id, payload: VoteIn) -> Status[dict[str, Any]]:
    """Support a topic for an organisation you act for: five votes per organisation per hub,
    at most one per topic; a vote comes back when its topic is scheduled."""
    topic = _topic(request, pk)
    org = _voter(request, topic, payload.organisation_id)
    actions.topic_vote(by=request.user, request=topic, organisation=org)
    return Status(201, _topic_out(topic))


@router.post(
    "/topics/{pk}/votes/withdraw", response={200: TopicOut, **error_responses(403, 404, 409)}
)
def topic_unvote(request: HttpRequest, pk: Id, payload: VoteIn) -> dict[str, Any]:
    topic = _topic(request, pk)
    org = _voter(request, topic, payload.organisation_id)
    actions.topic_unvote(by=request.user, request=topic, organisation=org)
    return _topic_out(topic)


class ExpertiseOfferIn(In):
    organisation_id: OrgId
    description: Text = ""


class ExpertiseOfferOut(Schema):
    id: int
    request_id: int
    offered_by: str
    description: str
    status: str


@router.post(
    "/topics/{pk}/offers", response={201: ExpertiseOfferOut, **error_responses(403, 404, 409)}
)
def topic_offer(request: HttpRequest, pk: Id, payload: ExpertiseOfferIn) -> Status[dict[str, Any]]:
    """'We can run this': offer your project's expertise for a topic."""
    topic = _topic(request, pk)
    mine = programme_projects(request.user, topic.hub.programme_id)
    if not mine:
        raise PermissionDenied
    org = resolve(
        Organisation.objects.filter(pk__in=[o.pk for o in mine]),
        payload.organisation_id,
        "organisation_id",
    )
    offer: ExpertiseOffer = actions.expertise_offer(
        by=request.user, request=topic, organisation=org, description=payload.description
    )
    return Status(
        201,
        {
            "id": offer.pk,
            "request_id": topic.pk,
            "offered_by": offer.by_name(),
            "description": offer.description,
            "status": offer.status,
        },
    )
