"""API for shared decisions: proposals and each organisation's position, under the pages' rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from joinedup.access import acting_for, get_for
from joinedup.api.common import MAX_ID, NO_NUL, Date, Id, In, Name, resolve
from joinedup.api.errors import error_responses
from joinedup.decisions import actions
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
    meeting_id: int | None

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
    closes_on: Date
    meeting_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)


class PositionIn(In):
    organisation_id: StrictInt = Field(ge=1, le=MAX_ID)
    stance: Stance
    reason: Annotated[str, Field(max_length=5000, pattern=NO_NUL)] = ""


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
