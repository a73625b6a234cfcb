"""Writes for hub events and topic requests. Each runs in one transaction (`@action`), writes
its audit row, and tells people (email after commit, and a notice in the app) — access is the
caller's to check, through `joinedup.access` and `events.rules`.

**The vote budget** (seed 000: small user-led groups must not be outvoted by large
organisations): votes are counted per *organisation*, not per person. Each organisation has
`VOTE_BUDGET` (5) votes in a hub, at most one per topic; a vote is spent while its topic is open
and comes back when the topic is scheduled or merged. However many staff an organisation has, it
supports a topic once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signing import TimestampSigner
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.actions import action, person
from joinedup.audit.actions import audit_record
from joinedup.events.models import (
    FEEDBACK_BATCH,
    Audience,
    Connection,
    Event,
    EventStatus,
    ExpertiseOffer,
    FeedbackAnswer,
    FeedbackGiven,
    Notes,
    NotesRevision,
    PendingFeedback,
    Registration,
    RegistrationStatus,
    Session,
    TopicRequest,
    TopicStatus,
    TopicVote,
)
from joinedup.learning.models import Theme
from joinedup.meetings.models import Notice
from joinedup.meetings.notices import tell
from joinedup.notifications import notify_people
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.programmes.coordinators import tell_coordinator
from joinedup.programmes.models import Hub
from joinedup.versions import next_version

VOTE_BUDGET = 5
VOTE_RULE = (
    f"Each organisation has {VOTE_BUDGET} votes in this hub, at most one per topic, however "
    "many of its people use Joined Up; a vote comes back when its topic is scheduled."
)
OUT_OF_VOTES = (
    f"{{organisation}} has used all {VOTE_BUDGET} of its votes in this hub. Take one back from "
    "another topic first."
)
VOTED_ALREADY = "{organisation} already supports this topic: one vote per organisation."
NO_VOTE = "{organisation} has no vote on this topic to take back."
NOT_OPEN = "This topic is no longer open."
REGISTRATION_CLOSED = "Registration for this event is not open."
NOT_INVITED = "This event is not open to that audience."
NOT_ATTENDED = "Only people confirmed as attending are asked for feedback."
ANSWERED = "You have already given feedback on this event."
NOT_HELD = "Feedback opens once the event has been held."
WHO_OFFERS = "Say who offers it: a project, a network or a document."
WRONG_CODE = "That is not the code shown at the venue. Ask the organisers for it."
NO_SUCH_CODE = "No registration for this event has that code."
NOT_ON = (
    "Attendance is confirmed only while the event is on: from 30 minutes before it starts to "
    "the end of the day it ends."
)
NOT_STARTED = "An event can be marked as held once it has started."
ATTENDED = "You attended this event: a place you came to cannot be cancelled."
OVER = "The event has been held or cancelled: its places can no longer be cancelled."
EVENT_CANCELLED = "This event was cancelled: nobody can be checked in."
GUESTS_AT_DOOR = (
    "Guests are checked in at the door: show the organisers your registration code, and they "
    "confirm you are here."
)
CAME_ALREADY = "This address or account came to the event already: it cannot register again."
START_PAST = "An event cannot start in the past."
CLOSES_AFTER_END = "Registration must close before the event ends."
# The longest event: a residential or a festival fits; a typing slip of years does not.
LONGEST = dt.timedelta(days=31)
TOO_LONG = "An event lasts at most 31 days: check the end's date."
OWN_REQUEST = (
    "{organisation} asked for this topic: its request already counts. Support other "
    "organisations' requests with your votes."
)
BELOW_TAKEN = (
    "{n} people have a place: the event cannot have fewer places than that. Ask some to cancel "
    "first, or keep {n}."
)
NOT_PLANNED = "Only a planned event can be changed."
# Invited guests confirm their email address (double opt-in): a registration made on the guest
# page is pending, takes no place, and lapses unless its link is followed within this time.
PENDING_HOURS = 24
LINK_SENT = (
    f"We have sent a link to that address. Follow it within {PENDING_HOURS} hours to confirm the "
    "registration; if the address already has one, the email links to it instead."
)
LINK_EXPIRED = "This link has expired or was replaced by a newer one. Register again."

_signer = TimestampSigner(salt="joinedup.events.registration")
_confirm_signer = TimestampSigner(salt="joinedup.events.registration.confirm")


def _full(url: str) -> str:
    """A link as an email carries it: with the site's address."""
    return f"{settings.SITE_URL}{url}"


def manage_link(registration: Registration) -> str:
    """The signed path by which a guest (who has no account) sees and cancels a registration."""
    return reverse("registration_manage", args=[_signer.sign(str(registration.pk))])


def registration_from_link(signed: str) -> int | None:
    from django.core.signing import BadSignature

    try:
        return int(_signer.unsign(signed))
    except (BadSignature, ValueError):
        return None


