from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from joinedup.resources import actions
from joinedup.resources.models import Booking


def at(day: int, hour: int) -> dt.datetime:
    """A time `day` days from today at `hour` o'clock, local time."""
    base = timezone.localdate() + dt.timedelta(days=day)
    return dt.datetime.combine(base, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def room(world: SimpleNamespace) -> Any:
    """The lead's meeting room, offered to the partnership."""
    return actions.offer_create(
        by=world.lena,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="venue",
        title="Meeting room",
        capacity=12,
        availability="Weekdays 9–5",
        audience="people",
    )


def book(
    world: SimpleNamespace, offer: Any, organisation: Any, start: dt.datetime, end: dt.datetime
) -> Any:
    return actions.booking_request(
        by=None,
        offer=offer,
        organisation=organisation,
        partnership=world.partnership,
        starts_at=start,
        ends_at=end,
    )


def held_already(
    world: SimpleNamespace,
    offer: Any,
    organisation: Any,
    start: dt.datetime,
    end: dt.datetime,
    status: str = "requested",
) -> Any:
    """A booking written straight to the database, overlapping others: as data from before
    a held time refused new requests, or a race, leaves it. `booking_request` refuses it."""
    return Booking.objects.create(
        offer=offer,
        organisation=organisation,
        partnership=world.partnership,
        starts_at=start,
        ends_at=end,
        status=status,
        slot=1 if status == "confirmed" else None,
    )
