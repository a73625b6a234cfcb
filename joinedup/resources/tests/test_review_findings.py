"""Holes a review found in resource sharing, held shut."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from joinedup.conftest import api_for, client_for
from joinedup.resources import actions
from joinedup.resources.models import Booking, BookingStatus, Exchange
from joinedup.resources.tests.conftest import at, book

P = "/api/v1"
# A day within the two years ahead that bookings are taken for.
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def test_a_booking_of_an_offer_to_the_whole_hub_is_decided_by_the_offerer(
    world: SimpleNamespace,
) -> None:
    world.elsewhere.hub, world.elsewhere.programme = world.hub, world.programme
    world.elsewhere.save()
    offer = actions.offer_create(
        by=world.lena,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="venue",
        title="Hub room",
        reach="hub",
    )
    response = api_for(world.olive).post(
        f"{P}/offers/{offer.pk}/bookings",
        {
            "organisation_id": world.outside_org.pk,
            "partnership_id": world.elsewhere.pk,
            "starts_at": f"{SOON}T10:00:00Z",
            "ends_at": f"{SOON}T12:00:00Z",
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    lena = api_for(world.lena)
    assert lena.get(f"{P}/bookings/{pk}").status_code == 200
    assert lena.post(f"{P}/bookings/{pk}/confirm", {}).status_code == 200
    exchange = Exchange.objects.get(booking_id=pk)
    assert (exchange.partnership, exchange.giver, exchange.receiver) == (
        world.elsewhere,
        world.lead_org,
        world.outside_org,
    )
    # Someone in neither organisation, in Lena's partnership, still sees nothing of it.
    assert api_for(world.will).get(f"{P}/bookings/{pk}").status_code == 404


def test_the_offer_page_links_each_booking_through_its_own_partnership(
    world: SimpleNamespace,
) -> None:
    offer = actions.offer_create(
        by=world.olive,
        organisation=world.outside_org,
        partnership=world.elsewhere,
        kind="venue",
        title="Shared room",
        reach="all",
    )
    from joinedup.conftest import add_member

    add_member(world.partnership, world.outside_org)
    booking = book(world, offer, world.wider_org, at(3, 10), at(3, 11))
    page = client_for(world.olive).get(reverse("offer", args=[world.elsewhere.pk, offer.pk]))
    confirm = reverse("booking_decide", args=[world.partnership.pk, booking.pk, "confirm"])
    assert confirm in page.content.decode()
    assert client_for(world.olive).post(confirm).status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_out_of_range_dates_are_4xx(world: SimpleNamespace, room: Any) -> None:
    url = reverse("ledger", args=[world.partnership.pk])
    assert client_for(world.will).get(url, {"end": "0001-02-01"}).status_code == 422
    response = api_for(world.will).post(
        f"{P}/offers/{room.pk}/bookings",
        {
            "organisation_id": world.wider_org.pk,
            "partnership_id": world.partnership.pk,
            "starts_at": "0001-01-01T00:00:00+05:00",
            "ends_at": "0001-01-01T02:00:00+05:00",
        },
    )
    assert response.status_code == 422
    with pytest.raises(ValidationError, match="at most a year"):
        book(world, room, world.wider_org, at(3, 10), at(900, 10))
    assert not Booking.objects.exists()


def test_the_document_form_has_no_clear_box_to_trip_over(world: SimpleNamespace) -> None:
    response = client_for(world.cora).post(
        reverse("documents", args=[world.partnership.pk]),
        {
            "organisation": world.core_org.pk,
            "title": "Template",
            "kind": "template",
            "version": "1",
            "audience": "members",
            "link": "https://example.org/t",
            "file-clear": "on",
        },
    )
    assert response.status_code == 302


def test_places_cannot_be_cut_below_the_confirmed_bookings(world: SimpleNamespace) -> None:
    course = actions.offer_create(
        by=world.lena,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="training",
        title="Course",
        capacity=2,
    )
    for org in (world.core_org, world.wider_org):
        actions.booking_confirm(booking=book(world, course, org, at(3, 9), at(3, 12)), by=None)
    with pytest.raises(ValidationError, match="more places"):
        actions.offer_update(offer=course, by=world.lena, kind="venue")
    with pytest.raises(ValidationError, match="more places"):
        actions.offer_update(offer=course, by=world.lena, capacity=1)
    actions.offer_update(offer=course, by=world.lena, capacity=3)


def test_a_member_not_party_to_a_booking_is_told_it_is_not_there(
    world: SimpleNamespace, room: Any
) -> None:
    booking = book(world, room, world.wider_org, at(3, 10), at(3, 12))
    # Cora's organisation is a member of the partnership it was made in, but party to nothing.
    response = api_for(world.cora).get(f"{P}/bookings/{booking.pk}")
    assert response.status_code == 404
    assert api_for(world.will).get(f"{P}/bookings/{booking.pk}").status_code == 200
    assert api_for(world.lena).get(f"{P}/bookings/{booking.pk}").status_code == 200