# Topic requests -----------------------------------------------------------------------------


@action
def request_topic(
    *,
    by: Any,
    hub: Hub,
    organisation: Organisation,
    title: str,
    description: str = "",
    themes: Iterable[Theme] = (),
) -> TopicRequest:
    """`organisation` asks its hub for a topic. Access is the caller's to check."""
    if not title.strip():
        raise ValidationError({"title": "Say what you need to know or have."})
    request = TopicRequest.objects.create(
        hub=hub, title=title, description=description, requested_by=person(by)
    )
    request.requesters.add(organisation)
    request.themes.set(list(themes))
    audit_record(actor=by, action="topic requested", obj=request)
    tell_coordinator(request)
    return request


def votes_left(hub: Hub, organisation: Organisation) -> int:
    used = TopicVote.objects.filter(
        organisation=organisation, request__hub=hub, request__status=TopicStatus.OPEN
    ).count()
    # Never below 0: a cancelled event's requests reopen, and their votes count again.
    return max(0, VOTE_BUDGET - used)


@action
def topic_vote(*, by: Any, request: TopicRequest, organisation: Organisation) -> TopicVote:
    """`organisation` supports `request`, within its budget (see the module's docstring)."""
    # Lock the hub so that two votes of one organisation at once cannot both take the last one.
    Hub.objects.select_for_update().filter(pk=request.hub_id).first()
    request = TopicRequest.objects.get(pk=request.pk)
    if request.status != TopicStatus.OPEN:
        raise ValidationError({"request": NOT_OPEN})
    if request.requesters.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": OWN_REQUEST.format(organisation=organisation)})
    if TopicVote.objects.filter(request=request, organisation=organisation).exists():
        raise ValidationError({"organisation": VOTED_ALREADY.format(organisation=organisation)})
    if votes_left(request.hub, organisation) <= 0:
        raise ValidationError({"organisation": OUT_OF_VOTES.format(organisation=organisation)})
    vote = TopicVote.objects.create(request=request, organisation=organisation, cast_by=person(by))
    audit_record(actor=by, action="topic voted", obj=request)
    return vote


@action
def topic_unvote(*, by: Any, request: TopicRequest, organisation: Organisation) -> TopicRequest:
    deleted, _ = TopicVote.objects.filter(request=request, organisation=organisation).delete()
    if not deleted:
        raise ValidationError({"organisation": NO_VOTE.format(organisation=organisation)})
    audit_record(actor=by, action="topic vote withdrawn", obj=request)
    return request


@action
def topic_merge(*, by: Any, request: TopicRequest, into: TopicRequest) -> TopicRequest:
    """A duplicate joins `into`: its requesters and themes are kept there, and so are its
    votes where the organisation had not voted for `into` already (the others come back)."""
    if request.pk == into.pk or into.hub_id != request.hub_id:
        raise ValidationError({"into": "Merge into another request of the same hub."})
    if into.status == TopicStatus.MERGED:
        raise ValidationError({"into": "That request was itself merged; merge into its survivor."})
    into.requesters.add(*request.requesters.all())
    into.themes.add(*request.themes.all())
    # A requester's own vote on `into` is spent no longer: its request counts as its support.
    into.votes.filter(organisation__in=request.requesters.all()).delete()
    have = set(into.votes.values_list("organisation_id", flat=True))
    have |= set(into.requesters.values_list("pk", flat=True))
    for vote in request.votes.all():
        if vote.organisation_id not in have:
            TopicVote.objects.create(
                request=into, organisation_id=vote.organisation_id, cast_by=vote.cast_by
            )
    request.votes.all().delete()
    request.status, request.merged_into = TopicStatus.MERGED, into
    request.save(update_fields=["status", "merged_into"])
    audit_record(actor=by, action="topic merged", obj=request, after={"into": into.pk})
    return into


@action
def expertise_offer(
    *,
    by: Any,
    request: TopicRequest,
    organisation: Organisation | None = None,
    network: str = "",
    document: Any = None,
    description: str = "",
) -> ExpertiseOffer:
    """'We can run this': a project, an outside network or a library document offers to meet
    `request`. The hub's coordinator is told."""
    if request.status not in (TopicStatus.OPEN, TopicStatus.SCHEDULED):
        raise ValidationError({"request": NOT_OPEN})
    if organisation is None and not network.strip() and document is None:
        raise ValidationError({"organisation": WHO_OFFERS})
    offer = ExpertiseOffer.objects.create(
        request=request,
        organisation=organisation,
        network=network.strip(),
        document=document,
        description=description,
        offered_by=person(by),
    )
    audit_record(actor=by, action="expertise offered", obj=request)
    coordinator = request.hub.coordinator
    if coordinator is not None:
        tell(
            [],
            f"{offer.by_name()} offers to run “{request.title}”",
            f"{offer.by_name()} offers to run “{request.title}”. Schedule it in an event.",
            url=request.get_absolute_url(),
            also=[coordinator],
        )
    return offer


