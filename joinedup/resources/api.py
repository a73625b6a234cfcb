"""API for shared resources: offers, requests, bookings and their transitions, the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, StrictBool, StrictInt

from joinedup import dates
from joinedup.access import acting_for, get_for, may, partnerships_visible_to
from joinedup.api.common import (
    MAX_ID,
    NO_NUL,
    Date,
    Id,
    In,
    Name,
    PageParams,
    ShortText,
    Text,
    paginate,
    resolve,
)
from joinedup.api.errors import error_responses
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.resources import actions, queries
from joinedup.resources.models import (
    Audience,
    Booking,
    BookingStatus,
    Exchange,
    Offer,
    Reach,
    RequestStatus,
    ResourceKind,
    ResourceRequest,
)

router = Router(tags=["resources"])
BOOKABLE_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
VIEW = "partnerships.view_partnership"
OrgId = Annotated[StrictInt, Field(ge=1, le=MAX_ID, description="An organisation you act for.")]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("9999999.99"), max_digits=9, decimal_places=2)]
Hours = Annotated[Decimal, Field(ge=0, le=Decimal("99999.9"), max_digits=6, decimal_places=1)]


def _acting(request: HttpRequest, partnership: Partnership) -> Any:
    """Organisations the user acts for among the partnership's current members."""
    mine = acting_for(request.user)
    current = partnership.memberships.current().values("organisation_id")
    return Organisation.objects.filter(pk__in=mine).filter(pk__in=current)


class OrgRef(Schema):
    id: int
    name: str


class OfferOut(Schema):
    id: int
    organisation: OrgRef
    partnership_id: int
    reach: Reach
    kind: ResourceKind
    title: str
    description: str
    availability: str
    capacity: int
    conditions: str
    free: bool
    cost_pounds: Decimal | None
    audience: Audience
    area: str
    active: bool
    bookable: bool


class OfferIn(In):
    organisation_id: OrgId
    kind: ResourceKind
    title: Name
    description: Text = ""
    availability: ShortText = ""
    capacity: StrictInt = Field(1, ge=1, le=100_000)
    conditions: Text = ""
    free: StrictBool = True
    cost_pounds: Money | None = None
    audience: Audience = Audience.STAFF
    area: ShortText = ""
    reach: Reach = Reach.PARTNERSHIP


class OfferPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OfferOut]


@router.get("/partnerships/{pk}/offers", response={200: OfferPage, **error_responses(404)})
def offer_list(request: HttpRequest, pk: Id, page: Query[PageParams]) -> dict[str, Any]:
    """Offers seen in the partnership: its own, and those offered more widely."""
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    offers = queries.offers_seen_in([partnership.pk]).select_related("organisation")
    return paginate(offers.order_by("-created_at", "pk"), page)


@router.post(
    "/partnerships/{pk}/offers", response={201: OfferOut, **error_responses(403, 404, 409)}
)
def offer_create(request: HttpRequest, pk: Id, payload: OfferIn) -> Status[Offer]:
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    data = payload.dict()
    organisation = resolve(
        _acting(request, partnership), data.pop("organisation_id"), "organisation_id"
    )
    offer = actions.offer_create(
        by=request.user, organisation=organisation, partnership=partnership, **data
    )
    return Status(201, offer)


@router.get("/offers/{pk}", response={200: OfferOut, **error_responses(404)})
def offer_read(request: HttpRequest, pk: Id) -> Offer:
    return get_for(
        request.user,
        Offer.objects.select_related("organisation"),
        perm="resources.view_offer",
        pk=pk,
    )


class RequestOut(Schema):
    id: int
    organisation: OrgRef
    partnership_id: int
    kind: ResourceKind
    title: str
    description: str
    area: str
    when: str
    status: RequestStatus


class RequestIn(In):
    organisation_id: OrgId
    kind: ResourceKind
    title: Name
    description: Text = ""
    area: ShortText = ""
    when: ShortText = ""


@router.get("/partnerships/{pk}/requests", response={200: list[RequestOut], **error_responses(404)})
def request_list(request: HttpRequest, pk: Id) -> Any:
    """The partnership's open requests."""
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    return partnership.resource_requests.filter(status=RequestStatus.OPEN).select_related(
        "organisation"
    )


@router.post(
    "/partnerships/{pk}/requests", response={201: RequestOut, **error_responses(403, 404, 409)}
)
def request_create(request: HttpRequest, pk: Id, payload: RequestIn) -> Status[ResourceRequest]:
    """Ask the partnership for something; organisations offering a match are told by email."""
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    data = payload.dict()
    organisation = resolve(
        _acting(request, partnership), data.pop("organisation_id"), "organisation_id"
    )
    wanted = actions.request_create(
        by=request.user, organisation=organisation, partnership=partnership, **data
    )
    return Status(201, wanted)


class BookingOut(Schema):
    id: int
    offer_id: int
    organisation: OrgRef
    partnership_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: BookingStatus
    note: str


class BookingIn(In):
    """A time within the next two years, with its time zone, lasting at most a year."""

    organisation_id: OrgId
    partnership_id: StrictInt = Field(
        ge=1, le=MAX_ID, description="The partnership you book it through."
    )
    starts_at: Annotated[AwareDatetime, dates.BOOKING.api]
    ends_at: Annotated[AwareDatetime, Field(ge=BOOKABLE_FROM, le=LATEST)]
    note: Text = ""


