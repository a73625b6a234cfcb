"""The events pages: who sees what (the access matrix), what forms do, and query budgets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import api_for, client_for
from joinedup.events import actions
from joinedup.events.models import (
    Event,
    Notes,
    Registration,
    RegistrationStatus,
    TopicRequest,
    TopicVote,
)
from joinedup.events.tests.conftest import register, the_day_comes
from joinedup.jobs.models import OutgoingMessage
from joinedup.learning.models import Framework, Theme

SEES = ["hana", "otis", "lena", "stan", "cora", "will"]


def urls(w):
    topic = actions.request_topic(by=w.cora, hub=w.hub, organisation=w.core_org, title="Peer work")
    return [
        reverse("hub_learning", args=[w.hub.pk]),
        reverse("event", args=[w.event.pk]),
        reverse("event_ics", args=[w.event.pk]),
        reverse("topic_request", args=[topic.pk]),
    ]


@pytest.mark.parametrize("character", [*SEES, "olive"])
def test_the_hub_sees_its_events_and_requests_and_an_outsider_nothing(hub_world, character):
    client = client_for(getattr(hub_world, character))
    for url in urls(hub_world):
        assert client.get(url).status_code == (200 if character in SEES else 404), url


@pytest.mark.parametrize(
    ("character", "status"), [("hana", 200), ("otis", 200), ("lena", 403), ("cora", 403)]
)
def test_only_those_who_run_the_hub_add_events_and_write_notes(hub_world, character, status):
    client = client_for(getattr(hub_world, character))
    assert client.get(reverse("event_new", args=[hub_world.hub.pk])).status_code == status
    for name in ("event_notes", "event_edit", "event_cancel"):
        assert client.get(reverse(name, args=[hub_world.event.pk])).status_code == status


def test_a_sessions_notes_are_written_read_back_and_a_stale_save_is_merged(hub_world):
    w = hub_world
    session = actions.session_schedule(by=w.hana, event=w.event, title="Boundaries")
    url = reverse("session_notes", args=[w.event.pk, session.pk])
    hana, otis = client_for(w.hana), client_for(w.otis)
    first = {"text": "We agreed a shared script.", "materials": "https://example.org/s.pdf"}
    assert hana.post(url, {**first, "version": ""}).status_code == 302
    page = client_for(w.cora).get(reverse("event", args=[w.event.pk])).content.decode()
    assert "We agreed a shared script." in page and "https://example.org/s.pdf" in page
    assert url in hana.get(reverse("event", args=[w.event.pk])).content.decode()
    # Otis saves on version 1; Hana, also from version 1, is shown both to merge.
    saved = otis.post(url, {"text": "Otis's notes", "materials": "", "version": 1})
    assert saved.status_code == 302
    stale = hana.post(url, {"text": "Hana's notes", "materials": "", "version": 1})
    assert stale.status_code == 409 and "Otis&#x27;s notes" in stale.content.decode()
    notes = Notes.objects.get(session=session)
    assert (notes.version, notes.text) == (2, "Otis's notes")
    assert Notes.objects.filter(event=w.event, session=None).count() == 0  # not the event's
    assert client_for(w.cora).get(url).status_code == 403
    assert client_for(w.olive).get(url).status_code == 404
    other = actions.event_create(
        by=w.hana, hub=w.hub, title="Other", starts_at=w.event.starts_at, ends_at=w.event.ends_at
    )
    assert hana.get(reverse("session_notes", args=[other.pk, session.pk])).status_code == 404


def test_the_coordinator_adds_an_event_and_a_bad_time_is_named(hub_world):
    url = reverse("event_new", args=[hub_world.hub.pk])
    form = {
        "title": "Open space",
        "format": "open-space",
        "starts_at": "2030-05-01T10:00",
        "ends_at": "2030-05-01T09:00",
        "capacity": "20",
        "invited": ["local-network"],
    }
    bad = client_for(hub_world.hana).post(url, form)
    assert bad.status_code == 422 and "An event must end after it starts." in bad.content.decode()
    made = client_for(hub_world.hana).post(url, {**form, "ends_at": "2030-05-01T15:00"})
    event = Event.objects.get(title="Open space")
    assert made.status_code == 302 and event.invited == ["local-network"]


def test_a_guest_sees_only_their_own_registration(hub_world):
    guest, other = register(hub_world.event, 2)
    anonymous = Client()
    page = anonymous.get(actions.manage_link(guest))
    assert page.status_code == 200 and guest.code in page.content.decode()
    assert other.name not in page.content.decode()
    # Not the event's page, nor another's registration, nor a forged link.
    assert anonymous.get(reverse("event", args=[hub_world.event.pk])).status_code == 302
    assert anonymous.get(reverse("registration_manage", args=[f"{other.pk}:x"])).status_code == 404
    # "Cancel my place" asks first, then says it is done.
    asked = anonymous.post(actions.manage_link(guest), {"do": "cancel"})
    assert asked.status_code == 200 and "Cancel your place?" in asked.content.decode()
    guest.refresh_from_db()
    assert guest.status == RegistrationStatus.REGISTERED
    done = anonymous.post(actions.manage_link(guest), {"do": "cancel", "confirmed": "yes"})
    assert done.status_code == 302
    assert "Your place is cancelled." in anonymous.get(done["Location"]).content.decode()
    guest.refresh_from_db()
    assert guest.status == RegistrationStatus.CANCELLED


def test_an_attending_guest_gives_feedback_through_their_link(hub_world):
    (guest,) = register(hub_world.event, 1)
    the_day_comes(hub_world.event)
    actions.attendance_confirm(by=hub_world.hana, registration=guest)  # at the door
    actions.event_held(by=hub_world.hana, event=hub_world.event)
    link = actions.manage_link(guest)
    assert "Feedback (anonymous)" in Client().get(link).content.decode()
    sent = Client().post(link, {"do": "feedback", "rating": "5", "do_differently": "Listen"})
    assert sent.status_code == 302
    assert "Thank you for your feedback" in Client().get(link).content.decode()


def _sent_to(address):
    return list(OutgoingMessage.objects.filter(to=[address]).order_by("pk"))


def _link_in(message, name):
    path = reverse(name, args=["x"]).rsplit("x/", 1)[0]
    found = re.search(rf"{re.escape(path)}\S+/", message.body)
    assert found is not None, message.body
    return found.group(0)


def test_a_guest_has_a_place_only_once_they_confirm_their_address(hub_world, monkeypatch):
    url = reverse("event_join", args=[hub_world.event.pk])
    bad = Client().post(url, {"name": "Ada", "email": "not-an-email", "audience": "commissioner"})
    assert bad.status_code == 422 and "valid email" in bad.content.decode()
    form = {"name": "Ada", "email": "ada@council.example", "audience": "commissioner"}
    made = Client().post(url, form)
    assert made.status_code == 302 and made["Location"].endswith("/join/sent/")
    reg = Registration.objects.get(email="ada@council.example")
    # Pending: no place is held, nothing the organisers see, no page of its own.
    assert reg.status == RegistrationStatus.PENDING and reg.user is None
    assert (
        "Ada"
        not in client_for(hub_world.hana).get(hub_world.event.get_absolute_url()).content.decode()
    )
    assert Client().get(actions.manage_link(reg)).status_code == 404
    taken = register(hub_world.event, 2)  # the event's two places go to those who confirmed
    assert {r.status for r in taken} == {RegistrationStatus.REGISTERED}
    (first,) = _sent_to("ada@council.example")
    old_link = _link_in(first, "registration_confirm")
    # Typed again (by her, or by someone else): the newest details, and only the newest link.
    Client().post(url, {**form, "name": "Ada Lovell"})
    link = _link_in(_sent_to("ada@council.example")[-1], "registration_confirm")
    assert Client().get(old_link).status_code == 404
    page = Client().get(link)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200 and "Ada Lovell" in page.content.decode()
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.PENDING
    confirmed = Client().post(link)
    reg.refresh_from_db()
    assert confirmed.status_code == 302
    assert actions.registration_from_link(confirmed["Location"].split("/")[-2]) == reg.pk
    assert reg.status == RegistrationStatus.WAITING and reg.listed is False
    # Followed again, the used link leads to the registration.
    again = Client().get(link).content.decode()
    to = re.search(r'href="/events/registration/([^/"]+)/"', again)  # signed: its time varies
    assert "Already confirmed" in again and to is not None
    assert actions.registration_from_link(to.group(1)) == reg.pk
    # A link not followed within the time lapses.
    Client().post(url, {**form, "email": "late@council.example"})
    late = _link_in(_sent_to("late@council.example")[-1], "registration_confirm")
    monkeypatch.setattr(actions, "PENDING_HOURS", 0)
    assert Client().post(late).status_code == 404
    assert Registration.objects.get(email="late@council.example").status == "pending"
    # …and is deleted at the next registration on the guest page.
    Client().post(url, {**form, "email": "next@council.example"})
    assert not Registration.objects.filter(email="late@council.example").exists()


def test_the_guest_page_says_the_same_whether_an_address_is_registered(hub_world):
    w = hub_world
    (known,) = register(w.event, 1)  # guest0@example.org, registered
    url = reverse("event_join", args=[w.event.pk])
    answers = [
        Client().post(url, {"name": "X", "email": email, "audience": "lived-experience"})
        for email in ("GUEST0@example.org", "new@example.org")
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    # The owner of the registered address is sent the link to their registration: not
    # blocked, and nothing of theirs changed.
    told = _sent_to("guest0@example.org")[-1]
    assert actions.manage_link(known) in told.body and "registered already" in told.body
    known.refresh_from_db()
    assert (known.name, known.status) == ("Guest 0", RegistrationStatus.REGISTERED)
    # A member's own registration clears a guest registration never confirmed for her address.
    Client().post(url, {"name": "Not Cora", "email": w.cora.email, "audience": "commissioner"})
    done = client_for(w.cora).post(
        w.event.get_absolute_url(), {"do": "register", "organisation": w.core_org.pk}
    )
    assert done.status_code == 302
    assert Registration.objects.get(email=w.cora.email).user == w.cora


def test_the_guest_page_is_throttled_per_client_and_per_address_emailed(hub_world):
    url = reverse("event_join", args=[hub_world.event.pk])
    form = {"name": "X", "audience": "commissioner"}
    answers = [
        Client().post(url, {**form, "email": f"g{i}@example.org"}, REMOTE_ADDR="10.0.0.1")
        for i in range(11)
    ]
    assert [a.status_code for a in answers] == [302] * 10 + [429]
    assert "Too many registrations" in answers[-1].content.decode()
    for i in range(5):  # from five addresses: three emails a day to one address at most
        Client().post(url, {**form, "email": "target@example.org"}, REMOTE_ADDR=f"10.0.1.{i}")
    assert len(_sent_to("target@example.org")) == 3


def test_an_event_without_guests_has_no_guest_page(hub_world):
    hub_world.event.invited = []
    hub_world.event.save()
    assert Client().get(reverse("event_join", args=[hub_world.event.pk])).status_code == 404


def test_a_member_registers_and_the_attendee_list_shows_only_who_opted_in(hub_world):
    w = hub_world
    cora = client_for(w.cora)
    page = cora.post(
        reverse("event", args=[w.event.pk]),
        {"do": "register", "organisation": w.core_org.pk, "access_needs": "Step-free"},
    )
    assert page.status_code == 302
    said = cora.get(page["Location"]).content.decode()
    assert "Registered: a place is yours." in said and "Saved." not in said
    register(w.event, 1)  # a guest with lived experience, not listed by default
    body = client_for(w.will).get(reverse("event", args=[w.event.pk])).content.decode()
    assert "Cora Core" not in body and "Guest 0" not in body and "Step-free" not in body
    # The organiser sees registrations, access needs included.
    body = client_for(w.hana).get(reverse("event", args=[w.event.pk])).content.decode()
    assert "Step-free" in body and "Guest 0" in body
    # Cancelling her place asks Cora first.
    asked = cora.post(reverse("event", args=[w.event.pk]), {"do": "cancel"})
    assert "Cancel your place?" in asked.content.decode()
    assert Registration.objects.get(user=w.cora).status == RegistrationStatus.REGISTERED


def test_a_vote_over_the_budget_is_refused_on_the_page(hub_world):
    w = hub_world
    topics = [
        actions.request_topic(by=w.lena, hub=w.hub, organisation=w.lead_org, title=f"T{i}")
        for i in range(actions.VOTE_BUDGET + 1)
    ]
    client = client_for(w.cora)
    for t in topics:
        response = client.post(
            reverse("topic_request", args=[t.pk]), {"do": "vote", "organisation": w.core_org.pk}
        )
    assert response.status_code == 422 and "used all 5" in response.content.decode()
    assert TopicVote.objects.filter(organisation=w.core_org).count() == actions.VOTE_BUDGET
    # An outsider's organisation cannot be used to vote, and Olive sees no request.
    assert (
        client_for(w.olive)
        .post(reverse("topic_request", args=[topics[0].pk]), {"do": "vote", "organisation": 1})
        .status_code
        == 404
    )


def test_a_project_asks_for_a_topic_tagged_with_the_frameworks_themes(hub_world):
    w = hub_world
    old = Framework.objects.create(programme=w.programme, version=1)
    Theme.objects.create(framework=old, name="Old theme")
    current = Framework.objects.create(programme=w.programme, version=2)
    funding = Theme.objects.create(framework=current, name="Sustainability and funding")
    url = reverse("topic_request_new", args=[w.hub.pk])
    page = client_for(w.will).get(url).content.decode()
    assert "Sustainability and funding" in page and "Old theme" not in page
    response = client_for(w.will).post(
        url, {"organisation": w.wider_org.pk, "title": "Future funding", "themes": [funding.pk]}
    )
    topic = TopicRequest.objects.get(title="Future funding")
    assert response.status_code == 302 and list(topic.requesters.all()) == [w.wider_org]
    assert list(topic.themes.all()) == [funding]
    # The officer acts for no project of the hub: asks for nothing.
    assert client_for(w.otis).get(reverse("topic_request_new", args=[w.hub.pk])).status_code == 403


def test_the_calendar_entry_is_rfc_5545(hub_world):
    body = client_for(hub_world.cora).get(reverse("event_ics", args=[hub_world.event.pk]))
    text = body.content.decode()
    assert body["Content-Type"] == "text/calendar"
    assert "BEGIN:VEVENT" in text and f"UID:event-{hub_world.event.uid}@joinedup" in text


def test_a_place_at_an_event_is_in_the_persons_calendar_feed(hub_world):
    from icalendar import Calendar

    from joinedup.meetings import actions as meeting_actions

    w = hub_world
    actions.registration_create(
        by=w.cora, event=w.event, user=w.cora, name="Cora Core", email=w.cora.email
    )
    raw = meeting_actions.feed_token_reset(user=w.cora)
    feed = Calendar.from_ical(Client().get(reverse("calendar_feed", args=[raw])).content)
    uids = [str(c["UID"]) for c in feed.walk("VEVENT")]
    assert f"event-{w.event.uid}@joinedup" in uids


def _grow(w, n):
    start = timezone.now() + dt.timedelta(days=30)
    for i in range(n):
        event = actions.event_create(
            by=w.hana,
            hub=w.hub,
            title=f"Event {i}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            capacity=5,
        )
        t = actions.request_topic(by=w.cora, hub=w.hub, organisation=w.core_org, title=f"R{i}")
        actions.session_schedule(by=w.hana, event=event, request=t)
        actions.request_topic(by=w.will, hub=w.hub, organisation=w.wider_org, title=f"Q{i}")
        actions.registration_create(
            by=None, event=event, name="G", email=f"g{i}@x.example", audience="member", user=w.will
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_pages_keep_their_query_count_as_data_grows(hub_world):
    """The hub's learning page (session, user, hub, its events, the requests and their
    requesters and themes, votes left per project, networking) and an event's page keep a fixed
    number of queries however many events, requests and registrations there are."""
    w = hub_world
    client = client_for(w.hana)
    pages = [reverse("hub_learning", args=[w.hub.pk]), reverse("event", args=[w.event.pk])]
    _grow(w, 1)
    before = [_count(client, url) for url in pages]
    _grow(w, 5)
    register(w.event, 4)
    assert [_count(client, url) for url in pages] == before


def test_the_venue_code_is_the_organisers_and_held_waits_for_the_start(hub_world):
    w = hub_world
    (guest,) = register(w.event, 1)
    client_for(w.cora).post(
        w.event.get_absolute_url(), {"do": "register", "organisation": w.core_org.pk}
    )
    url = w.event.get_absolute_url()
    organiser = client_for(w.hana).get(url).content.decode()
    assert w.event.venue_code in organiser and "Mark as held" not in organiser
    refused = client_for(w.hana).post(url, {"do": "held"}, follow=True)
    assert "once it has started" in refused.content.decode()
    the_day_comes(w.event)
    assert "Mark as held" in client_for(w.hana).get(url).content.decode()
    # Attendees see their own code and never the venue's: not on their pages, not by email.
    cora_page = client_for(w.cora).get(url).content.decode()
    assert "Code shown at the venue" in cora_page and w.event.venue_code not in cora_page
    assert w.event.venue_code not in Client().get(actions.manage_link(guest)).content.decode()
    assert not OutgoingMessage.objects.filter(body__contains=w.event.venue_code).exists()
    # Cora gives it; the organiser types the guest's own code at the door.
    assert (
        client_for(w.cora).post(url, {"do": "code", "code": w.event.venue_code}).status_code == 302
    )
    assert client_for(w.hana).post(url, {"do": "door", "code": guest.code}).status_code == 302
    assert Registration.objects.filter(attended_at__isnull=False).count() == 2


def test_an_organiser_changes_an_event_and_cancels_it_after_asking(hub_world):
    w = hub_world
    edit, cancel = (reverse(n, args=[w.event.pk]) for n in ("event_edit", "event_cancel"))
    for character, status in (("cora", 403), ("olive", 404)):
        for url in (edit, cancel):
            assert client_for(getattr(w, character)).get(url).status_code == status
    hana = client_for(w.hana)
    page = hana.get(edit).content.decode()
    start = timezone.localtime(w.event.starts_at)
    assert f'value="{start:%Y-%m-%dT%H:%M}"' in page
    register(w.event, 2)
    form = {
        "title": "Peer support, in practice",
        "format": "workshop",
        "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "ends_at": f"{start + dt.timedelta(hours=3):%Y-%m-%dT%H:%M}",
        "place": "Hillside Hall",
        "capacity": "1",
    }
    refused = hana.post(edit, form)
    assert refused.status_code == 422 and "2 people have a place" in refused.content.decode()
    assert hana.post(edit, {**form, "capacity": "2"}).status_code == 302
    w.event.refresh_from_db()
    assert (w.event.title, w.event.place) == ("Peer support, in practice", "Hillside Hall")
    changed = OutgoingMessage.objects.filter(subject__contains="Changed:")
    assert sorted(m.to for m in changed) == [["guest0@example.org"], ["guest1@example.org"]]
    # Cancelling asks first; the question changes nothing.
    asked = hana.get(cancel)
    assert asked.status_code == 200 and "cannot be undone" in asked.content.decode()
    assert "The 2 people registered or waiting will be emailed" in asked.content.decode()
    w.event.refresh_from_db()
    assert w.event.status == "planned"
    unsaid = hana.post(cancel, {"confirmed": "yes"})  # the reason goes in every email
    assert unsaid.status_code == 422 and "Say why the event is cancelled" in unsaid.content.decode()
    assert hana.post(cancel, {"reason": "The hall is flooded."}).status_code == 302
    w.event.refresh_from_db()
    assert w.event.status == "cancelled"


def test_take_our_vote_back_shows_only_with_a_vote(hub_world):
    w = hub_world
    topic = actions.request_topic(by=w.lena, hub=w.hub, organisation=w.lead_org, title="Data")
    url = reverse("topic_request", args=[topic.pk])
    will = client_for(w.will)
    assert "Take our vote back" not in will.get(url).content.decode()
    will.post(url, {"do": "vote", "organisation": w.wider_org.pk})
    page = will.get(url).content.decode()
    assert "Take our vote back" in page and ">Support it<" not in page
    assert f"{w.wider_org.name} supports this topic, and has 4 votes left" in page
    assert f"{w.wider_org.name}: 4 votes left in this hub" in page
    assert will.post(url, {"do": "unvote", "organisation": w.wider_org.pk}).status_code == 302
    assert not TopicVote.objects.exists()
    # The requester's own people are told their request counts; a vote is refused.
    lena = client_for(w.lena)
    assert "its request already counts" in lena.get(url).content.decode()
    own = lena.post(url, {"do": "vote", "organisation": w.lead_org.pk})
    assert own.status_code == 422 and "asked for this topic" in own.content.decode()


def test_connections_show_only_from_five_answers(hub_world):
    w = hub_world
    reg = actions.registration_create(
        by=w.cora,
        event=w.event,
        user=w.cora,
        organisation=w.core_org,
        name="Cora",
        email=w.cora.email,
    )
    the_day_comes(w.event)
    actions.attendance_confirm(by=w.cora, registration=reg, venue_code=w.event.venue_code)
    actions.event_held(by=w.hana, event=w.event)
    answered = client_for(w.cora).post(
        reverse("event_feedback", args=[w.event.pk]),
        {"rating": "4", "connected_with": [w.wider_org.pk]},
    )
    assert answered.status_code == 302
    body = client_for(w.will).get(w.event.get_absolute_url()).content.decode()
    assert "0 attendees answered" in body and "connection" not in body
    feedback = api_for(w.will).get(f"/api/v1/events/{w.event.pk}/feedback").json()
    assert feedback["answered"] == 0 and feedback["connections"] is None


def test_the_guest_page_counts_an_ipv6_connection_by_its_64(hub_world):
    url = reverse("event_join", args=[hub_world.event.pk])
    form = {"name": "X", "audience": "commissioner"}
    answers = [
        Client().post(url, {**form, "email": f"v{i}@example.org"}, REMOTE_ADDR=f"2001:db8::{i:x}")
        for i in range(11)
    ]
    assert [a.status_code for a in answers] == [302] * 10 + [429]
    other = Client().post(url, {**form, "email": "w@example.org"}, REMOTE_ADDR="2001:db8:0:1::1")
    assert other.status_code == 302  # another /64


def test_a_guest_confirms_every_detail_and_nobody_else_changes_them(hub_world):
    w = hub_world
    url = reverse("event_join", args=[w.event.pk])
    # Someone who knows Ada's address types it with a listing she did not choose.
    Client().post(
        url,
        {
            "name": "Ada",
            "email": "ada@council.example",
            "audience": "commissioner",
            "listed": "on",
            "access_needs": "Hearing loop",
        },
    )
    link = _link_in(_sent_to("ada@council.example")[-1], "registration_confirm")
    page = Client().get(link).content.decode()
    assert "Hearing loop" in page and "Listed" in page and 'name="listed"' in page
    assert Client().post(link, {}).status_code == 302  # she unticks it as she confirms
    reg = Registration.objects.get(email="ada@council.example")
    assert reg.status == RegistrationStatus.REGISTERED and reg.listed is False
    # Typed again once confirmed, nothing of hers changes.
    Client().post(
        url,
        {
            "name": "Mallory",
            "email": "ada@council.example",
            "audience": "commissioner",
            "listed": "on",
            "access_needs": "None",
        },
    )
    reg.refresh_from_db()
    assert (reg.name, reg.listed, reg.access_needs) == ("Ada", False, "Hearing loop")
    # On her own page she lists her name later.
    manage = actions.manage_link(reg)
    assert Client().post(manage, {"do": "listed", "listed": "on"}).status_code == 302
    reg.refresh_from_db()
    assert reg.listed is True


def test_a_refused_check_in_or_cancel_says_why_on_the_page(hub_world):
    w = hub_world
    mine = actions.registration_create(
        by=w.cora,
        event=w.event,
        user=w.cora,
        organisation=w.core_org,
        name="Cora",
        email=w.cora.email,
    )
    (guest,) = register(w.event, 1)
    # Weeks ahead: the code form is not shown, but a code sent anyway is refused, saying why.
    page = client_for(w.cora).post(
        w.event.get_absolute_url(), {"do": "code", "code": w.event.venue_code}
    )
    assert page.status_code == 422 and "only while the event is on" in page.content.decode()
    manage = actions.manage_link(guest)
    page = Client().post(manage, {"do": "code", "code": w.event.venue_code})
    assert page.status_code == 422 and "checked in at the door" in page.content.decode()
    # Once held, a place is no longer cancelled: the page says so.
    the_day_comes(w.event)
    actions.event_held(by=w.hana, event=w.event)
    done = client_for(w.cora).post(w.event.get_absolute_url(), {"do": "cancel"}, follow=True)
    assert "can no longer be cancelled" in done.content.decode()
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.REGISTERED


def test_a_topic_is_scheduled_at_a_new_event_made_from_its_page(hub_world):
    w = hub_world
    topic = actions.request_topic(
        by=w.cora, hub=w.hub, organisation=w.core_org, title="Peer work", description="How to"
    )
    hana = client_for(w.hana)
    url = f"{reverse('event_new', args=[w.hub.pk])}?topic={topic.pk}"
    assert f'href="{url}"' in hana.get(topic.get_absolute_url()).content.decode()
    assert 'value="Peer work"' in hana.get(url).content.decode()  # filled in from the request
    start = timezone.localtime() + dt.timedelta(days=20)
    made = hana.post(
        url,
        {
            "title": "Peer work day",
            "format": "workshop",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}",
            "capacity": "10",
        },
    )
    assert made.status_code == 302
    topic.refresh_from_db()
    assert topic.status == "scheduled" and topic.session is not None
    assert topic.session.event.title == "Peer work day"
    assert hana.get(url).status_code == 302  # scheduled now: back to the topic, which says so
    assert hana.get(f"{reverse('event_new', args=[w.hub.pk])}?topic=x").status_code == 404


def test_a_cancelled_event_says_so_and_hides_what_was_for_coming(hub_world):
    w = hub_world
    (guest,) = register(w.event, 1)
    actions.event_cancel(by=w.hana, event=w.event, reason="The hall is flooded.")
    organiser = client_for(w.hana).get(w.event.get_absolute_url()).content.decode()
    assert "This event was cancelled." in organiser and "Cancelled with the event" in organiser
    for gone in (w.event.venue_code, "Add to calendar", reverse("event_join", args=[w.event.pk])):
        assert gone not in organiser, gone
    joining = Client().get(reverse("event_join", args=[w.event.pk])).content.decode()
    assert "This event was cancelled." in joining and "Registration is not open" not in joining
    mine = Client().get(actions.manage_link(guest)).content.decode()
    assert "Cancelled with the event" in mine and guest.code not in mine


def test_the_guest_form_preselects_nothing_and_a_guest_changes_their_details(hub_world):
    w = hub_world
    url = reverse("event_join", args=[w.event.pk])
    choices = Client().get(url).content.decode()
    assert 'value="" selected>Choose one' in choices
    assert not re.search(r'value="\w\S*" selected', choices)
    unsaid = Client().post(url, {"name": "Ada", "email": "ada@council.example"})
    assert unsaid.status_code == 422 and "Choose what you are coming as." in unsaid.content.decode()
    assert not Registration.objects.exists()
    (guest,) = register(w.event, 1)
    link = actions.manage_link(guest)
    page = Client().get(link).content.decode()
    end = timezone.localtime(w.event.ends_at)
    assert f"to {end:%H:%M}" in page  # the end as well as the start
    changed = Client().post(link, {"do": "details", "access_needs": "Step-free"})
    assert changed.status_code == 302
    guest.refresh_from_db()
    assert guest.access_needs == "Step-free"


def test_an_event_that_runs_past_midnight_names_the_day_it_ends(hub_world):
    w = hub_world
    start = timezone.localtime(w.event.starts_at).replace(hour=22, minute=0)
    Event.objects.filter(pk=w.event.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    w.event.refresh_from_db()
    (guest,) = register(w.event, 1)
    page = Client().get(actions.manage_link(guest)).content.decode()
    end = timezone.localtime(w.event.ends_at)
    assert end.date() != start.date()
    assert f"to {end:%A} {end.day} {end:%B %Y}, {end:%H:%M}" in page