# Events -------------------------------------------------------------------------------------


@action
def event_create(
    *,
    by: Any,
    hub: Hub | None = None,
    programme: Any = None,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str = "",
    format: str = "workshop",
    place: str = "",
    online_link: str = "",
    capacity: int = 30,
    registration_opens_at: dt.datetime | None = None,
    registration_closes_at: dt.datetime | None = None,
    invited: Iterable[str] = (),
    venue: Any = None,
    venue_for: tuple[Organisation, Partnership] | None = None,
) -> Event:
    """A hub's (or a programme's) event, starting in the future (the system alone — the demo
    loader — records events already held). With `venue` (a room offered in Resources) and
    `venue_for` (the organisation booking it and its partnership), the room is asked for through
    `resources.actions.booking_request`, so its offerer confirms it and the give-and-receive
    ledger records the exchange."""
    if hub is None and programme is None:
        raise ValidationError({"hub": "An event belongs to a hub or a programme."})
    invited = [a for a in invited if a != Audience.MEMBER]
    if any(a not in Audience.values for a in invited):
        raise ValidationError({"invited": "Choose audiences from the list."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "An event must end after it starts."})
    if ends_at - starts_at > LONGEST:
        raise ValidationError({"ends_at": TOO_LONG})
    if starts_at < timezone.now() and person(by) is not None:
        raise ValidationError({"starts_at": START_PAST})
    opens, closes = registration_opens_at, registration_closes_at
    if opens and closes and closes <= opens:
        raise ValidationError({"registration_closes_at": "Registration must close after it opens."})
    if closes and closes > ends_at:
        raise ValidationError({"registration_closes_at": CLOSES_AFTER_END})
    if capacity < 1:
        raise ValidationError({"capacity": "An event needs at least one place."})
    event = Event(
        hub=hub,
        programme=hub.programme if hub is not None else programme,
        title=title,
        purpose=purpose,
        format=format,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        capacity=capacity,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        invited=invited,
        created_by=person(by),
    )
    event.full_clean(exclude=["venue_booking", "hub", "programme", "created_by"])
    if venue is not None:
        from joinedup.resources.actions import booking_request

        if venue_for is None:
            raise ValidationError({"venue": "Say which organisation books the room."})
        organisation, partnership = venue_for
        event.venue_booking = booking_request(
            by=by,
            offer=venue,
            organisation=organisation,
            partnership=partnership,
            starts_at=starts_at,
            ends_at=ends_at,
            note=f"Hub event: {title}",
        )
        event.place = event.place or venue.title
    event.save()
    audit_record(actor=by, action="event created", obj=event)
    return event


@action
def session_schedule(
    *,
    by: Any,
    event: Event,
    request: TopicRequest | None = None,
    offer: ExpertiseOffer | None = None,
    title: str = "",
    description: str = "",
) -> Session:
    """A session of `event`; when it meets a topic request (through an offer, or the
    coordinator's own), the request is scheduled and its requesters told."""
    if offer is not None:
        request = offer.request
    if request is not None:
        if request.status != TopicStatus.OPEN:
            raise ValidationError({"request": NOT_OPEN})
        if request.hub_id != event.hub_id:
            raise ValidationError({"request": "That request was made in another hub."})
    if event.status != EventStatus.PLANNED:
        raise ValidationError({"event": "Sessions are added to planned events only."})
    title = title.strip() or (request.title if request else "")
    if not title:
        raise ValidationError({"title": "Give the session a title."})
    session = Session.objects.create(
        event=event,
        title=title,
        description=description or (offer.description if offer else ""),
        offer=offer,
        order=event.sessions.count(),
    )
    if offer is not None:
        offer.status = ExpertiseOffer.Status.ACCEPTED
        offer.save(update_fields=["status"])
    if request is not None:
        request.status, request.session = TopicStatus.SCHEDULED, session
        request.save(update_fields=["status", "session"])
        when = timezone.localtime(event.starts_at).strftime("%-d %B %Y")
        led = f", run by {offer.by_name()}" if offer else ""
        tell(
            request.requesters.all(),
            f"Scheduled: “{request.title}”",
            f"The topic you asked for, “{request.title}”, is a session of “{event.title}” "
            f"on {when}{led}. Register on the event's page.",
            url=event.get_absolute_url(),
        )
    _touch(event)
    audit_record(actor=by, action="session scheduled", obj=event)
    return session


@action
def event_create_for_topic(
    *, by: Any, request: TopicRequest, offer: ExpertiseOffer | None = None, **details: Any
) -> Event:
    """A new event whose first session is `request` (run by `offer`, or by the hub): the
    topic page's "Schedule at a new event". Both are made, or neither."""
    if offer is not None and offer.request_id != request.pk:
        raise ValidationError({"offer": "That offer is for another request."})
    event = event_create(by=by, **details)
    session_schedule(by=by, event=event, request=None if offer else request, offer=offer)
    return event


def _touch(event: Event) -> None:
    event.sequence += 1
    event.updated_at = timezone.now()
    event.save(update_fields=["sequence", "updated_at"])


@action
def event_held(*, by: Any, event: Event) -> Event:
    """The event took place: its requests are met, their requesters told ("you asked, we
    did"), and confirmed attendees asked for feedback."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.PLANNED:
        raise ValidationError({"status": "Only a planned event can be marked as held."})
    if not event.has_started():
        raise ValidationError({"status": NOT_STARTED})
    event.status = EventStatus.HELD
    event.save(update_fields=["status"])
    _touch(event)
    for request in TopicRequest.objects.filter(session__event=event).prefetch_related("requesters"):
        request.status = TopicStatus.MET
        request.save(update_fields=["status"])
        tell(
            request.requesters.all(),
            f"You asked, we did: “{request.title}”",
            f"You asked for “{request.title}”; it was a session of “{event.title}”. "
            "Notes and materials are on the event's page.",
            url=request.get_absolute_url(),
        )
    feedback_url = reverse("event_feedback", args=[event.pk])
    for reg in event.registrations.filter(
        attended_at__isnull=False, status=RegistrationStatus.REGISTERED
    ):
        subject = f"How was “{event.title}”?"
        if reg.user_id is not None:
            Notice.objects.create(user_id=reg.user_id, subject=subject, url=feedback_url)
            notify_people([reg.email], subject, f"Tell us, anonymously: {_full(feedback_url)}")
        else:
            notify_people([reg.email], subject, f"Tell us, anonymously: {_full(manage_link(reg))}")
    audit_record(actor=by, action="event held", obj=event)
    return event


@action
def event_cancel(*, by: Any, event: Event, reason: str = "") -> Event:
    """Cancel a planned event: everyone registered or waiting is emailed, with `reason`; the
    topic requests scheduled at it go back to Open (their requesters, votes, offers and the
    session they were to be kept), and the organisations that asked are told, with a link."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    _touch(event)
    reason = reason.strip()
    why = f"\n\nThe reason: {reason}" if reason else ""
    when = timezone.localtime(event.starts_at).strftime("%-d %B %Y")
    for email in _told(event):  # one email each: registrants never see each other's address
        notify_people(
            [email],
            f"Cancelled: {event.title}",
            f"“{event.title}” on {when} is cancelled and will not take place.{why}",
        )
    requests = TopicRequest.objects.filter(session__event=event, status=TopicStatus.SCHEDULED)
    for request in requests.prefetch_related("requesters"):
        request.status = TopicStatus.OPEN
        request.save(update_fields=["status"])
        tell(
            request.requesters.all(),
            f"Not scheduled any more: “{request.title}”",
            f"“{event.title}” on {when}, where the topic you asked for, “{request.title}”, was "
            f"to be a session, is cancelled.{why}\n\nYour request is open again, with its "
            "support and offers, for the hub to schedule at another event.",
            url=request.get_absolute_url(),
        )
    ExpertiseOffer.objects.filter(
        sessions__event=event, status=ExpertiseOffer.Status.ACCEPTED
    ).update(status=ExpertiseOffer.Status.OFFERED)
    audit_record(actor=by, action="event cancelled", obj=event, after={"reason": reason})
    return event


def _told(event: Event) -> list[str]:
    """Who hears of a change: everyone with a place or on the waiting list."""
    live = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
    return list(event.registrations.filter(status__in=live).values_list("email", flat=True))


def _minute(when: dt.datetime) -> dt.datetime:
    return when.replace(second=0, microsecond=0)


EDITABLE = (
    "title",
    "purpose",
    "format",
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
)
TOLD_OF = {"starts_at": "time", "ends_at": "time", "place": "place", "online_link": "place"}


@action
def event_update(*, by: Any, event: Event, **changes: Any) -> Event:
    """Change a planned event; a new start is never in the past (so "held", allowed from the
    start, means it really started). Capacity never goes below the places taken (nobody loses a
    confirmed place); more places go to the waiting list in order. A new time or place is
    emailed to everyone registered or waiting, and calendars get the new version."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.PLANNED:
        raise ValidationError({"event": NOT_PLANNED})
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({"event": f"These cannot be changed here: {sorted(unknown)}."})
    before = {f: getattr(event, f) for f in EDITABLE}
    for field, value in changes.items():
        setattr(event, field, value)
    if event.ends_at <= event.starts_at:
        raise ValidationError({"ends_at": "An event must end after it starts."})
    if event.ends_at - event.starts_at > LONGEST:
        raise ValidationError({"ends_at": TOO_LONG})
    moved = _minute(event.starts_at) != _minute(before["starts_at"])  # forms drop seconds
    if moved and event.starts_at < timezone.now():
        raise ValidationError({"starts_at": START_PAST})
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        raise ValidationError({"registration_closes_at": "Registration must close after it opens."})
    if closes and closes > event.ends_at:
        raise ValidationError({"registration_closes_at": CLOSES_AFTER_END})
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    if event.capacity < taken:
        raise ValidationError({"capacity": BELOW_TAKEN.format(n=taken)})
    event.full_clean(exclude=["venue_booking", "hub", "programme", "created_by"])
    changed = [f for f in EDITABLE if getattr(event, f) != before[f]]
    if not changed:
        return event
    event.save(update_fields=changed)
    _touch(event)
    while event.capacity > taken and _promote(event) is not None:
        taken += 1
    told = sorted({TOLD_OF[f] for f in changed if f in TOLD_OF})
    if told:
        when = timezone.localtime(event.starts_at)
        where = event.place or ("online" if event.online_link else "to be confirmed")
        online = f"\nOnline: {event.online_link}" if event.online_link else ""
        text = (
            f"The {' and '.join(told)} of “{event.title}” changed. It is now on "
            f"{when:%-d %B %Y} from {when:%H:%M} to "
            f"{timezone.localtime(event.ends_at):%H:%M}, at {where}.{online}\n\n"
            f"If you can no longer come, please cancel your place so someone else can have it: "
            f"{_full(event.get_absolute_url())} (or through the link in your registration email)."
        )
        for email in _told(event):  # one email each, as for a cancellation
            notify_people([email], f"Changed: {event.title}", text)
    audit_record(actor=by, action="event changed", obj=event, after={"changed": ", ".join(changed)})
    return event


# Registration -------------------------------------------------------------------------------


@action
def registration_create(
    *,
    by: Any,
    event: Event,
    name: str,
    email: str,
    audience: str = Audience.MEMBER,
    user: Any = None,
    organisation: Organisation | None = None,
    access_needs: str = "",
    expenses: bool = False,
    listed: bool = False,
    at: dt.datetime | None = None,
) -> Registration:
    """A place if one is free, else a place on the waiting list (in order of registering).
    A guest (no `user`) must belong to an audience the event invited. `at` is for the system
    only (the demo loader records registrations of events already held): a person registers
    now."""
    event = Event.objects.select_for_update().get(pk=event.pk)  # places are counted locked
    if at is not None and person(by) is not None:
        raise ValidationError({"at": "Only the system records a registration in the past."})
    if not event.registration_open(at):
        raise ValidationError({"event": REGISTRATION_CLOSED})
    if user is None and audience not in event.invited:
        raise ValidationError({"audience": NOT_INVITED})
    email = email.strip().lower()
    # A guest registration never confirmed holds nothing: the address's owner goes ahead.
    Registration.objects.filter(
        event=event, email__iexact=email, status=RegistrationStatus.PENDING
    ).delete()
    if _came_already(event, email, user):
        raise ValidationError({"email": CAME_ALREADY})
    if (
        Registration.objects.filter(event=event, email__iexact=email)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError({"email": "This email address is already registered for the event."})
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    status = RegistrationStatus.REGISTERED if taken < event.capacity else RegistrationStatus.WAITING
    reg = Registration(
        event=event,
        user=user,
        organisation=organisation,
        name=name.strip(),
        email=email,
        audience=audience,
        access_needs=access_needs,
        expenses=expenses,
        listed=listed,
        status=status,
        created_at=at or timezone.now(),
    )
    reg.full_clean(exclude=["event", "user", "organisation"])
    reg.save()
    audit_record(actor=by, action=f"registration {status}", obj=event)
    _tell_registered(event, reg)
    return reg


def _came_already(event: Event, email: str, user: Any = None) -> bool:
    """An address or account with attendance confirmed at `event` (even on a registration
    cancelled before that rule) registers no more: one person, one place, one answer."""
    same = Q(email__iexact=email)
    if user is not None:
        same |= Q(user=user)
    return event.registrations.filter(same, attended_at__isnull=False).exists()


def confirm_link(registration: Registration) -> str:
    """The link a guest follows to confirm their address; a newer registration attempt for the
    same address makes older links void (the signed value carries its time)."""
    stamp = int(registration.created_at.timestamp() * 1000)
    return reverse(
        "registration_confirm", args=[_confirm_signer.sign(f"{registration.pk}.{stamp}")]
    )


def _from_confirm_link(signed: str) -> Registration | None:
    from django.core.signing import BadSignature

    try:
        value = _confirm_signer.unsign(signed, max_age=dt.timedelta(hours=PENDING_HOURS))
        pk, stamp = (int(part) for part in value.split("."))
    except (BadSignature, ValueError):
        return None
    reg = Registration.objects.filter(
        pk=pk, user__isnull=True, status=RegistrationStatus.PENDING
    ).first()
    if reg is None or int(reg.created_at.timestamp() * 1000) != stamp:
        return None
    return reg


def pending_from_link(signed: str) -> Registration | None:
    return _from_confirm_link(signed)


def confirmed_from_link(signed: str) -> Registration | None:
    """The guest registration behind a confirmation link that was used (at any time since):
    followed again, it leads to the registration. Whoever has the link has the email it came
    in, sent to the registration's own address."""
    from django.core.signing import BadSignature

    try:
        pk = int(_confirm_signer.unsign(signed).split(".")[0])
    except (BadSignature, ValueError):
        return None
    return (
        Registration.objects.filter(pk=pk, user__isnull=True)
        .exclude(status=RegistrationStatus.PENDING)
        .first()
    )


