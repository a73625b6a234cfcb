"""Writes for shared resources: offers, requests, bookings, the ledger and the library.

Each runs in one transaction (`@action`), writes its audit row, and emails the organisations
concerned after it commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup import dates
from joinedup.access import acts_for
from joinedup.actions import action, constraints_first, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.meetings.notices import tell
from joinedup.notifications import notify
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.resources.models import (
    BOOKABLE_KINDS,
    Booking,
    BookingStatus,
    Exchange,
    Offer,
    RequestResponse,
    RequestStatus,
    ResourceKind,
    ResourceRequest,
    SharedDocument,
)
from joinedup.resources.queries import offers_seen_in

NOT_A_MEMBER = "Only a current member of the partnership can do this."
NOT_BOOKABLE = "This offer is given, not booked: record it as given instead."
OFFER_WITHDRAWN = "This offer has been withdrawn."
OWN_OFFER = "An organisation does not book its own offer."
FULLY_BOOKED = "That time is already booked. Choose another time."
ALREADY_ASKED = (
    "Another partner has already asked for that time, and {offerer} has not answered yet. "
    "Choose another time."
)
ALREADY_ASKED_BY_YOU = (
    "{organisation} has already asked for this time ({when}). Wait for {offerer}'s answer, "
    "or cancel that request to ask for a different time."
)
ALREADY_BOOKED_BY_YOU = "{organisation} has already booked this time ({when})."
TAKEN_BEFORE_CONFIRMING = (
    "This request overlaps a booking already confirmed for that time, so it cannot be "
    "confirmed. Decline it, and {booker} is told to choose another time."
)
TIME_TAKEN = "The time was booked by another partner: please choose another time."
NOT_REQUESTED = "Only a booking that is waiting for an answer can be confirmed or declined."
ALREADY_ENDED = "This booking was already declined or cancelled."
NO_SELF_EXCHANGE = "An organisation cannot give to itself."
REQUEST_CLOSED = "This request is no longer open."
BOOKING_OUT_OF_RANGE = "A booking starts after the year 2000 and lasts at most a year."
SLOTS_IN_USE = "Confirmed bookings use more places than that: cancel some first."
BOOKABLE_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LONGEST_BOOKING = dt.timedelta(days=366)

OFFER_FIELDS = [
    "title",
    "kind",
    "reach",
    "description",
    "availability",
    "capacity",
    "conditions",
    "free",
    "cost_pounds",
    "audience",
    "area",
    "active",
]
BOOKING_FIELDS = ["status", "starts_at", "ends_at", "slot", "note"]
# Time-based kinds count their hours in the ledger.
HOURS_KINDS = {ResourceKind.VENUE, ResourceKind.TRAINING, ResourceKind.STAFF_TIME}


def _require_member(
    partnership: Partnership, organisation: Organisation, field: str = "organisation"
) -> None:
    if not partnership.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError({field: NOT_A_MEMBER})


def _clean(instance: Any) -> None:
    instance.full_clean(validate_constraints=constraints_first())


# --- offers --------------------------------------------------------------------------------


def matching_requests(offer: Offer) -> list[ResourceRequest]:
    """Open requests for the same kind of thing, in the offer's partnership, in its area if
    both name one. A deliberately simple rule, so people can predict it."""
    requests = ResourceRequest.objects.filter(
        partnership_id=offer.partnership_id, kind=offer.kind, status=RequestStatus.OPEN
    ).exclude(organisation_id=offer.organisation_id)
    return [r for r in requests.select_related("organisation") if _same_area(r.area, offer.area)]


def matching_offers(request: ResourceRequest, offers: Any = None) -> list[Offer]:
    """Active offers of the same kind seen in the request's partnership, in its area."""
    candidates = offers if offers is not None else offers_seen_in([request.partnership_id])
    return [
        o
        for o in candidates
        if o.active
        and o.kind == request.kind
        and o.organisation_id != request.organisation_id
        and _same_area(request.area, o.area)
    ]


