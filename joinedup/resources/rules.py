"""Who may see and do what with shared resources (found by `rules`' autodiscovery).

Offers are seen where they are offered: in their partnership, in every partnership of the
offering organisation (reach "all"), or in every partnership of the hub (reach "hub").
Staff of the offering organisation manage an offer and decide its bookings; staff of a member
organisation book it; either side may cancel. Programme officers look but do not act.
"""

from __future__ import annotations

from typing import Any

import rules

from joinedup.access import acts_for, partnerships_visible_to, standing
from joinedup.resources.models import (
    Booking,
    DocumentAudience,
    Exchange,
    Offer,
    ResourceRequest,
    SharedDocument,
)
from joinedup.resources.queries import offers_seen_in


@rules.predicate
def can_view_offer(user: Any, offer: Offer) -> bool:
    seen = partnerships_visible_to(user).values("pk")
    return offers_seen_in(seen).filter(pk=offer.pk).exists()


@rules.predicate
def acts_for_offerer(user: Any, offer: Offer) -> bool:
    return acts_for(user, offer.organisation_id)


@rules.predicate
def is_party_to_booking(user: Any, booking: Booking) -> bool:
    return acts_for(user, booking.organisation_id) or acts_for(user, booking.offer.organisation_id)


@rules.predicate
def can_view_booking(user: Any, booking: Booking) -> bool:
    """The two organisations party to it, and anyone who sees the partnership it was made in."""
    return is_party_to_booking(user, booking) or standing(user, booking.partnership).can_view


@rules.predicate
def decides_booking(user: Any, booking: Booking) -> bool:
    return acts_for(user, booking.offer.organisation_id)


@rules.predicate
def can_view_request(user: Any, request: ResourceRequest) -> bool:
    return standing(user, request.partnership).can_view


@rules.predicate
def acts_for_requester(user: Any, request: ResourceRequest) -> bool:
    return acts_for(user, request.organisation_id)


@rules.predicate
def can_view_exchange(user: Any, exchange: Exchange) -> bool:
    return standing(user, exchange.partnership).can_view


@rules.predicate
def can_view_document(user: Any, document: SharedDocument) -> bool:
    seen = standing(user, document.partnership)
    if document.audience == DocumentAudience.CORE:
        return seen.can_view_core or acts_for(user, document.owner_id)
    return seen.can_view


@rules.predicate
def acts_for_owner(user: Any, document: SharedDocument) -> bool:
    return acts_for(user, document.owner_id)


rules.add_perm("resources.view_offer", can_view_offer)
rules.add_perm("resources.change_offer", acts_for_offerer)
rules.add_perm("resources.view_booking", can_view_booking)
rules.add_perm("resources.cancel_booking", is_party_to_booking)
rules.add_perm("resources.decide_booking", decides_booking)
rules.add_perm("resources.view_resourcerequest", can_view_request)
rules.add_perm("resources.change_resourcerequest", acts_for_requester)
rules.add_perm("resources.view_exchange", can_view_exchange)
rules.add_perm("resources.view_shareddocument", can_view_document)
rules.add_perm("resources.change_shareddocument", acts_for_owner)
