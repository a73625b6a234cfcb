"""API for a referral's workflow — each step, passing it on — and the message thread between
the two organisations. Each step answers with the referral as `GET /referrals/{id}` does."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from joinedup.api.common import NO_NUL, Id
from joinedup.api.common import In as Body
from joinedup.api.errors import error_responses
from joinedup.referrals import actions
from joinedup.referrals.api import READ, FieldName, LongText, fields_named, resolve_service
from joinedup.referrals.api_referrals import (
    BODY_NAMES,
    REFERRALS,
    ReferralOut,
    ReferralOutcome,
    detail,
    hidden_because,
    referral_for,
    side,
)
from joinedup.referrals.models import FIELDS, AccessKind, DeclineReason, Message, Referral
from joinedup.referrals.privacy import log_access
from joinedup.referrals.summary import summary_warning

router = Router(tags=["referrals"])
Note = Annotated[str, Field(max_length=10000, pattern=NO_NUL)]

# --- the workflow --------------------------------------------------------------------------

STEP_RESPONSES = {200: ReferralOut, **error_responses(403, 404, 409)}
REFER, RECEIVE = "referrals.refer", "referrals.receive"


class NoteIn(Body):
    note: Note = ""


class DeclineIn(Body):
    reason: DeclineReason
    note: Note = Field("", description="Required when the reason is “other”.")


class CompleteIn(Body):
    outcome: ReferralOutcome
    note: Note = ""


class CloseIn(Body):
    note: Annotated[str, Field(min_length=1, max_length=10000, pattern=NO_NUL)]


class PassOnIn(Body):
    service_id: uuid.UUID
    fields: list[FieldName] | None = Field(
        None, max_length=len(FIELDS), description="At most those shared with you; all if null."
    )
    summary: LongText = Field(
        "", description="Why, in your words: the referrer's summary is not passed on."
    )
    summary_acknowledged: StrictBool = Field(
        False,
        description="As when referring: a summary holding a phone number, email address or "
        "date the consent does not cover is refused with 422 naming `summary` unless true.",
    )


def moved(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    return detail(request, REFERRALS.get(pk=referral.pk))


@router.post("/referrals/{pk}/send", response=STEP_RESPONSES)
def referral_send(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Send a draft (the referring organisation)."""
    referral = referral_for(request, pk, REFER)
    return moved(request, actions.referral_send(referral=referral, by=request.user))


@router.post("/referrals/{pk}/accept", response=STEP_RESPONSES)
def referral_accept(request: HttpRequest, pk: Id, payload: NoteIn) -> dict[str, Any]:
    """Accept a sent referral (the receiving organisation)."""
    referral = referral_for(request, pk, RECEIVE)
    return moved(
        request, actions.referral_accept(referral=referral, by=request.user, note=payload.note)
    )


@router.post("/referrals/{pk}/decline", response=STEP_RESPONSES)
def referral_decline(request: HttpRequest, pk: Id, payload: DeclineIn) -> dict[str, Any]:
    """Decline a sent referral with a reason from the list (the receiving organisation)."""
    referral = referral_for(request, pk, RECEIVE)
    declined = actions.referral_decline(
        referral=referral, by=request.user, reason=payload.reason, note=payload.note
    )
    return moved(request, declined)