def _same_area(a: str, b: str) -> bool:
    a, b = a.strip().lower(), b.strip().lower()
    return not a or not b or a in b or b in a


@action
def offer_create(
    *,
    by: Any,
    organisation: Organisation,
    partnership: Partnership,
    kind: str,
    title: str,
    **fields: Any,
) -> Offer:
    _require_member(partnership, organisation)
    offer = Offer(
        organisation=organisation,
        partnership=partnership,
        kind=kind,
        title=title,
        created_by=person(by),
        **fields,
    )
    _clean(offer)
    offer.save()
    audit_record(
        actor=by,
        action="offer.create",
        obj=offer,
        partnership=partnership,
        after=snapshot(offer, OFFER_FIELDS),
    )
    for request in matching_requests(offer):
        notify(
            request.organisation,
            f"An offer matches your request “{request.title}”",
            f"{organisation} offers “{offer.title}” in {partnership}.",
        )
    return offer


@action
def offer_update(*, offer: Offer, by: Any, **changes: Any) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    before = snapshot(offer, OFFER_FIELDS)
    for key, value in changes.items():
        setattr(offer, key, value)
    _clean(offer)
    in_use = offer.bookings.filter(status=BookingStatus.CONFIRMED, slot__gt=offer.slots)
    if in_use.exists():
        raise ValidationError({"capacity": SLOTS_IN_USE})
    offer.save()
    audit_record(
        actor=by,
        action="offer.update",
        obj=offer,
        partnership=offer.partnership,
        before=before,
        after=snapshot(offer, OFFER_FIELDS),
    )
    return offer


# --- requests ------------------------------------------------------------------------------


@action
def request_create(
    *,
    by: Any,
    organisation: Organisation,
    partnership: Partnership,
    kind: str,
    title: str,
    **fields: Any,
) -> ResourceRequest:
    _require_member(partnership, organisation)
    request = ResourceRequest(
        organisation=organisation,
        partnership=partnership,
        kind=kind,
        title=title,
        created_by=person(by),
        **fields,
    )
    _clean(request)
    request.save()
    audit_record(
        actor=by,
        action="request.create",
        obj=request,
        partnership=partnership,
        after={"title": title, "kind": kind},
    )
    for offer in matching_offers(request):
        notify(
            offer.organisation,
            f"A partner asks for something you offer: “{request.title}”",
            f"{organisation} asks for “{request.title}” in {partnership}; "
            f"you offer “{offer.title}”.",
        )
    return request


@action
def request_respond(
    *,
    request: ResourceRequest,
    by: Any,
    organisation: Organisation,
    message: str,
    offer: Offer | None = None,
) -> RequestResponse:
    if request.status != RequestStatus.OPEN:
        raise ValidationError({"request": REQUEST_CLOSED})
    _require_member(request.partnership, organisation)
    response = RequestResponse(
        request=request,
        organisation=organisation,
        offer=offer,
        message=message,
        created_by=person(by),
    )
    _clean(response)
    response.save()
    audit_record(
        actor=by,
        action="request.respond",
        obj=response,
        partnership=request.partnership,
        after={"message": message},
    )
    notify(request.organisation, f"{organisation} answered “{request.title}”", message)
    return response


@action
def request_close(*, request: ResourceRequest, by: Any, status: str) -> ResourceRequest:
    if status not in (RequestStatus.MET, RequestStatus.WITHDRAWN):
        raise ValidationError({"status": "Close a request as met or withdrawn."})
    request = ResourceRequest.objects.select_for_update().get(pk=request.pk)
    before = {"status": request.status}
    request.status = status
    request.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="request.close",
        obj=request,
        partnership=request.partnership,
        before=before,
        after={"status": status},
    )
    return request


# --- bookings ------------------------------------------------------------------------------

