"""API for shared decisions: proposals and each organisation's position, under the pages' rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from joinedup import dates
from joinedup.access import acting_for, get_for
from joinedup.api.common import MAX_ID, NO_NUL, Date, Id, In, Name, resolve
from joinedup.api.errors import error_responses
from joinedup.decisions import actions, counting
from joinedup.decisions.models import (
    Deciders,
    DecisionKind,
    Outcome,
    Position,
    Proposal,
    ProposalStatus,
    Stance,
)
from joinedup.meetings.models import Meeting
from joinedup.partnerships.models import Organisation, Partnership

router = Router(tags=["decisions"])
VIEW = "decisions.view_proposal"
LongText = Annotated[str, Field(max_length=20000, pattern=NO_NUL)]


class PositionOut(Schema):
    id: int
    organisation_id: int
    stance: Stance
    reason: str
    cast_at: dt.datetime
    current: bool


class ProposalOut(Schema):
    id: int
    partnership_id: int
    organisation_id: int
    title: str
    background: str
    question: str
    kind: DecisionKind
    deciders: Deciders
    closes_on: dt.date
    status: ProposalStatus
    outcome: Outcome | None
    outcome_statement: str
    urgent: bool
    meeting_id: int | None = Field(
        description="The meeting it was discussed at or, for an urgent decision, ratified at."
    )
    closed_at: dt.datetime | None
    closed_early: bool = Field(
        description="Closed by someone before its closing date had passed (the decision log "
        "says so)."
    )

    @staticmethod
    def resolve_outcome(obj: Proposal) -> str | None:
        return obj.outcome or None


class ProposalIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    title: Name
    question: Annotated[str, Field(min_length=1, max_length=5000, pattern=NO_NUL)]
    background: LongText = ""
    kind: DecisionKind
    deciders: Deciders
    closes_on: Annotated[Date, dates.PROPOSAL_CLOSES.api]
    meeting_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)


class PositionIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    stance: Stance
    reason: Annotated[str, Field(max_length=5000, pattern=NO_NUL)] = ""


class CloseIn(In):
    statement: Annotated[str, Field(max_length=10000, pattern=NO_NUL)] = ""


class UrgentIn(In):
    organisation_id: StrictInt = Field(
        ge=1, le=MAX_ID, description="The organisation deciding, under delegated authority."
    )
    title: Name
    decision: Annotated[str, Field(min_length=1, max_length=5000, pattern=NO_NUL)]
    background: LongText = ""


class RatifyIn(In):
    ratified: StrictBool
    note: Annotated[str, Field(max_length=5000, pattern=NO_NUL)] = ""
    meeting_id: StrictInt | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The meeting that ratified it, which must have taken place; by default "
        "the meeting whose agenda it is on.",
    )


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    return get_for(request.user, Partnership, perm="partnerships.view_partnership", pk=pk)


@router.get(
    "/partnerships/{pk}/proposals", response={200: list[ProposalOut], **error_responses(404)}
)
def proposal_list(request: HttpRequest, pk: Id) -> list[Proposal]:
    """Every proposal and decision of the partnership (those past their date close first)."""
    partnership = _partnership(request, pk)
    actions.close_due(partnership.pk)
    return list(partnership.proposals.all())


@router.post(
    "/partnerships/{pk}/proposals",
    response={201: ProposalOut, **error_responses(403, 404, 409)},
)
def proposal_create(request: HttpRequest, pk: Id, payload: ProposalIn) -> Status[Proposal]:
    """Propose a decision for one of your organisations; 422 when the closing date does not
    leave a deciding organisation its lead time."""
    partnership = _partnership(request, pk)
    mine = acting_for(request.user)
    proposal = actions.proposal_create(
        by=request.user,
        partnership=partnership,
        organisation=resolve(
            Organisation.objects.filter(pk__in=mine), payload.organisation_id, "organisation_id"
        ),
        title=payload.title,
        question=payload.question,
        background=payload.background,
        kind=payload.kind,
        deciders=payload.deciders,
        closes_on=payload.closes_on,
        meeting=resolve(
            Meeting.objects.filter(
                series__in=[
                    s
                    for s in partnership.meeting_series.all()
                    if request.user.has_perm("meetings.view_series", s)
                ]
            ).select_related("series"),
            payload.meeting_id,
            "meeting_id",
        ),
    )
    return Status(201, proposal)


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = get_for(
        request.user, Proposal.objects.select_related("partnership"), perm=VIEW, pk=pk
    )
    if proposal.is_open:
        actions.close_due(proposal.partnership_id)
        proposal.refresh_from_db()
    return proposal


@router.get("/proposals/{pk}", response={200: ProposalOut, **error_responses(404)})
def proposal_read(request: HttpRequest, pk: Id) -> Proposal:
    return _proposal(request, pk)


@router.get("/proposals/{pk}/positions", response={200: list[PositionOut], **error_responses(404)})
def position_list(request: HttpRequest, pk: Id) -> list[Position]:
    """Every position given, the replaced ones too (`current` false)."""
    return list(_proposal(request, pk).positions.all())


@router.post(
    "/proposals/{pk}/positions", response={201: PositionOut, **error_responses(403, 404, 409)}
)
def position_cast(request: HttpRequest, pk: Id, payload: PositionIn) -> Status[Position]:
    """Give an organisation's position (an admin or manager of it, or its named contact); a
    second one replaces the first, which is kept."""
    proposal = _proposal(request, pk)
    position = actions.position_cast(
        by=request.user,
        proposal=proposal,
        organisation=resolve(
            Organisation.objects.all(), payload.organisation_id, "organisation_id"
        ),
        stance=payload.stance,
        reason=payload.reason,
    )
    return Status(201, position)


@router.post("/proposals/{pk}/close", response={200: ProposalOut, **error_responses(403, 404, 409)})
def proposal_close(request: HttpRequest, pk: Id, payload: CloseIn) -> Proposal:
    """Close now (the proposing organisation or the lead's admins and managers). Before the
    closing date it closes only once every deciding organisation has given its position, or
    the agreement's quorum and lead times are met: else 422, the field `positions` naming who
    has not answered. Closing early is shown as `closed_early`."""
    proposal = _proposal(request, pk)
    if not request.user.has_perm("decisions.change_proposal", proposal):
        raise PermissionDenied
    return actions.proposal_close(by=request.user, proposal=proposal, statement=payload.statement)


@router.post(
    "/partnerships/{pk}/proposals/urgent",
    response={201: ProposalOut, **error_responses(403, 404, 409)},
)
def proposal_record_urgent(request: HttpRequest, pk: Id, payload: UrgentIn) -> Status[Proposal]:
    """Record an urgent decision taken under delegated authority, as the agreement in force
    names it (the lead's admins and managers when it names no one): 403 to those who hold it
    for no organisation, 422 for an organisation you do not hold it for. It goes on the next
    meeting's agenda for ratification."""
    partnership = _partnership(request, pk)
    if not counting.delegated_authority(partnership.pk).held_by(request.user):
        raise PermissionDenied
    proposal = actions.proposal_record_urgent(
        by=request.user,
        partnership=partnership,
        organisation=resolve(
            Organisation.objects.filter(
                pk__in=partnership.memberships.current().values("organisation_id")
            ),
            payload.organisation_id,
            "organisation_id",
        ),
        title=payload.title,
        decision=payload.decision,
        background=payload.background,
    )
    return Status(201, proposal)


@router.post(
    "/proposals/{pk}/ratify", response={200: ProposalOut, **error_responses(403, 404, 409)}
)
def proposal_ratify(request: HttpRequest, pk: Id, payload: RatifyIn) -> Proposal:
    """Record whether the partners ratified an urgent decision (the lead's admins and
    managers), at a meeting that has taken place: 422 naming `meeting_id` otherwise."""
    proposal = _proposal(request, pk)
    if not request.user.has_perm("partnerships.change_partnership", proposal.partnership):
        raise PermissionDenied
    meeting = resolve(
        Meeting.objects.filter(series__partnership_id=proposal.partnership_id).select_related(
            "series"
        ),
        payload.meeting_id,
        "meeting_id",
    )
    with _named(meeting="meeting_id"):
        return actions.proposal_ratify(
            by=request.user,
            proposal=proposal,
            ratified=payload.ratified,
            note=payload.note,
            meeting=meeting,
        )


@contextmanager
def _named(**names: str) -> Iterator[None]:
    """An action's field errors named as the request body names them."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc
