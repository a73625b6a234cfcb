"""API for referrals: sending one or a net of several, each step of the workflow, and the
message thread between the two organisations.

A referral is seen by the staff of the referring organisation, and of the receiving one once it
is sent; everyone else gets a 404. Its personal details (the fields it shares, the summary,
notes and messages) are given only while `rules.sees_details` allows — else they are null and
`details_hidden_because` says why — and every response that carries them writes a row to the
personal-data access log. Lists carry no personal details.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictBool

from joinedup.access import acting_for, acts_for, get_for, partnerships_visible_to
from joinedup.api.common import Id, PageParams, paginate, resolve
from joinedup.api.common import In as Body
from joinedup.api.errors import error_responses
from joinedup.partnerships.models import Organisation
from joinedup.referrals import actions
from joinedup.referrals.api import (
    READ,
    FieldName,
    LongText,
    NeedCode,
    Ref,
    ReferralPurpose,
    fields_named,
    resolve_service,
)
from joinedup.referrals.models import (
    FIELDS,
    AccessKind,
    AgeBand,
    DeclineReason,
    Outcome,
    Person,
    Purpose,
    Referral,
)
from joinedup.referrals.models import Status as Step
from joinedup.referrals.privacy import log_access
from joinedup.referrals.rules import sees_details
from joinedup.referrals.sharing import protocols_in_force

router = Router(tags=["referrals"])
# Named apart from decisions' Outcome in the OpenAPI document.
ReferralOutcome = enum.StrEnum(  # type: ignore[misc]
    "ReferralOutcome", {value: value for value in Outcome.values}
)
ReferralStatus = enum.StrEnum(  # type: ignore[misc]
    "ReferralStatus", {value: value for value in Step.values}
)
REFERRALS = Referral.objects.select_related("person", "consent")
# An action's field, as the request body names it.
BODY_NAMES = {
    "service": "service_id",
    "services": "services",
    "needs": "services",
    "consent": "consent_id",
    "protocol": "partnership_id",
    "from_org": "partnership_id",
}


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """Those sent by the organisations `user` acts for, and those sent to them (not drafts):
    the same answer as the `referrals.view_referral` rule."""
    mine = acting_for(user)
    return Referral.objects.filter(
        Q(from_org_id__in=mine) | (Q(to_org_id__in=mine) & ~Q(status=Step.DRAFT))
    )


# --- what a referral shows -----------------------------------------------------------------


class ReferralItem(Schema):
    """A referral without personal details. `person_id` and `consent_id` are given only to
    the organisation holding the person's record."""

    id: int
    partnership_id: int
    from_organisation_id: int
    to_organisation_id: int
    service_id: uuid.UUID | None
    person_id: int | None
    consent_id: int | None
    need: str
    area: str
    purpose: ReferralPurpose
    fields: list[str] = Field(description="The person's fields it shares.")
    status: ReferralStatus
    decline_reason: DeclineReason | None
    outcome: ReferralOutcome | None
    batch: uuid.UUID | None = Field(description="Shared by the referrals of one net of support.")
    passed_from_id: int | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    seen_at: dt.datetime | None
    responded_at: dt.datetime | None
    ended_at: dt.datetime | None


class SharedDetails(Schema):
    """The person's fields the referral shares; a field it does not share is null."""

    name: str | None = None
    contact: str | None = None
    safe_contact: str | None = None
    born_on: dt.date | None = None
    age_band: AgeBand | None = None
    postcode: str | None = None
    needs: list[str] | None = None
    notes: str | None = None


class EventOut(Schema):
    status: ReferralStatus
    at: dt.datetime
    organisation_id: int | None
    note: str | None = Field(description="Null while the details are hidden.")


class ReferralOut(ReferralItem):
    person: SharedDetails | None
    summary: str | None
    note: str | None
    details_hidden_because: str | None
    events: list[EventOut]


class ReferralPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReferralItem]


def hidden_because(user: Any, referral: Referral) -> str | None:
    """Why `user` may not read the referral's personal details, or None when they may."""
    if sees_details(user, referral):
        return None
    if referral.erased_at is not None or referral.person.erased_at is not None:
        return "The person's data has been erased."
    if referral.consent.withdrawn_at is not None:
        return "The person withdrew their consent."
    if referral.status == Step.WITHDRAWN:
        return "The referral was withdrawn."
    if referral.consent.expires_on < timezone.localdate():
        return f"The person's consent expired on {referral.consent.expires_on:%-d %B %Y}."
    return "Only the referring and receiving organisations see the person's details."


def _item(user: Any, referral: Referral) -> dict[str, Any]:
    holds = acts_for(user, referral.person.organisation_id)
    return {
        **{
            f: getattr(referral, f)
            for f in ReferralItem.model_fields
            if hasattr(referral, f) and f not in ("decline_reason", "outcome")
        },
        "from_organisation_id": referral.from_org_id,
        "to_organisation_id": referral.to_org_id,
        # The outward part of the postcode: only where the postcode itself may go.
        "area": referral.area if holds or "postcode" in referral.fields else "",
        "person_id": referral.person_id if holds else None,
        "consent_id": referral.consent_id if holds else None,
        "decline_reason": referral.decline_reason or None,
        "outcome": referral.outcome or None,
    }


def side(user: Any, referral: Referral) -> int:
    """The organisation the user acts for on this referral."""
    return referral.from_org_id if acts_for(user, referral.from_org_id) else referral.to_org_id


def detail(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    """The referral with its details when the user may read them (and the read logged)."""
    user = request.user
    hidden = hidden_because(user, referral)
    events = list(referral.events.all())
    out = _item(user, referral) | {
        "details_hidden_because": hidden,
        "person": None,
        "summary": None,
        "note": None,
        "events": [
            {
                "status": e.status,
                "at": e.at,
                "organisation_id": e.organisation_id,
                "note": None if hidden else e.note,
            }
            for e in events
        ],
    }
    if hidden is None:
        person: Person = referral.person
        out |= {
            "person": {f: getattr(person, f) or None for f in FIELDS if f in referral.fields},
            "summary": referral.summary,
            "note": referral.note,
        }
        log_access(
            by=user,
            kind=AccessKind.VIEW,
            person=person,
            referral=referral,
            acting_for=side(user, referral),
            record=str(referral),
            purpose=READ,
        )
    return out


def referral_for(request: HttpRequest, pk: int, perm: str = "referrals.view_referral") -> Referral:
    return get_for(request.user, REFERRALS, perm=perm, pk=pk)


# --- reading and sending -------------------------------------------------------------------


class ReferralQuery(PageParams):
    status: ReferralStatus | None = None
    direction: Literal["sent", "received"] | None = Field(
        None, description="sent: by your organisations; received: by them."
    )


# /referrals/net comes before /referrals/{pk}, which would otherwise answer it (405).


@router.get("/referrals", response={200: ReferralPage, **error_responses()})
def referral_list(request: HttpRequest, query: Query[ReferralQuery]) -> dict[str, Any]:
    """Referrals sent and received by the organisations you act for, newest first, without
    personal details: read a referral for those."""
    user = request.user
    mine = acting_for(user)
    found = referrals_visible_to(user).select_related("person")
    if query.direction == "sent":
        found = found.filter(from_org_id__in=mine)
    elif query.direction == "received":
        found = found.filter(to_org_id__in=mine).exclude(status=Step.DRAFT)
    if query.status is not None:
        found = found.filter(status=query.status)
    page = paginate(found.order_by("-created_at", "-pk"), query)
    page["items"] = [_item(user, r) for r in page["items"]]
    return page


class _Sharing(Body):
    partnership_id: Ref = Field(description="Whose data-sharing protocol in force it follows.")
    person_id: Ref
    consent_id: Ref
    fields: list[FieldName] = Field(
        min_length=1,
        max_length=len(FIELDS),
        description="The person's fields to share: each must be allowed by both the protocol "
        "and the consent, else 422 naming it.",
    )
    purpose: ReferralPurpose = ReferralPurpose(Purpose.REFERRAL)
    summary: LongText = ""


class ReferralIn(_Sharing):
    need: NeedCode | None = None
    service_id: uuid.UUID | None = Field(None, description="The directory service referred to.")
    to_organisation_id: Ref | None = Field(None, description="Instead of a service.")
    send: StrictBool = Field(True, description="false keeps it a draft.")


class NetChoice(Body):
    service_id: uuid.UUID = Field(description="The directory service referred to.")
    need: NeedCode | None = Field(
        None,
        description="The person's need it is chosen for: one of their recorded needs (422 "
        "naming `services` otherwise); any need, or none, when they have none recorded.",
    )


class NetIn(_Sharing):
    services: list[NetChoice] = Field(
        min_length=1,
        max_length=20,
        description="Each service with the need it is chosen for; its referral carries it.",
    )


def _sharing(request: HttpRequest, payload: _Sharing) -> dict[str, Any]:
    """The person, consent, protocol and referring organisation the body names."""
    partnership = resolve(
        partnerships_visible_to(request.user), payload.partnership_id, "partnership_id"
    )
    protocol = protocols_in_force(partnership).first()
    if protocol is None:
        raise ValidationError(
            {"partnership_id": "The partnership has no data-sharing protocol in force."}
        )
    person = resolve(
        Person.objects.filter(organisation_id__in=acting_for(request.user)),
        payload.person_id,
        "person_id",
    )
    consent = resolve(person.consents.all(), payload.consent_id, "consent_id")
    return {
        "person": person,
        "consent": consent,
        "protocol": protocol,
        "from_org": person.organisation,
        "fields": [str(f) for f in payload.fields],
        "purpose": str(payload.purpose),
        "summary": payload.summary,
    }


@router.post("/referrals", response={201: ReferralOut, **error_responses(409)})
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[dict[str, Any]]:
    """Refer a person your organisation holds to a service (or an organisation) of a member,
    under the partnership's protocol and the person's consent; sent at once unless `send` is
    false."""
    values = _sharing(request, payload)
    to_org = None
    if payload.to_organisation_id is not None:
        members = values["protocol"].version.agreement.partnership.memberships.current()
        to_org = resolve(
            Organisation.objects.filter(pk__in=members.values("organisation_id")),
            payload.to_organisation_id,
            "to_organisation_id",
        )
    with fields_named(**BODY_NAMES):
        referral = actions.referral_create(
            by=request.user,
            service=resolve_service(request, payload.service_id, "service_id"),
            to_org=to_org,
            send=payload.send,
            need=str(payload.need or ""),
            **values,
        )
    return Status(201, detail(request, REFERRALS.get(pk=referral.pk)))


@router.post("/referrals/net", response={201: list[ReferralOut], **error_responses(409)})
def referral_net(request: HttpRequest, payload: NetIn) -> Status[list[dict[str, Any]]]:
    """A net of support: one person, one consent, a referral to each service, all sent. Each
    service is chosen for one of the person's needs, which its referral carries; each shares
    those of the fields its receiver may have."""
    values = _sharing(request, payload)
    services = [
        (
            resolve_service(request, choice.service_id, f"services.{i}.service_id"),
            str(choice.need or ""),
        )
        for i, choice in enumerate(payload.services)
    ]
    with fields_named(**BODY_NAMES):
        sent = actions.referral_net(by=request.user, services=services, **values)
    return Status(201, [detail(request, REFERRALS.get(pk=r.pk)) for r in sent])


@router.get("/referrals/{pk}", response={200: ReferralOut, **error_responses(404)})
def referral_read(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """A referral with its status history; its personal details while you may read them.
    Its receiver reading a sent referral marks it seen, which its referrer sees."""
    referral = referral_for(request, pk)
    if referral.status == Step.SENT and acts_for(request.user, referral.to_org_id):
        actions.referral_see(referral=referral, by=request.user)
        referral = REFERRALS.get(pk=referral.pk)
    return detail(request, referral)