class ReasonIn(In):
    reason: Annotated[str, Field(max_length=1000, pattern=NO_NUL)] = ""


@router.get("/bookings", response={200: list[BookingOut], **error_responses()})
def booking_list(request: HttpRequest) -> Any:
    """Bookings your organisations made or were asked for, latest first (at most 500)."""
    mine = acting_for(request.user)
    bookings = Booking.objects.filter(
        Q(organisation_id__in=mine) | Q(offer__organisation_id__in=mine)
    )
    return bookings.select_related("organisation").order_by("-starts_at", "-pk")[:500]


@router.post("/offers/{pk}/bookings", response={201: BookingOut, **error_responses(403, 404, 409)})
def booking_create(request: HttpRequest, pk: Id, payload: BookingIn) -> Status[Booking]:
    """Ask to book an offer. Its organisation confirms or declines."""
    offer = get_for(request.user, Offer, perm="resources.view_offer", pk=pk)
    data = payload.dict()
    partnership = resolve(
        partnerships_visible_to(request.user), data.pop("partnership_id"), "partnership_id"
    )
    if not queries.offers_seen_in([partnership.pk]).filter(pk=offer.pk).exists():
        raise ValidationError({"partnership_id": "The offer is not offered in that partnership."})
    organisation = resolve(
        _acting(request, partnership), data.pop("organisation_id"), "organisation_id"
    )
    booking = actions.booking_request(
        by=request.user, offer=offer, organisation=organisation, partnership=partnership, **data
    )
    return Status(201, booking)


BOOKINGS = Booking.objects.select_related("offer", "organisation", "partnership")


@router.get("/bookings/{pk}", response={200: BookingOut, **error_responses(404)})
def booking_read(request: HttpRequest, pk: Id) -> Booking:
    """A booking, for the two organisations party to it; 404 to anyone else, so that another
    member learns nothing of it, not even that it exists."""
    booking = get_for(request.user, BOOKINGS, perm="resources.view_booking", pk=pk)
    if not may(request.user, "resources.cancel_booking", booking):
        raise Http404
    return booking


@router.post("/bookings/{pk}/confirm", response={200: BookingOut, **error_responses(403, 404, 409)})
def booking_confirm(request: HttpRequest, pk: Id) -> Booking:
    """Confirm a booking of your organisation's offer; 422 if the time was taken meanwhile."""
    booking = get_for(request.user, BOOKINGS, perm="resources.decide_booking", pk=pk)
    return actions.booking_confirm(booking=booking, by=request.user)


@router.post("/bookings/{pk}/decline", response={200: BookingOut, **error_responses(403, 404, 409)})
def booking_decline(request: HttpRequest, pk: Id, payload: ReasonIn) -> Booking:
    booking = get_for(request.user, BOOKINGS, perm="resources.decide_booking", pk=pk)
    return actions.booking_decline(booking=booking, by=request.user, reason=payload.reason)


@router.post("/bookings/{pk}/cancel", response={200: BookingOut, **error_responses(403, 404, 409)})
def booking_cancel(request: HttpRequest, pk: Id, payload: ReasonIn) -> Booking:
    """Cancel a booking your organisation made or was asked for; its slot is free again."""
    booking = get_for(request.user, BOOKINGS, perm="resources.cancel_booking", pk=pk)
    return actions.booking_cancel(booking=booking, by=request.user, reason=payload.reason)


class ExchangeOut(Schema):
    id: int
    giver: OrgRef
    receiver: OrgRef
    kind: ResourceKind
    description: str
    on: dt.date
    hours: Decimal | None
    value_pounds: Decimal | None
    offer_id: int | None
    booking_id: int | None


class ExchangeIn(In):
    giver_id: OrgId
    receiver_id: StrictInt = Field(ge=1, le=MAX_ID)
    kind: ResourceKind
    description: Name
    on: Annotated[Date, dates.GIVEN.api]
    hours: Hours | None = None
    value_pounds: Money | None = None


class ExchangePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ExchangeOut]


@router.get("/partnerships/{pk}/ledger", response={200: ExchangePage, **error_responses(404)})
def ledger_list(request: HttpRequest, pk: Id, page: Query[PageParams]) -> dict[str, Any]:
    """Every exchange in the partnership's ledger, latest first."""
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    entries = Exchange.objects.filter(partnership=partnership).select_related("giver", "receiver")
    return paginate(entries.order_by("-on", "-pk"), page)


@router.post(
    "/partnerships/{pk}/ledger", response={201: ExchangeOut, **error_responses(403, 404, 409)}
)
def ledger_record(request: HttpRequest, pk: Id, payload: ExchangeIn) -> Status[Exchange]:
    """Record something your organisation gave another member."""
    partnership = get_for(request.user, Partnership, perm=VIEW, pk=pk)
    data = payload.dict()
    giver = resolve(_acting(request, partnership), data.pop("giver_id"), "giver_id")
    members = Organisation.objects.filter(
        pk__in=partnership.memberships.current().values("organisation_id")
    )
    receiver = resolve(members, data.pop("receiver_id"), "receiver_id")
    exchange = actions.exchange_record(
        by=request.user, partnership=partnership, giver=giver, receiver=receiver, **data
    )
    return Status(201, exchange)