# A request holds its time until it is answered: a second request for a time already asked
# for is refused (it could not be confirmed too), so the partner asking learns it at once
# and picks another time, rather than waiting for a refusal.
HOLDING = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


def _overlapping(
    offer: Offer,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    statuses: tuple[str, ...] = (BookingStatus.CONFIRMED,),
) -> Any:
    return Booking.objects.filter(
        offer=offer, status__in=statuses, starts_at__lt=ends_at, ends_at__gt=starts_at
    )


def _free_slot(offer: Offer, starts_at: dt.datetime, ends_at: dt.datetime) -> int | None:
    taken = set(_overlapping(offer, starts_at, ends_at).values_list("slot", flat=True))
    return next((slot for slot in range(1, offer.slots + 1) if slot not in taken), None)


def _when(booking: Booking) -> str:
    starts, ends = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    return f"{starts:%a %d %b %Y %H:%M}–{ends:%H:%M}"


def _why_taken(offer: Offer, organisation: Organisation, held: list[Booking]) -> str:
    """Why a time cannot be asked for, told to the partner asking."""
    own = next((b for b in held if b.organisation_id == organisation.pk), None)
    if own is not None:
        if own.status == BookingStatus.CONFIRMED:
            return ALREADY_BOOKED_BY_YOU.format(organisation=organisation, when=_when(own))
        return ALREADY_ASKED_BY_YOU.format(
            organisation=organisation, when=_when(own), offerer=offer.organisation
        )
    if all(b.status == BookingStatus.CONFIRMED for b in held):
        return FULLY_BOOKED
    return ALREADY_ASKED.format(offerer=offer.organisation)


@action
def booking_request(
    *,
    by: Any,
    offer: Offer,
    organisation: Organisation,
    partnership: Partnership,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
) -> Booking:
    """Ask to book `offer` for a time. The offering organisation confirms or declines, and is
    told in the app and by email, with a link to the booking.

    A time already held (asked for or booked) as many times as the offer has slots is
    refused, saying so; the offer is locked while this is checked, so two partners asking
    for one time at the same moment cannot both hold it."""
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("organisation", "created_by")
        .get(pk=offer.pk)
    )  # as it is now
    if offer.kind not in BOOKABLE_KINDS:
        raise ValidationError({"offer": NOT_BOOKABLE})
    if not offer.active:
        raise ValidationError({"offer": OFFER_WITHDRAWN})
    if organisation.pk == offer.organisation_id:
        raise ValidationError({"organisation": OWN_OFFER})
    _require_member(partnership, organisation)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "A booking must end after it starts."})
    # Subtracting, not adding, so that no day near the calendar's end can overflow; a person
    # books within the rule's range, the system (the demo loader) may record past bookings.
    day = timezone.localtime(starts_at).date()
    if starts_at < BOOKABLE_FROM or ends_at - starts_at > LONGEST_BOOKING:
        raise ValidationError({"starts_at": BOOKING_OUT_OF_RANGE})
    if day > dates.BOOKING.bounds()[1] or person(by) is not None:
        dates.BOOKING.check(day, field="starts_at")
    booking = Booking(
        offer=offer,
        organisation=organisation,
        partnership=partnership,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
        requested_by=person(by),
    )
    _clean(booking)
    held = list(_overlapping(offer, starts_at, ends_at, HOLDING))
    if len(held) >= offer.slots:
        raise ValidationError({"starts_at": _why_taken(offer, organisation, held)})
    booking.save()
    audit_record(
        actor=by,
        action="booking.request",
        obj=booking,
        partnership=partnership,
        after=snapshot(booking, BOOKING_FIELDS),
    )
    creator = offer.created_by
    tell(
        [offer.organisation],
        f"{organisation} asks to book “{offer.title}”",
        f"{organisation} asks to book “{offer.title}” on {_when(booking)}."
        + (f"\n\nWhat it is for: {note}" if note else "")
        + "\n\nConfirm or decline it on the offer's page:",
        url=booking.get_absolute_url(),
        also=[creator] if creator and acts_for(creator, offer.organisation_id) else [],
    )
    return booking


