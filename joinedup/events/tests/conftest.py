"""A hub with three projects and an event, on top of the named characters (joinedup/conftest.py).

Cora (Riverside Mind) and Will (Hillside Food Bank) act for projects of the North hub; Lena
manages the lead. Hana coordinates the hub; Otis is the programme's officer; Olive is outside.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from joinedup.conftest import make_user
from joinedup.events import actions
from joinedup.programmes.models import Hub


@pytest.fixture
def hub_world(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    w.hana = make_user("hana@crisis-fund.example", "Hana Hub")
    Hub.objects.filter(pk=w.hub.pk).update(coordinator=w.hana)
    w.hub.refresh_from_db()
    # Ten in the morning a fortnight ahead: a start taken from the clock could run past midnight.
    ahead = timezone.localtime() + dt.timedelta(days=14)
    start = ahead.replace(hour=10, minute=0, second=0, microsecond=0)
    w.event = actions.event_create(
        by=w.hana,
        hub=w.hub,
        title="Peer support in practice",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="Riverside Hall",
        capacity=2,
        invited=["lived-experience", "commissioner"],
    )
    return w


def the_day_comes(event: Any, started: dt.timedelta = dt.timedelta(hours=1)) -> Any:
    """Move `event` to today, started an hour ago: people registered ahead, now it is on
    (attendance is confirmed only then, and it can be marked held)."""
    from joinedup.events.models import Event

    start = timezone.now() - started
    Event.objects.filter(pk=event.pk).update(
        starts_at=start, ends_at=start + (event.ends_at - event.starts_at)
    )
    event.refresh_from_db()
    return event


def register(event: Any, n: int, **kwargs: Any) -> list[Any]:
    return [
        actions.registration_create(
            by=None,
            event=event,
            name=f"Guest {i}",
            email=f"guest{i}@example.org",
            audience=kwargs.get("audience", "lived-experience"),
        )
        for i in range(n)
    ]


def events_world(w: SimpleNamespace) -> SimpleNamespace:
    """An event of the world's hub, a topic Riverside Mind asked for, and Cora's place at the
    event: for the API tests that visit every endpoint."""
    start = timezone.now() + dt.timedelta(days=14)
    e = SimpleNamespace()
    e.event = actions.event_create(
        by=None,
        hub=w.hub,
        title="Safeguarding and boundaries",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    e.topic = actions.request_topic(
        by=None, hub=w.hub, organisation=w.core_org, title="Safeguarding"
    )
    e.registration = actions.registration_create(
        by=None,
        event=e.event,
        user=w.cora,
        organisation=w.core_org,
        name=w.cora.name,
        email=w.cora.email,
    )
    return e
