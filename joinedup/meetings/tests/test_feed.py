"""Calendar feeds: RFC 5545 behind a secret link, a stable UID, SEQUENCE and cancellations."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from joinedup.conftest import client_for
from joinedup.meetings import actions
from joinedup.meetings.models import FeedToken
from joinedup.meetings.tests.helpers import at, days_from_today, meetings_world


def feed(raw: str) -> Calendar:
    response = Client().get(reverse("calendar_feed", args=[raw]))  # no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_feed_parses_and_matches_the_meetings(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    raw = actions.feed_token_reset(user=world.cora, partnership=world.partnership)
    found = events(feed(raw))
    expected = {m.past, m.next, m.wider_meeting}
    assert set(found) == {f"{x.uid}@joinedup" for x in expected}
    event = found[f"{m.next.uid}@joinedup"]
    assert event["DTSTART"].dt == m.next.starts_at  # type: ignore[index]
    assert event["DTEND"].dt == m.next.ends_at  # type: ignore[index]
    assert str(event["LOCATION"]) == "Riverside Community Centre"  # type: ignore[index]
    assert event["STATUS"] == "CONFIRMED"  # type: ignore[index]
    assert "Referrals" in str(event["DESCRIPTION"])  # type: ignore[index]


def test_a_changed_meeting_keeps_its_uid_and_a_cancelled_one_is_sent_cancelled(
    world: SimpleNamespace,
) -> None:
    m = meetings_world(world)
    raw = actions.feed_token_reset(user=world.cora)
    uid = f"{m.next.uid}@joinedup"
    assert events(feed(raw))[uid]["SEQUENCE"] == 0  # type: ignore[index]
    day = days_from_today(16)
    actions.meeting_change(
        by=world.lena,
        meeting=m.next,
        starts_at=at(day, 14),
        ends_at=at(day, 16),
        purpose="review",
        place="Town Hall",
    )
    changed = events(feed(raw))[uid]
    assert changed["SEQUENCE"] == 1  # type: ignore[index]
    assert changed["DTSTART"].dt == at(day, 14)  # type: ignore[index]
    assert str(changed["LOCATION"]) == "Town Hall"  # type: ignore[index]
    actions.meeting_cancel(by=world.lena, meeting=m.next)
    cancelled = events(feed(raw))[uid]
    assert cancelled["STATUS"] == "CANCELLED"  # type: ignore[index]
    assert cancelled["SEQUENCE"] == 2  # type: ignore[index]


def test_a_wider_partner_gets_only_the_meetings_it_is_invited_to(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    raw = actions.feed_token_reset(user=world.will)
    assert set(events(feed(raw))) == {f"{m.wider_meeting.uid}@joinedup"}


def test_a_wrong_or_reset_token_is_404(world: SimpleNamespace) -> None:
    meetings_world(world)
    old = actions.feed_token_reset(user=world.cora, partnership=world.partnership)
    new = actions.feed_token_reset(user=world.cora, partnership=world.partnership)
    assert Client().get(reverse("calendar_feed", args=[old])).status_code == 404
    assert Client().get(reverse("calendar_feed", args=["not-a-token"])).status_code == 404
    assert Client().get(reverse("calendar_feed", args=[new])).status_code == 200
    assert FeedToken.objects.filter(user=world.cora).count() == 1
    assert not FeedToken.objects.filter(token_hash=new).exists()  # only the hash is kept


def test_a_partnership_feed_stops_when_the_person_can_no_longer_see_it(
    world: SimpleNamespace,
) -> None:
    import datetime as dt

    from joinedup.partnerships import actions as partnership_actions

    meetings_world(world)
    raw = actions.feed_token_reset(user=world.will, partnership=world.partnership)
    partnership_actions.membership_end(
        by=world.lena, membership=world.wider_membership, left_on=dt.date(2025, 1, 1), reason="x"
    )
    assert Client().get(reverse("calendar_feed", args=[raw])).status_code == 404


def test_the_calendar_page_makes_a_link_shown_once(world: SimpleNamespace) -> None:
    client = client_for(world.cora)
    url = reverse("calendar", args=[world.partnership.pk])
    assert client.post(url, {"scope": "everything"}).status_code == 422
    page = client.post(url, {"scope": "partnership"}).content.decode()
    assert "/calendar/" in page and ".ics" in page
    link = page.split("<code>")[1].split("</code>")[0]
    assert Client().get(link.replace("http://testserver", "")).status_code == 200
    again = client.get(url).content.decode()
    assert "Copy it now" not in again and link not in again  # shown once
    assert "a link was made" in again