def _lock(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("offer", "organisation", "partnership", "offer__organisation")
        .get(pk=booking.pk)
    )


@action
def booking_confirm(*, booking: Booking, by: Any) -> Booking:
    """Confirm a booking: it takes a free slot, and the exchange goes in the ledger. If
    another confirmation took the slot at the same moment, the database refuses this one.

    Requests for the same time that can no longer be confirmed are declined at once, and
    their partners told to choose another time; they are in the returned booking's
    `displaced`, so the page can say so."""
    booking = _lock(booking)
    if booking.status != BookingStatus.REQUESTED:
        raise ValidationError({"status": NOT_REQUESTED})
    before = snapshot(booking, BOOKING_FIELDS)
    slot = _free_slot(booking.offer, booking.starts_at, booking.ends_at)
    if slot is None:
        # Said to the offerer, who can act on it: the booker is told when it is declined.
        raise ValidationError(
            {"status": TAKEN_BEFORE_CONFIRMING.format(booker=booking.organisation)}
        )
    booking.slot, booking.status = slot, BookingStatus.CONFIRMED
    booking.save(update_fields=["slot", "status"])
    offer = booking.offer
    exchange_record(
        by=by,
        giver_outside=True,
        partnership=booking.partnership,
        giver=offer.organisation,
        receiver=booking.organisation,
        kind=offer.kind,
        description=offer.title,
        on=timezone.localtime(booking.starts_at).date(),
        hours=booking.hours if offer.kind in HOURS_KINDS else None,
        value_pounds=None if offer.free else offer.cost_pounds,
        offer=offer,
        booking=booking,
    )
    audit_record(
        actor=by,
        action="booking.confirm",
        obj=booking,
        partnership=booking.partnership,
        before=before,
        after=snapshot(booking, BOOKING_FIELDS),
    )
    tell(
        [booking.organisation],
        f"Booking confirmed: {offer.title}",
        f"{offer.organisation} confirmed {booking}.",
        url=booking.booker_url(),
    )
    # A request another person is confirming at this moment is skipped, not waited for: its
    # own confirmation fails on the slot this one took (waiting could deadlock the two).
    booking.displaced = [
        _decline(other, by=by, reason=TIME_TAKEN)
        for other in _overlapping(
            offer, booking.starts_at, booking.ends_at, (BookingStatus.REQUESTED,)
        )
        .select_for_update(of=("self",), skip_locked=True)
        .select_related("offer", "organisation", "partnership", "offer__organisation")
        if _free_slot(offer, other.starts_at, other.ends_at) is None
    ]
    return booking


def _decline(booking: Booking, *, by: Any, reason: str) -> Booking:
    before = snapshot(booking, BOOKING_FIELDS)
    booking.status = BookingStatus.DECLINED
    booking.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="booking.decline",
        obj=booking,
        partnership=booking.partnership,
        before=before,
        after={**snapshot(booking, BOOKING_FIELDS), "reason": reason},
    )
    tell(
        [booking.organisation],
        f"Booking declined: {booking.offer.title}",
        f"{booking.offer.organisation} declined {booking}. {reason}".strip()
        + "\n\nChoose another time on the offer's page:",
        url=booking.booker_url(),
    )
    return booking


@action
def booking_decline(*, booking: Booking, by: Any, reason: str = "") -> Booking:
    booking = _lock(booking)
    if booking.status != BookingStatus.REQUESTED:
        raise ValidationError({"status": NOT_REQUESTED})
    return _decline(booking, by=by, reason=reason)