@router.post("/referrals/{pk}/start", response=STEP_RESPONSES)
def referral_start(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Start the support (the receiving organisation, once accepted)."""
    referral = referral_for(request, pk, RECEIVE)
    return moved(request, actions.referral_start(referral=referral, by=request.user))


@router.post("/referrals/{pk}/complete", response=STEP_RESPONSES)
def referral_complete(request: HttpRequest, pk: Id, payload: CompleteIn) -> dict[str, Any]:
    """Complete it with an outcome (the receiving organisation)."""
    referral = referral_for(request, pk, RECEIVE)
    completed = actions.referral_complete(
        referral=referral, by=request.user, outcome=payload.outcome, note=payload.note
    )
    return moved(request, completed)


@router.post("/referrals/{pk}/close", response=STEP_RESPONSES)
def referral_close(request: HttpRequest, pk: Id, payload: CloseIn) -> dict[str, Any]:
    """Close it without an outcome, saying why (the receiving organisation)."""
    referral = referral_for(request, pk, RECEIVE)
    return moved(
        request, actions.referral_close(referral=referral, by=request.user, note=payload.note)
    )


@router.post("/referrals/{pk}/withdraw", response=STEP_RESPONSES)
def referral_withdraw(request: HttpRequest, pk: Id, payload: NoteIn) -> dict[str, Any]:
    """Withdraw it (the referring organisation): the receiver stops seeing the details."""
    referral = referral_for(request, pk, REFER)
    return moved(
        request, actions.referral_withdraw(referral=referral, by=request.user, note=payload.note)
    )


@router.post(
    "/referrals/{pk}/pass-on", response={201: ReferralOut, **error_responses(403, 404, 409)}
)
def referral_pass_on(request: HttpRequest, pk: Id, payload: PassOnIn) -> Status[dict[str, Any]]:
    """Pass the person on to another member's service under the same consent (the receiving
    organisation): this referral closes, and the new one, sharing no more, is sent."""
    referral = referral_for(request, pk, RECEIVE)
    if not payload.summary_acknowledged:
        warning = summary_warning(payload.summary, referral.consent)
        if warning:
            raise ValidationError({"summary": warning})
    with fields_named(**BODY_NAMES):
        onward = actions.referral_pass_on(
            referral=referral,
            by=request.user,
            service=resolve_service(request, payload.service_id, "service_id"),
            fields=None if payload.fields is None else [str(f) for f in payload.fields],
            summary=payload.summary,
        )
    return Status(201, moved(request, onward))


# --- the message thread --------------------------------------------------------------------


class MessageOut(Schema):
    id: int
    organisation_id: int
    text: str | None = Field(description="Null while the referral's details are hidden.")
    asks_for_info: bool
    at: dt.datetime


class MessageIn(Body):
    text: Annotated[str, Field(min_length=1, max_length=10000, pattern=NO_NUL)]
    asks_for_info: StrictBool = Field(False, description="The receiver asks for more information.")


def message_out(message: Message, hidden: bool) -> dict[str, Any]:
    return {
        "id": message.pk,
        "organisation_id": message.organisation_id,
        "text": None if hidden else message.text,
        "asks_for_info": message.asks_for_info,
        "at": message.at,
    }


@router.get("/referrals/{pk}/messages", response={200: list[MessageOut], **error_responses(404)})
def message_list(request: HttpRequest, pk: Id) -> list[dict[str, Any]]:
    """The thread between the two organisations, oldest first; the texts only while you may
    read the referral's details."""
    referral = referral_for(request, pk, "referrals.message")
    hidden = hidden_because(request.user, referral) is not None
    messages = list(referral.messages.all())
    if messages and not hidden:
        log_access(
            by=request.user,
            kind=AccessKind.VIEW,
            person=referral.person,
            referral=referral,
            acting_for=side(request.user, referral),
            record=f"messages of {referral}",
            purpose=READ,
        )
    return [message_out(m, hidden) for m in messages]


@router.post(
    "/referrals/{pk}/messages", response={201: MessageOut, **error_responses(403, 404, 409)}
)
def message_post(request: HttpRequest, pk: Id, payload: MessageIn) -> Status[dict[str, Any]]:
    """Write to the other organisation; the receiver can ask for more information."""
    referral = referral_for(request, pk, "referrals.message")
    message = actions.message_post(
        referral=referral,
        by=request.user,
        text=payload.text,
        asks_for_info=payload.asks_for_info,
    )
    return Status(201, message_out(message, hidden=False))
