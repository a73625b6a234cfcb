"""Every irreversible action asks first, on a page that works without JavaScript: the GET of
the action's URL says what will happen, and its button POSTs there (`joinedup/confirm.py`).
Nothing changes until the POST."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for
from joinedup.health import actions as health_actions
from joinedup.health.models import Round
from joinedup.meetings.models import Meeting
from joinedup.meetings.tests.helpers import core_series, meet
from joinedup.partnerships.models import Membership
from joinedup.referrals.models import Consent
from joinedup.referrals.tests.conftest import referring_world
from joinedup.resources import actions as resource_actions
from joinedup.resources.models import Booking, BookingStatus
from joinedup.resources.tests.conftest import at

UNDONE = "This cannot be undone."


def asks(client: object, url: str, *said: str) -> str:
    """The confirmation page: it names what will happen and posts back to `url`."""
    response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    page = response.content.decode()
    assert UNDONE in page and '<form method="post"' in page
    for words in said:
        assert words in page, words
    return page


def test_closing_a_health_round_asks_first(world: SimpleNamespace) -> None:
    round = health_actions.round_open(
        by=world.lena, partnership=world.partnership, closes_on=timezone.localdate()
    )
    url = reverse("health_round_close", args=[world.partnership.pk, round.pk])
    lena = client_for(world.lena)
    assert f'href="{url}"' in lena.get(round.get_absolute_url()).content.decode()
    asks(lena, url, "Close the round now?", "nobody can answer any more")
    assert Round.objects.get(pk=round.pk).is_open
    assert lena.post(url, {"confirmed": "yes"}).status_code == 302
    assert not Round.objects.get(pk=round.pk).is_open
    assert lena.get(url).status_code == 302  # closed already: nothing to ask
    assert client_for(world.stan).get(url).status_code == 403
    assert client_for(world.olive).get(url).status_code == 404


def test_recording_leaving_shows_what_will_be_recorded_first(world: SimpleNamespace) -> None:
    url = reverse("member_leave", args=[world.partnership.pk, world.wider_membership.pk])
    lena = client_for(world.lena)
    leaving = {"left_on": "2025-03-31", "reason": "Its funding ended."}
    page = lena.post(url, leaving).content.decode()
    assert UNDONE in page
    assert "Hillside Food Bank left Riverside Crisis Partnership on 31 March 2025" in page
    assert 'name="left_on" value="2025-03-31"' in page and 'name="confirmed"' in page
    assert Membership.objects.get(pk=world.wider_membership.pk).is_current
    # an invalid form is refused before anything is asked
    assert lena.post(url, {"left_on": "2025-03-31", "reason": ""}).status_code == 422
    assert lena.post(url, {**leaving, "confirmed": "yes"}).status_code == 302
    assert Membership.objects.get(pk=world.wider_membership.pk).left_on == dt.date(2025, 3, 31)


def test_cancelling_a_meeting_asks_first(world: SimpleNamespace) -> None:
    day = timezone.localdate() + dt.timedelta(days=9)
    meeting = meet(core_series(world), day)
    url = reverse("meeting_cancel", args=[world.partnership.pk, meeting.pk])
    lena = client_for(world.lena)
    assert f'href="{url}"' in lena.get(meeting.get_absolute_url()).content.decode()
    asks(lena, url, f"Cancel Core partners on {day.day} {day:%B %Y}?", "every invited")
    assert not Meeting.objects.get(pk=meeting.pk).cancelled
    assert lena.post(url).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).cancelled
    assert lena.get(url).status_code == 302
    assert client_for(world.cora).get(url).status_code == 403


def test_withdrawing_a_consent_asks_first(world: SimpleNamespace) -> None:
    referring = referring_world(world)
    consent = referring.consent
    url = reverse("consent_withdraw", args=[referring.pat.pk, consent.pk])
    stan = client_for(world.stan)
    assert f'href="{url}"' in stan.get(consent.get_absolute_url()).content.decode()
    asks(stan, url, "Withdraw the consent", "record a new consent")
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
    assert stan.post(url).status_code == 302
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    assert stan.get(url).status_code == 302
    assert client_for(world.olive).get(url).status_code == 404


def test_cancelling_a_booking_asks_first(world: SimpleNamespace) -> None:
    room = resource_actions.offer_create(
        by=world.lena,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="venue",
        title="Meeting room",
        audience="people",
    )
    booking = resource_actions.booking_request(
        by=world.will,
        offer=room,
        organisation=world.wider_org,
        partnership=world.partnership,
        starts_at=at(5, 10),
        ends_at=at(5, 12),
    )
    url = reverse("booking_cancel", args=[world.partnership.pk, booking.pk])
    # the old address of the verb is the same URL: posting to it still cancels at once
    assert url == reverse("booking_decide", args=[world.partnership.pk, booking.pk, "cancel"])
    will = client_for(world.will)
    assert f'href="{url}"' in will.get(room.get_absolute_url()).content.decode()
    asks(will, url, "Cancel the booking of “Meeting room”?", "its place is free for others")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.REQUESTED
    assert will.post(url).status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert will.get(url).status_code == 302
    assert client_for(world.olive).get(url).status_code == 404


def test_withdrawing_an_offer_asks_first(world: SimpleNamespace) -> None:
    room = resource_actions.offer_create(
        by=world.lena,
        organisation=world.lead_org,
        partnership=world.partnership,
        kind="venue",
        title="Meeting room",
        audience="people",
    )
    url = reverse("offer_withdraw", args=[world.partnership.pk, room.pk])
    lena = client_for(world.lena)
    assert f'href="{url}"' in lena.get(room.get_absolute_url()).content.decode()
    asks(lena, url, "Withdraw “Meeting room”?", "bookings already confirmed stand")
    room.refresh_from_db()
    assert room.active
    assert client_for(world.will).get(url).status_code == 403
    assert client_for(world.olive).get(url).status_code == 404
    assert lena.post(url).status_code == 302
    room.refresh_from_db()
    assert not room.active
    assert lena.get(url).status_code == 302


def test_erasing_a_person_is_its_own_page(world: SimpleNamespace) -> None:
    referring = referring_world(world)
    url = reverse("person_erase", args=[referring.pat.pk])
    page = client_for(world.lena).get(url).content.decode()
    assert "cannot be undone" in page and '<form method="post"' in page