@action
def booking_cancel(*, booking: Booking, by: Any, reason: str = "") -> Booking:
    """Cancel a requested or confirmed booking. Its slot is free again, and an exchange that
    did not happen leaves the ledger."""
    booking = _lock(booking)
    if booking.status not in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED):
        raise ValidationError({"status": ALREADY_ENDED})
    before = snapshot(booking, BOOKING_FIELDS)
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    Exchange.objects.filter(booking=booking).delete()
    audit_record(
        actor=by,
        action="booking.cancel",
        obj=booking,
        partnership=booking.partnership,
        before=before,
        after={**snapshot(booking, BOOKING_FIELDS), "reason": reason},
    )
    for party, url in (
        (booking.organisation, booking.booker_url()),
        (booking.offer.organisation, booking.get_absolute_url()),
    ):
        tell(
            [party],
            f"Booking cancelled: {booking.offer.title}",
            f"{booking} was cancelled. {reason}".strip(),
            url=url,
        )
    return booking


# --- the ledger ----------------------------------------------------------------------------


@action
def exchange_record(
    *,
    by: Any,
    partnership: Partnership,
    giver: Organisation,
    receiver: Organisation,
    kind: str,
    description: str,
    on: dt.date,
    hours: Decimal | None = None,
    value_pounds: Decimal | None = None,
    offer: Offer | None = None,
    booking: Booking | None = None,
    giver_outside: bool = False,
) -> Exchange:
    """Record that `giver` gave `receiver` something within `partnership`.

    With `giver_outside`, the giver need not be a member: an offer made to every partnership
    of a hub is given into the receiver's partnership, and counts in its ledger there."""
    if giver.pk == receiver.pk:
        raise ValidationError({"receiver": NO_SELF_EXCHANGE})
    if not giver_outside:
        _require_member(partnership, giver, "giver")
    _require_member(partnership, receiver, "receiver")
    exchange = Exchange(
        partnership=partnership,
        giver=giver,
        receiver=receiver,
        kind=kind,
        description=description,
        on=on,
        hours=hours,
        value_pounds=value_pounds,
        offer=offer,
        booking=booking,
        recorded_by=person(by),
    )
    _clean(exchange)
    exchange.save()
    audit_record(
        actor=by,
        action="exchange.record",
        obj=exchange,
        partnership=partnership,
        after=snapshot(
            exchange, ["giver", "receiver", "kind", "description", "on", "hours", "value_pounds"]
        ),
    )
    return exchange


@action
def offer_give(
    *,
    offer: Offer,
    by: Any,
    receiver: Organisation,
    partnership: Partnership,
    on: dt.date,
    hours: Decimal | None = None,
    note: str = "",
) -> Exchange:
    """Record that the offering organisation gave a document, advice or other help."""
    return exchange_record(
        by=by,
        partnership=partnership,
        giver=offer.organisation,
        receiver=receiver,
        kind=offer.kind,
        description=f"{offer.title}{': ' + note if note else ''}"[:300],
        on=on,
        hours=hours,
        value_pounds=None if offer.free else offer.cost_pounds,
        offer=offer,
    )


# --- the library ---------------------------------------------------------------------------


@action
def document_add(
    *, by: Any, partnership: Partnership, owner: Organisation, title: str, **fields: Any
) -> SharedDocument:
    """Share a policy or template; with `replaces`, as a new version of an earlier one."""
    _require_member(partnership, owner, "owner")
    replaces = fields.get("replaces")
    if replaces is not None and (
        replaces.partnership_id != partnership.pk or _is_replaced(replaces)
    ):
        raise ValidationError(
            {"replaces": "Only the latest version of a document can be replaced."}
        )
    document = SharedDocument(
        partnership=partnership,
        owner=owner,
        title=title,
        added_by=person(by),
        **fields,
    )
    _clean(document)
    document.save()
    audit_record(
        actor=by,
        action="document.add",
        obj=document,
        partnership=partnership,
        after={"title": title, "version": document.version},
    )
    return document


def _is_replaced(document: SharedDocument) -> bool:
    return SharedDocument.objects.filter(replaces=document).exists()