@action
def registration_details(*, by: Any, registration: Registration, access_needs: str) -> Registration:
    """The person changes their access needs, while they have a place (or are waiting) at a
    planned event (`registration_listing` changes whether their name is listed)."""
    reg = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    live = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
    if reg.event.status != EventStatus.PLANNED or reg.status not in live:
        raise ValidationError({"registration": NOT_PLANNED})
    reg.access_needs = access_needs.strip()
    reg.save(update_fields=["access_needs"])
    audit_record(actor=by, action="registration details changed", obj=reg.event)
    return reg


@action
def guest_register(
    *,
    event: Event,
    name: str,
    email: str,
    audience: str,
    access_needs: str = "",
    expenses: bool = False,
    listed: bool = False,
) -> bool:
    """An invited guest asks for a place on the guest page. Whatever the address, the same
    happens on the page: an email is sent to it. A new address gets a pending registration
    (no place is held) and a link to confirm it; an address already registered gets the link
    to its registration instead, so whoever typed it learns nothing and blocks nobody."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.registration_open():
        raise ValidationError({"event": REGISTRATION_CLOSED})
    if audience not in event.invited:
        raise ValidationError({"audience": NOT_INVITED})
    email = email.strip().lower()
    # Pending registrations past their time hold someone's details for nothing: gone.
    Registration.objects.filter(
        status=RegistrationStatus.PENDING,
        created_at__lt=timezone.now() - dt.timedelta(hours=PENDING_HOURS),
    ).delete()
    existing = (
        Registration.objects.filter(event=event, email__iexact=email)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if existing is None and _came_already(event, email):
        existing = event.registrations.filter(
            email__iexact=email, attended_at__isnull=False
        ).first()
    if existing is not None and existing.status != RegistrationStatus.PENDING:
        link = manage_link(existing) if existing.user_id is None else event.get_absolute_url()
        notify_people(
            [email],
            f"{event.title}: your registration",
            f"Someone (perhaps you) asked to register this address for “{event.title}”. It is "
            f"registered already, so nothing has changed.\n\n"
            f"See or cancel your registration: {_full(link)}",
        )
        return True
    # New, or pending and never confirmed: the latest details are kept (the confirm page
    # shows them all, and the listing choice can be changed there), and only the newest link
    # works. A confirmed registration is never changed here: only through its own link.
    reg = existing or Registration(event=event, email=email)
    reg.name, reg.audience = name.strip(), audience
    reg.access_needs, reg.expenses, reg.listed = access_needs, expenses, listed
    reg.status, reg.created_at = RegistrationStatus.PENDING, timezone.now()
    reg.full_clean(exclude=["event", "user", "organisation"])
    reg.save()
    audit_record(actor=None, action="registration pending", obj=event)
    notify_people(
        [email],
        f"{event.title}: confirm your registration",
        f"To register for “{event.title}”, confirm this is your address within {PENDING_HOURS} "
        f"hours: {_full(confirm_link(reg))}\n\nIf you did not ask, ignore this email: nothing "
        "is registered without it.",
    )
    return True


@action
def guest_confirm(*, registration: Registration, listed: bool | None = None) -> Registration:
    """The guest followed the emailed link and saw every detail: a place if one is free,
    else the waiting list — counted now, as a pending registration held none. `listed` is the
    listing choice as confirmed on that page."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    reg = Registration.objects.select_for_update().get(pk=registration.pk)
    if reg.status != RegistrationStatus.PENDING:
        raise ValidationError({"registration": LINK_EXPIRED})
    if not event.registration_open():
        raise ValidationError({"event": REGISTRATION_CLOSED})
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    reg.status = (
        RegistrationStatus.REGISTERED if taken < event.capacity else RegistrationStatus.WAITING
    )
    reg.created_at = timezone.now()  # its place in the waiting list: from confirming
    if listed is not None:
        reg.listed = listed
    reg.save(update_fields=["status", "created_at", "listed"])
    audit_record(actor=None, action=f"registration {reg.status}", obj=event)
    _tell_registered(event, reg)
    return reg


