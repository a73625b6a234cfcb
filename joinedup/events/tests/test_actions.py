"""What the events module promises: the waiting list, the vote budget, requests met by offers,
and anonymous feedback from attendees only, shown from five answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.conftest import make_org
from joinedup.events import actions, queries
from joinedup.events.models import (
    Connection,
    Event,
    FeedbackAnswer,
    FeedbackGiven,
    PendingFeedback,
    Registration,
    RegistrationStatus,
    TopicStatus,
)
from joinedup.events.tests.conftest import register, the_day_comes
from joinedup.health.evidence import gather
from joinedup.health.views_evidence import network_of
from joinedup.meetings.models import Notice

pytestmark = pytest.mark.usefixtures("jobs_run_at_once")


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(
    hub_world, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third, fourth = register(hub_world.event, 4)
    assert [r.status for r in (first, second, third, fourth)] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITING,
        RegistrationStatus.WAITING,
    ]
    mail.outbox.clear()
    with pytest.raises(ValidationError):  # the same address twice
        register(hub_world.event, 1)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = actions.registration_cancel(by=None, registration=second)
    assert promoted is not None and promoted.pk == third.pk
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == RegistrationStatus.REGISTERED
    assert fourth.status == RegistrationStatus.WAITING
    told = [m for m in mailoutbox if m.to == [third.email]]
    assert told and "came free" in told[0].body and third.code in told[0].body
    # A guest has no account: the link in the email is whole, with the site's address.
    assert f"{settings.SITE_URL}/events/" in told[0].body
    # Leaving the waiting list frees no place and promotes nobody.
    assert actions.registration_cancel(by=None, registration=fourth) is None


def test_guests_register_only_as_an_invited_audience(hub_world):
    with pytest.raises(ValidationError, match="not open to that audience"):
        register(hub_world.event, 1, audience="local-network")


def test_votes_are_counted_per_organisation_within_a_budget(hub_world):
    w = hub_world
    requests = [
        actions.request_topic(by=w.lena, hub=w.hub, organisation=w.lead_org, title=f"Topic {i}")
        for i in range(actions.VOTE_BUDGET + 1)
    ]
    for r in requests[: actions.VOTE_BUDGET]:
        actions.topic_vote(by=w.cora, request=r, organisation=w.core_org)
    # However many of its people vote, the organisation supports a topic once…
    with pytest.raises(ValidationError, match="one vote per organisation"):
        actions.topic_vote(by=w.cora, request=requests[0], organisation=w.core_org)
    # …and has five votes in the hub.
    with pytest.raises(ValidationError, match="used all 5"):
        actions.topic_vote(by=w.cora, request=requests[-1], organisation=w.core_org)
    assert actions.votes_left(w.hub, w.core_org) == 0
    # A small organisation's budget is its own.
    actions.topic_vote(by=w.will, request=requests[-1], organisation=w.wider_org)
    # A vote comes back when its topic is scheduled.
    actions.session_schedule(by=w.hana, event=w.event, request=requests[0])
    assert actions.votes_left(w.hub, w.core_org) == 1
    actions.topic_vote(by=w.cora, request=requests[-1], organisation=w.core_org)


def test_a_duplicate_merges_keeping_its_requesters(hub_world):
    w = hub_world
    a = actions.request_topic(by=w.cora, hub=w.hub, organisation=w.core_org, title="Safeguarding")
    b = actions.request_topic(by=w.will, hub=w.hub, organisation=w.wider_org, title="Boundaries")
    actions.topic_vote(by=w.lena, request=b, organisation=w.lead_org)
    actions.topic_merge(by=w.hana, request=b, into=a)
    b.refresh_from_db()
    assert b.status == TopicStatus.MERGED
    assert set(a.requesters.all()) == {w.core_org, w.wider_org}
    assert list(a.votes.values_list("organisation", flat=True)) == [w.lead_org.pk]


def test_a_request_met_by_an_offer_tells_its_requesters(hub_world):
    w = hub_world
    topic = actions.request_topic(
        by=w.cora, hub=w.hub, organisation=w.core_org, title="Trauma-informed approaches"
    )
    offer = actions.expertise_offer(
        by=w.will, request=topic, organisation=w.wider_org, description="We train on this."
    )
    assert Notice.objects.filter(user=w.hana, subject__contains="offers to run").exists()
    session = actions.session_schedule(by=w.hana, event=w.event, offer=offer)
    topic.refresh_from_db()
    assert (topic.status, topic.session) == (TopicStatus.SCHEDULED, session)
    assert session.offer == offer and session.title == topic.title
    # Cora is Riverside Mind's named contact: the requester's people hear.
    assert Notice.objects.filter(user=w.cora, subject__startswith="Scheduled").exists()
    the_day_comes(w.event)
    actions.event_held(by=w.hana, event=w.event)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.MET
    assert Notice.objects.filter(
        user=w.cora, subject="You asked, we did: “Trauma-informed approaches”"
    ).exists()


def test_feedback_only_from_attendees_and_shown_from_five(hub_world):
    w = hub_world
    w.event.capacity = 10
    w.event.save()
    regs = register(w.event, 6)
    the_day_comes(w.event)
    for r in regs[:5]:  # guests: checked in at the door
        actions.attendance_confirm(by=w.hana, registration=r)
    actions.event_held(by=w.hana, event=w.event)
    with pytest.raises(ValidationError, match="confirmed as attending"):
        actions.feedback_give(by=None, registration=regs[5], rating=5)
    for r in regs[:4]:
        actions.feedback_give(by=None, registration=r, rating=4, do_differently="Ask first")
    assert queries.feedback_summary(w.event).event.shown is False
    with pytest.raises(ValidationError, match="already given"):
        actions.feedback_give(by=None, registration=regs[0], rating=1)
    actions.feedback_give(by=None, registration=regs[4], rating=2)
    summary = queries.feedback_summary(w.event)
    assert summary.event.shown and summary.event.answers == 5 and summary.event.mean == 3.6
    # Only that each answered is kept with them; the answers point at nobody.
    assert FeedbackGiven.objects.count() == 5
    assert {f.name for f in FeedbackAnswer._meta.get_fields()} == {
        "id",
        "event",
        "session",
        "rating",
        "do_differently",
    }


def test_a_connection_made_at_an_event_is_a_learning_tie(hub_world):
    w = hub_world
    Event.objects.filter(pk=w.event.pk).update(capacity=5)
    reg = actions.registration_create(
        by=w.cora,
        event=w.event,
        user=w.cora,
        organisation=w.core_org,
        name=w.cora.name,
        email=w.cora.email,
    )
    guests = register(w.event, 4)
    the_day_comes(w.event)
    for r in [reg, *guests]:
        actions.attendance_confirm(by=w.hana, registration=r)
    actions.event_held(by=w.hana, event=w.event)
    other = make_org("Lakeside Women's Centre")
    actions.feedback_give(
        by=w.cora, registration=reg, rating=5, connected_with=[other, w.wider_org]
    )
    # Written with the answers, in a batch of five: until then it would name who answered.
    assert Connection.objects.count() == 0
    for g in guests:
        actions.feedback_give(by=None, registration=g, rating=4)
    assert Connection.objects.count() == 2
    assert queries.networking(w.hub) == {"connections": 2, "organisations": 3, "events": 1}
    # Within the partnership, the pair of members is a tie in the network's learning layer.
    Event.objects.filter(pk=w.event.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=3) + dt.timedelta(hours=1),
    )
    net = network_of(gather([w.partnership])[w.partnership.pk], learning=True)
    assert net.learning == [(*sorted((w.core_org.pk, w.wider_org.pk)), 1)]


def test_attendance_only_while_the_event_is_on_and_by_the_venues_code(hub_world):
    w = hub_world
    w.event.capacity = 3
    w.event.save()
    first = actions.registration_create(
        by=w.cora,
        event=w.event,
        user=w.cora,
        organisation=w.core_org,
        name=w.cora.name,
        email=w.cora.email,
    )
    second, late = register(w.event, 2)
    # Weeks ahead, nobody confirms attendance: not the person, not the organiser.
    for kwargs in ({"venue_code": w.event.venue_code}, {}):
        with pytest.raises(ValidationError, match="only while the event is on"):
            actions.attendance_confirm(by=None, registration=first, **kwargs)
    with pytest.raises(ValidationError, match="marked as held once it has started"):
        actions.event_held(by=w.hana, event=w.event)
    the_day_comes(w.event)
    # The code a registrant was sent is for the door, not for confirming themselves.
    with pytest.raises(ValidationError, match="code shown at the venue"):
        actions.attendance_confirm(by=None, registration=first, venue_code=first.code)
    actions.attendance_confirm(by=None, registration=first, venue_code=w.event.venue_code.lower())
    # At the door, the organiser types the code the registrant shows.
    with pytest.raises(ValidationError, match="No registration"):
        actions.attendance_by_own_code(by=w.hana, event=w.event, code="NOPE")
    assert actions.attendance_by_own_code(by=w.hana, event=w.event, code=second.code).attended_at
    # The day after the event, it is too late.
    the_day_comes(w.event, started=dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="only while the event is on"):
        actions.attendance_confirm(by=w.hana, registration=late)


def test_an_organisation_does_not_support_its_own_request(hub_world):
    w = hub_world
    topic = actions.request_topic(by=w.cora, hub=w.hub, organisation=w.core_org, title="Funding")
    with pytest.raises(ValidationError, match="asked for this topic"):
        actions.topic_vote(by=w.cora, request=topic, organisation=w.core_org)
    actions.topic_vote(by=w.will, request=topic, organisation=w.wider_org)
    # Merged, an organisation's vote on the survivor becomes its own request: not support.
    dup = actions.request_topic(by=w.lena, hub=w.hub, organisation=w.lead_org, title="Money")
    actions.topic_vote(by=w.lena, request=topic, organisation=w.lead_org)
    actions.topic_merge(by=w.hana, request=dup, into=topic)
    (listed,) = queries.hub_requests(w.hub)["open"]
    assert listed.support == 1  # type: ignore[attr-defined]  # Hillside's; no requester's
    assert [v.organisation for v in queries.supporters(topic)] == [w.wider_org]
    assert actions.votes_left(w.hub, w.lead_org) == actions.VOTE_BUDGET


def test_changing_an_event_tells_registrants_and_keeps_every_place(
    hub_world, mailoutbox, django_capture_on_commit_callbacks
):
    w = hub_world
    first, second, waiting = register(w.event, 3)
    with pytest.raises(ValidationError, match="2 people have a place"):
        actions.event_update(by=w.hana, event=w.event, capacity=1)
    mail.outbox.clear()
    later = w.event.starts_at + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        actions.event_update(
            by=w.hana,
            event=w.event,
            starts_at=later,
            ends_at=later + dt.timedelta(hours=2),
            capacity=3,
        )
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED  # the new place goes to the list
    changed = [m for m in mailoutbox if m.subject.endswith("Changed: Peer support in practice")]
    assert sorted(m.to[0] for m in changed) == sorted(r.email for r in (first, second, waiting))
    assert f"{timezone.localtime(later):%-d %B %Y}" in changed[0].body
    w.event.refresh_from_db()
    assert w.event.sequence >= 1 and w.event.capacity == 3


def _held_with_guests(w, n):
    Event.objects.filter(pk=w.event.pk).update(capacity=10)
    w.event.refresh_from_db()
    regs = register(w.event, n)
    the_day_comes(w.event)
    for r in regs:
        actions.attendance_confirm(by=w.hana, registration=r)
    actions.event_held(by=w.hana, event=w.event)
    return regs


def test_one_person_answers_once_however_they_re_register(hub_world):
    w = hub_world
    (guest,) = register(w.event, 1)
    the_day_comes(w.event)
    # Knowing the venue code makes no guest an attendee: the organiser checks guests in.
    with pytest.raises(ValidationError, match="checked in at the door"):
        actions.attendance_confirm(by=None, registration=guest, venue_code=w.event.venue_code)
    actions.attendance_confirm(by=w.hana, registration=guest)
    # Once there, the place cannot be cancelled, and the address cannot register again.
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        actions.registration_cancel(by=None, registration=guest)
    actions.event_held(by=w.hana, event=w.event)
    actions.feedback_give(by=None, registration=guest, rating=5)
    # A registration cancelled after attending (as the attack did before these rules): its
    # link gives no feedback, and the address neither registers again nor answers again.
    Registration.objects.filter(pk=guest.pk).update(status=RegistrationStatus.CANCELLED)
    with pytest.raises(ValidationError, match="confirmed as attending"):
        actions.feedback_give(by=None, registration=guest, rating=1)
    # Registration still open (the 30 minutes before the start), the address cannot come back.
    the_day_comes(w.event, started=dt.timedelta(minutes=-10))
    Event.objects.filter(pk=w.event.pk).update(status="planned")
    with pytest.raises(ValidationError, match="came to the event already"):
        actions.registration_create(
            by=None,
            event=w.event,
            name="Again",
            email="GUEST0@example.org",
            audience="commissioner",
        )
    again = Registration.objects.create(
        event=w.event,
        name="Again",
        email="guest0@example.org",
        audience="commissioner",
        status=RegistrationStatus.REGISTERED,
        attended_at=timezone.now(),
    )
    Event.objects.filter(pk=w.event.pk).update(status="held")
    with pytest.raises(ValidationError, match="already given"):
        actions.feedback_give(by=None, registration=again, rating=1)
    assert FeedbackGiven.objects.count() == 1


def test_answers_are_written_in_shuffled_fives_and_no_audit_row_names_who_answered(
    hub_world, monkeypatch
):
    w = hub_world
    regs = _held_with_guests(w, 5)
    monkeypatch.setattr(actions, "_shuffle", list.reverse)
    for i, r in enumerate(regs[:4]):
        actions.feedback_give(by=None, registration=r, rating=3, do_differently=f"answer {i}")
    # Four answers wait in the pool: none is in the answers table, none shows.
    assert FeedbackAnswer.objects.count() == 0 and PendingFeedback.objects.count() == 4
    summary = queries.feedback_summary(w.event)
    # How many wait is not told either: one who knew one person had answered could add four.
    assert summary.answered == 0 and not summary.event.shown
    actions.feedback_give(by=None, registration=regs[4], rating=3, do_differently="answer 4")
    assert PendingFeedback.objects.count() == 0
    # Written in the batch's shuffled order, not the order people answered in.
    written = list(FeedbackAnswer.objects.order_by().values_list("do_differently", flat=True))
    assert written == [f"answer {i}" for i in reversed(range(5))]
    summary = queries.feedback_summary(w.event)
    assert summary.event.shown and summary.answered == 5
    assert not AuditEvent.objects.filter(action__contains="feedback").exists()


def test_events_start_in_the_future_and_registration_closes_before_the_end(hub_world):
    w = hub_world
    now = timezone.now()
    with pytest.raises(ValidationError, match="cannot start in the past"):
        actions.event_create(
            by=w.hana,
            hub=w.hub,
            title="Back",
            starts_at=now - dt.timedelta(days=1),
            ends_at=now,
        )
    with pytest.raises(ValidationError, match="close before the event ends"):
        actions.event_create(
            by=w.hana,
            hub=w.hub,
            title="Late",
            starts_at=now + dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=1, hours=2),
            registration_closes_at=now + dt.timedelta(days=2),
        )
    with pytest.raises(ValidationError, match="cannot start in the past"):
        actions.event_update(
            by=w.hana,
            event=w.event,
            starts_at=now - dt.timedelta(hours=2),
            ends_at=now + dt.timedelta(hours=1),
        )
    with pytest.raises(ValidationError, match="close before the event ends"):
        actions.event_update(
            by=w.hana, event=w.event, registration_closes_at=w.event.ends_at + dt.timedelta(1)
        )
    # An end years away (31 December 9999 overflowed the attendance window: a 500) is refused.
    for far in (dt.timedelta(days=60), dt.datetime(9999, 12, 31, tzinfo=dt.UTC) - now):
        with pytest.raises(ValidationError, match="at most 31 days"):
            actions.event_create(
                by=w.hana, hub=w.hub, title="Long", starts_at=now + dt.timedelta(days=1),
                ends_at=now + far,
            )  # fmt: skip
        with pytest.raises(ValidationError, match="at most 31 days"):
            actions.event_update(by=w.hana, event=w.event, ends_at=now + far)
    # So an event is marked held only once its real start has come.
    with pytest.raises(ValidationError, match="once it has started"):
        actions.event_held(by=w.hana, event=w.event)


def test_no_cancelling_once_the_event_is_over_and_no_check_in_when_cancelled(hub_world):
    w = hub_world
    first, second, waiting = register(w.event, 3)
    the_day_comes(w.event)
    actions.event_held(by=w.hana, event=w.event)
    with pytest.raises(ValidationError, match="can no longer be cancelled"):
        actions.registration_cancel(by=None, registration=first)
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.WAITING
    Event.objects.filter(pk=w.event.pk).update(status="cancelled")
    with pytest.raises(ValidationError, match="was cancelled"):
        actions.attendance_confirm(by=w.hana, registration=second)
    with pytest.raises(ValidationError, match="was cancelled"):
        actions.attendance_by_own_code(by=w.hana, event=w.event, code=second.code)


def test_cancelling_an_event_reopens_its_topics_and_tells_everyone_why(
    hub_world, mailoutbox, django_capture_on_commit_callbacks
):
    w = hub_world
    topic = actions.request_topic(by=w.cora, hub=w.hub, organisation=w.core_org, title="Peer work")
    offer = actions.expertise_offer(by=w.will, request=topic, organisation=w.wider_org)
    actions.session_schedule(by=w.hana, event=w.event, offer=offer)
    (guest,) = register(w.event, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.event_cancel(by=w.hana, event=w.event, reason="The hall is flooded.")
    topic.refresh_from_db()
    offer.refresh_from_db()
    assert topic.status == TopicStatus.OPEN and list(topic.requesters.all()) == [w.core_org]
    assert offer.status == "offered"  # to run it at another event
    (to_guest,) = [m for m in mailoutbox if m.to == [guest.email]]
    assert "The hall is flooded." in to_guest.body
    assert Notice.objects.filter(user=w.cora, subject__contains="“Peer work”").exists()
    told = [m for m in mailoutbox if topic.get_absolute_url() in m.body]
    assert told and all("The hall is flooded." in m.body for m in told)
    # Open again: the coordinator schedules it at another event.
    start = w.event.starts_at + dt.timedelta(days=7)
    other = actions.event_create(
        by=w.hana, hub=w.hub, title="Again", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    actions.session_schedule(by=w.hana, event=other, offer=offer)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SCHEDULED and topic.session is not None
    assert topic.session.event == other
