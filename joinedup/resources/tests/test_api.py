"""Sharing resources through the API, under the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from joinedup.conftest import api_for
from joinedup.resources.models import Booking, Exchange

PREFIX = "/api/v1"
# A day within the two years ahead that bookings are taken for.
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def test_offer_book_confirm_and_see_it_in_the_ledger(world: SimpleNamespace) -> None:
    lena, will = api_for(world.lena), api_for(world.will)
    offer = lena.post(
        f"{PREFIX}/partnerships/{world.partnership.pk}/offers",
        {
            "organisation_id": world.lead_org.pk,
            "kind": "venue",
            "title": "Interview room",
            "capacity": 4,
        },
    )
    assert offer.status_code == 201, offer.json()
    booking = will.post(
        f"{PREFIX}/offers/{offer.json()['id']}/bookings",
        {
            "organisation_id": world.wider_org.pk,
            "partnership_id": world.partnership.pk,
            "starts_at": f"{SOON}T10:00:00+00:00",
            "ends_at": f"{SOON}T12:00:00+00:00",
        },
    )
    assert booking.status_code == 201, booking.json()
    pk = booking.json()["id"]
    assert will.post(f"{PREFIX}/bookings/{pk}/confirm", {}).status_code == 403
    confirmed = lena.post(f"{PREFIX}/bookings/{pk}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    ledger = will.get(f"{PREFIX}/partnerships/{world.partnership.pk}/ledger").json()
    assert ledger["count"] == 1
    entry = ledger["items"][0]
    assert (entry["giver"]["name"], entry["receiver"]["name"], entry["hours"]) == (
        "Riverside Citizens Advice",
        "Hillside Food Bank",
        "2.0",
    )
    # The same time again: the room is taken.
    again = api_for(world.cora).post(
        f"{PREFIX}/offers/{offer.json()['id']}/bookings",
        {
            "organisation_id": world.core_org.pk,
            "partnership_id": world.partnership.pk,
            "starts_at": "2030-03-04T11:00:00+00:00",
            "ends_at": "2030-03-04T13:00:00+00:00",
        },
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "starts_at"


def test_one_acts_only_for_ones_own_organisation(world: SimpleNamespace) -> None:
    response = api_for(world.will).post(
        f"{PREFIX}/partnerships/{world.partnership.pk}/offers",
        {"organisation_id": world.lead_org.pk, "kind": "venue", "title": "Not mine"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_id"
    response = api_for(world.will).post(
        f"{PREFIX}/partnerships/{world.partnership.pk}/ledger",
        {
            "giver_id": world.lead_org.pk,
            "receiver_id": world.wider_org.pk,
            "kind": "expertise",
            "description": "Advice",
            "on": "2025-01-01",
        },
    )
    assert response.status_code == 422
    assert not Exchange.objects.exists()


def test_naive_times_and_unknown_fields_are_refused(world: SimpleNamespace) -> None:
    from joinedup.resources import actions

    room = actions.offer_create(
        by=None,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="venue",
        title="Room",
    )
    response = api_for(world.will).post(
        f"{PREFIX}/offers/{room.pk}/bookings",
        {
            "organisation_id": world.wider_org.pk,
            "partnership_id": world.partnership.pk,
            "starts_at": "2030-03-04T10:00:00",
            "ends_at": "2030-03-04T12:00:00",
            "colour": "red",
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"starts_at", "ends_at", "colour"}
    assert not Booking.objects.exists()