def _tell_registered(event: Event, reg: Registration) -> None:
    where = (
        "a place" if reg.status == RegistrationStatus.REGISTERED else "a place on the waiting list"
    )
    link = manage_link(reg) if reg.user_id is None else event.get_absolute_url()
    notify_people(
        [reg.email],
        f"{event.title}: you have {where}",
        f"You have {where} at “{event.title}”. Your registration code is {reg.code}: show it "
        f"at the door.\n\nSee or cancel your registration: {_full(link)}",
    )


@action
def registration_cancel(*, by: Any, registration: Registration) -> Registration | None:
    """Cancel a registration of a planned event that its person did not attend (once there,
    they were there); a place it frees goes to the first on the waiting list, who is told.
    Returns the promoted registration, if any."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    reg = Registration.objects.get(pk=registration.pk)
    if reg.status == RegistrationStatus.CANCELLED:
        return None
    if event.status != EventStatus.PLANNED:
        raise ValidationError({"registration": OVER})
    if reg.attended_at is not None:
        raise ValidationError({"registration": ATTENDED})
    freed = reg.status == RegistrationStatus.REGISTERED
    reg.status = RegistrationStatus.CANCELLED
    reg.save(update_fields=["status"])
    audit_record(actor=by, action="registration cancelled", obj=event)
    if not freed:
        return None
    return _promote(event)


@action
def registration_listing(*, by: Any, registration: Registration, listed: bool) -> Registration:
    """Its person chooses whether their name is on the attendee list (a guest on their
    manage page)."""
    reg = Registration.objects.select_for_update().get(pk=registration.pk)
    if reg.status == RegistrationStatus.PENDING:
        raise ValidationError({"listed": LINK_EXPIRED})
    reg.listed = listed
    reg.save(update_fields=["listed"])
    audit_record(actor=by, action="registration listing changed", obj=reg.event)
    return reg


def _promote(event: Event) -> Registration | None:
    taken = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    if taken >= event.capacity:
        return None
    first = (
        event.registrations.filter(status=RegistrationStatus.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = RegistrationStatus.REGISTERED
    first.save(update_fields=["status"])
    subject = f"A place for you at “{event.title}”"
    link = event.get_absolute_url() if first.user_id else manage_link(first)
    if first.user_id:
        Notice.objects.create(user_id=first.user_id, subject=subject, url=link)
    notify_people(
        [first.email],
        subject,
        f"A place came free at “{event.title}” and it is yours. Your registration code is "
        f"{first.code}: show it at the door. If you cannot come, cancel here: {_full(link)}",
    )
    audit_record(actor=None, action="registration promoted", obj=event)
    return first


@action
def attendance_confirm(
    *,
    by: Any,
    registration: Registration,
    venue_code: str | None = None,
    at: dt.datetime | None = None,
) -> Registration:
    """Confirm that the person came, only while the event is on (`Event.attendance_window`):
    by the organiser (`venue_code` None: the caller checks they run the event), or by a
    signed-in member giving the code shown at the venue — never the code they were sent,
    which they show at the door. Guests are checked in by the organiser only, so knowing the
    venue code makes no one an attendee. `at` is for the system only (the demo records
    events already held)."""
    reg = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    if at is not None and person(by) is not None:
        raise ValidationError({"at": "Only the system records attendance in the past."})
    if reg.event.status == EventStatus.CANCELLED:
        raise ValidationError({"registration": EVENT_CANCELLED})
    if reg.status != RegistrationStatus.REGISTERED:
        raise ValidationError({"registration": "Only a registered place can be attended."})
    if venue_code is not None and reg.user_id is None:
        raise ValidationError({"code": GUESTS_AT_DOOR})
    if not reg.event.attendance_open(at):
        raise ValidationError({"code": NOT_ON})
    if venue_code is not None and not secrets.compare_digest(
        venue_code.strip().upper(), reg.event.venue_code.upper()
    ):
        raise ValidationError({"code": WRONG_CODE})
    if reg.attended_at is None:
        reg.attended_at = at or timezone.now()
        reg.save(update_fields=["attended_at"])
        audit_record(actor=by, action="attendance confirmed", obj=reg.event)
    return reg


@action
def attendance_by_own_code(*, by: Any, event: Event, code: str) -> Registration:
    """At the door, the organiser types the code a registrant shows them (the caller checks
    they run the event)."""
    reg = event.registrations.filter(
        code=code.strip().upper()[:12], status=RegistrationStatus.REGISTERED
    ).first()
    if reg is None:
        raise ValidationError({"code": NO_SUCH_CODE})
    return attendance_confirm(by=by, registration=reg)


# Feedback -----------------------------------------------------------------------------------


def answered_already(reg: Registration) -> bool:
    """One answer per person per event: per account for a member, per address for a guest,
    whichever of their registrations (a cancelled one included) answered."""
    same = Q(registration__email__iexact=reg.email)
    if reg.user_id is not None:
        same |= Q(registration__user_id=reg.user_id)
    return FeedbackGiven.objects.filter(same, registration__event_id=reg.event_id).exists()


def may_give_feedback(reg: Registration) -> bool:
    return (
        reg.status == RegistrationStatus.REGISTERED
        and reg.attended_at is not None
        and reg.event.status == EventStatus.HELD
    )


@action
def feedback_give(
    *,
    by: Any,
    registration: Registration,
    rating: int,
    do_differently: str = "",
    sessions: dict[int, tuple[int, str]] | None = None,
    connected_with: Iterable[Organisation] = (),
) -> FeedbackGiven:
    """Anonymous feedback from a confirmed attendee (a registration with its place, not
    cancelled, whose attendance was confirmed): the event's rating and what they will do
    differently, the same per session, and who they connected with — once per person.
    Only *that* they answered is kept with their registration; the answers wait in the
    event's pool and are written in shuffled batches of five (`models` says what this
    does and does not unlink). A new connection between the attendee's organisation and
    another is a tie in the network's "learning" layer, written with its batch."""
    Event.objects.select_for_update().filter(pk=registration.event_id).first()  # one at a time
    reg = Registration.objects.select_related("event").get(pk=registration.pk)
    event = reg.event
    if event.status != EventStatus.HELD:
        raise ValidationError({"event": NOT_HELD})
    if reg.status != RegistrationStatus.REGISTERED or reg.attended_at is None:
        raise ValidationError({"registration": NOT_ATTENDED})
    if answered_already(reg):
        raise ValidationError({"registration": ANSWERED})
    answers: list[list[Any]] = [[None, rating, do_differently]]
    valid_sessions = set(event.sessions.values_list("pk", flat=True))
    for session_id, (session_rating, text) in (sessions or {}).items():
        if session_id not in valid_sessions:
            raise ValidationError({"sessions": "That session is not part of this event."})
        answers.append([session_id, session_rating, text])
    for answer in answers:
        if not 1 <= answer[1] <= 5:
            raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    pairs = sorted(
        {
            tuple(sorted((reg.organisation_id, other.pk)))
            for other in connected_with
            if reg.organisation_id is not None and other.pk != reg.organisation_id
        }
    )
    given = FeedbackGiven.objects.create(registration=reg)
    PendingFeedback.objects.create(event=event, answers=answers, pairs=[list(p) for p in pairs])
    _write_batch(event)
    # No audit row: one would name the person, or the time they answered. The answers are
    # anonymous and personal to no one; `FeedbackGiven` is the record that they answered.
    return given


