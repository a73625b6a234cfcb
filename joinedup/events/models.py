"""Hub events and the topic requests that set their agenda (seed 000).

A hub (or a programme) runs **events**; each has **sessions**, and a session is often a
**topic request** some projects asked for, met by an **expertise offer** from another project
or network, or by a library document. People register — members with their account, invited
guests (commissioners, peer support workers, people with lived experience, local networks) by
email alone — and confirmed attendees give **anonymous feedback**: `FeedbackGiven` records
only *that* a registration answered; `FeedbackAnswer` holds what was said and points at no one.

**What can and cannot be linked** (someone reading the database): an answer is first held in
`PendingFeedback`, the event's small pool; when the pool holds `FEEDBACK_BATCH` (5) people's
answers, they are written together to `FeedbackAnswer` (and their connections to `Connection`)
in a shuffled order, and the pool is emptied. So a written answer's row — its position, its
insertion order, its transaction — points only at a batch of five people who answered, never
at one of them; no audit row about feedback names a person or a time; answers and
connections carry no time. What *is* linkable: the answers still in the pool (at most four
people's, never shown) follow the order of the `FeedbackGiven` rows, as any row written in the
same transaction does; and the batch a row came in (which five registrations answered before
it was written), as the order of `FeedbackGiven` rows shows.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from joinedup.learning.models import Theme
from joinedup.partnerships.models import Organisation
from joinedup.programmes.models import Hub, Programme
from joinedup.versions import version_field


class TopicStatus(models.TextChoices):
    OPEN = "open", "Open"
    SCHEDULED = "scheduled", "Scheduled"
    MET = "met", "Met"
    MERGED = "merged", "Merged into another request"


class Format(models.TextChoices):
    WORKSHOP = "workshop", "Workshop"
    WORLD_CAFE = "world-cafe", "World café"
    OPEN_SPACE = "open-space", "Open space"
    ACTION_LEARNING = "action-learning", "Action learning set"
    NETWORKING = "networking", "Networking"


class EventStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Audience(models.TextChoices):
    MEMBER = "member", "Member of a partnership"
    COMMISSIONER = "commissioner", "Local commissioner"
    PEER_SUPPORT = "peer-support", "Peer support worker"
    LIVED_EXPERIENCE = "lived-experience", "Person with lived experience"
    LOCAL_NETWORK = "local-network", "Local network"


GUEST_AUDIENCES = [a for a in Audience if a != Audience.MEMBER]


def new_venue_code() -> str:
    return secrets.token_hex(4).upper()


# Attendance is confirmed only while the event is on: from this long before it starts to the
# end of the (local) day it ends.
ATTENDANCE_OPENS_BEFORE = dt.timedelta(minutes=30)


class Event(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    hub = models.ForeignKey(
        Hub, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.WORKSHOP)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    venue_booking = models.ForeignKey(
        "resources.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The room offered in Resources, booked through its ledger.",
    )
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)], default=30)
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    invited = models.JSONField(
        default=list, blank=True, help_text="Audiences beyond members who may register by email."
    )
    status = models.CharField(
        max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    venue_code = models.CharField(
        max_length=12,
        default=new_venue_code,
        help_text="Shown at the venue by the organisers; attendees give it to say they are here.",
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["hub", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message="An event must end after it starts.",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event", args=[self.pk])

    def registration_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        if self.status != EventStatus.PLANNED:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:  # type: ignore[operator]
            return False
        closes = self.registration_closes_at or self.starts_at
        return now < closes  # type: ignore[operator]

    def attendance_window(self) -> tuple[dt.datetime, dt.datetime]:
        """From 30 minutes before the start to midnight at the end of the day it ends."""
        last_day = timezone.localtime(self.ends_at).date() + dt.timedelta(days=1)
        until = timezone.make_aware(dt.datetime.combine(last_day, dt.time()))
        return self.starts_at - ATTENDANCE_OPENS_BEFORE, until

    def attendance_open(self, now: dt.datetime | None = None) -> bool:
        opens, closes = self.attendance_window()
        return opens <= (now or timezone.now()) < closes

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def invited_labels(self) -> list[str]:
        return [Audience(a).label for a in self.invited if a in Audience.values]


class ExpertiseOffer(models.Model):
    """'We can run this': a project, an outside network, or a library document meets a request."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"

    request = models.ForeignKey("TopicRequest", on_delete=models.CASCADE, related_name="offers")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    network = models.CharField(max_length=200, blank=True, help_text="An outside network.")
    document = models.ForeignKey(
        "resources.SharedDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False)
                | ~Q(network="")
                | Q(document__isnull=False),
                name="expertise_offer_names_who",
                violation_error_message="Say who offers it: a project, a network or a document.",
            )
        ]

    def __str__(self) -> str:
        return self.by_name()

    def by_name(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        if self.network:
            return self.network
        return f"the library: {self.document}"


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    offer = models.ForeignKey(
        ExpertiseOffer, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class TopicRequest(models.Model):
    """What a project needs to know or have, asked of its hub."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="topic_requests")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="topic_requests")
    requesters = models.ManyToManyField(Organisation, related_name="topic_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=TopicStatus.choices, default=TopicStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topic_request", args=[self.pk])


class TopicVote(models.Model):
    """One organisation's support for a request (see `actions.VOTE_BUDGET` for the rule)."""

    request = models.ForeignKey(TopicRequest, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="one_vote_per_organisation_per_topic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} supports {self.request_id}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the email address to be confirmed"
    REGISTERED = "registered", "Registered"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


def attendance_code() -> str:
    return secrets.token_hex(3).upper()


class Registration(models.Model):
    """A place at an event, or a place on its waiting list. A member registers with their
    account; an invited guest with a name and email only, and manages it through a signed link."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.MEMBER)
    access_needs = models.TextField(blank=True)
    expenses = models.BooleanField(default=False, help_text="Asks for travel or other expenses.")
    listed = models.BooleanField(
        default=False, help_text="Shown on the attendee list (only by the person's choice)."
    )
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    code = models.CharField(max_length=12, default=attendance_code)
    attended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_email",
                violation_error_message="This email address is already registered for the event.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.event}"


class FeedbackGiven(models.Model):
    """Only *that* a registration answered the event's feedback: never what it said."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback_given"
    )

    def __str__(self) -> str:
        return f"Feedback given for registration {self.registration_id}"


RATING_LABELS = {
    1: "Not useful",
    2: "A little useful",
    3: "Useful",
    4: "Very useful",
    5: "Essential",
}


class FeedbackAnswer(models.Model):
    """An anonymous answer about the event (no session) or one session. No person, no
    organisation, no time, and a random id (a counting id would follow the order people
    answered in, as `FeedbackGiven`'s does): nothing joins it back to who gave it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    do_differently = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_on_scale"
            )
        ]

    def __str__(self) -> str:
        return f"Answer on event {self.event_id}"


FEEDBACK_BATCH = 5  # the threshold results show from (`queries.MIN_ANSWERS`)


class PendingFeedback(models.Model):
    """One person's answers, waiting for the batch (see the module's docstring): the event's
    and each session's `[session id or null, rating, text]`, and the organisation pairs they
    connected with. A random key, no person, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback_pool")
    answers = models.JSONField(default=list)
    pairs = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Pending answers on event {self.event_id}"


class Connection(models.Model):
    """Two organisations whose people met at an event: a tie in the health network's
    "learning" layer. Kept apart from the feedback answer it came from."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="connections")
    a = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "a", "b"], name="one_connection_per_event"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="connection_ordered_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.a_id}–{self.b_id} at event {self.event_id}"


class Notes(models.Model):
    """Notes and materials of an event, or of one of its sessions; every save is kept."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notes")
    session = models.OneToOneField(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(blank=True)
    materials = models.TextField(blank=True, help_text="Links to slides and handouts, one a line.")
    version = version_field()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(session__isnull=True), name="one_event_notes"
            )
        ]

    def __str__(self) -> str:
        return f"Notes of event {self.event_id}"


class NotesRevision(models.Model):
    notes = models.ForeignKey(Notes, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    materials = models.TextField(blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["notes", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of notes {self.notes_id}"