_shuffle = secrets.SystemRandom().shuffle


def _write_batch(event: Event) -> None:
    """With `FEEDBACK_BATCH` people's answers in the pool, write them all, shuffled, and
    empty it. Called with the event row locked."""
    pool = list(PendingFeedback.objects.filter(event=event))
    if len(pool) < FEEDBACK_BATCH:
        return
    answers = [a for p in pool for a in p.answers]
    _shuffle(answers)
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(event=event, session_id=sid, rating=rating, do_differently=text)
        for sid, rating, text in answers
    )
    pairs = list({(a, b) for p in pool for a, b in p.pairs})
    _shuffle(pairs)
    for a, b in pairs:
        Connection.objects.get_or_create(event=event, a_id=a, b_id=b)
    PendingFeedback.objects.filter(pk__in=[p.pk for p in pool]).delete()


# Notes --------------------------------------------------------------------------------------


@action
def notes_save(
    *,
    by: Any,
    event: Event,
    text: str,
    materials: str = "",
    session: Session | None = None,
    based_on: int | None = None,
) -> Notes:
    """Save the notes and materials of `event` (or one session), refusing a save based on an
    old version (`joinedup.versions`); every version is kept as a revision."""
    notes, _ = Notes.objects.get_or_create(event=event, session=session, defaults={"version": 0})
    notes = Notes.objects.select_for_update().get(pk=notes.pk)
    if notes.version == 0:
        notes.version = 1
        based_on = None
    else:
        next_version(notes, based_on)
    notes.text, notes.materials = text, materials
    notes.updated_by, notes.updated_at = person(by), timezone.now()
    notes.save()
    NotesRevision.objects.create(
        notes=notes,
        version=notes.version,
        text=text,
        materials=materials,
        saved_by=person(by),
    )
    audit_record(actor=by, action="event notes saved", obj=event)
    return notes
