"""Meetings: series per tier with a cadence, meetings with agendas, attendance, minutes and
actions, the rotating chair, concerns raised between meetings, the yearly review of how the
partnership communicates, calendar feeds and the notices and reminders sent."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from joinedup.versions import version_field


class Tier(models.TextChoices):
    """Seed 001's meeting tiers."""

    CORE = "core", "Core partners"
    WIDER = "wider", "Wider partners"
    ONE_TO_ONE = "one_to_one", "One-to-one"
    BOARD = "board", "Board / strategic"
    LEARNING = "learning", "Learning"
    ANNUAL_REVIEW = "annual_review", "Annual review"


# Tiers only lead and core partners (and programme officers) see and are invited to.
CORE_TIERS = (Tier.CORE, Tier.BOARD)


class ChairRule(models.TextChoices):
    NONE = "none", "No rotation: the lead chairs"
    ROUND_ROBIN = "round_robin", "Round robin among the members invited"
    ALTERNATING_SECTOR = (
        "alternating_sector",
        "Statutory one year, voluntary and community the next",
    )


class Series(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="meeting_series"
    )
    tier = models.CharField(max_length=16, choices=Tier.choices)
    title = models.CharField(max_length=200)
    min_interval_days = models.PositiveIntegerField(
        help_text="The shortest gap between meetings the partnership aims for, in days."
    )
    max_interval_days = models.PositiveIntegerField(
        help_text="The longest gap; none within it and the series is overdue."
    )
    chair_rule = models.CharField(max_length=20, choices=ChairRule.choices, default="none")
    with_organisation = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a one-to-one: the partner the lead meets.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partnership", "tier", "title"]
        verbose_name_plural = "series"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_interval_days__gte=1)
                & Q(max_interval_days__gte=F("min_interval_days")),
                name="series_interval_range_valid",
                violation_error_message="The longest gap must be at least the shortest.",
            ),
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="series_tier_valid"),
            models.CheckConstraint(
                condition=Q(tier="one_to_one", with_organisation__isnull=False)
                | ~Q(tier="one_to_one"),
                name="one_to_one_names_its_partner",
                violation_error_message="A one-to-one series names the partner the lead meets.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meeting_series", args=[self.partnership_id, self.pk])


class Purpose(models.TextChoices):
    """Seed 001: each meeting should have a clear purpose."""

    DELIVERY = "delivery", "Project delivery"
    AGREEMENT = "agreement", "Revising the partnership agreement"
    UNDERSTANDING = "understanding", "Clarifying understanding between partners"
    REVIEW = "review", "Review"
    LEARNING = "learning", "Learning"
    OTHER = "other", "Other"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One meeting of a series. `uid` never changes, so calendars update the same event;
    `sequence` goes up with every change calendars should show (RFC 5545)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    agenda_circulated_at = models.DateTimeField(null=True, blank=True)
    chair = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chair_name = models.CharField(max_length=200, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message="A meeting ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="meeting_purpose_valid"
            ),
        ]
        indexes = [models.Index(fields=["series", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.series} on {timezone.localtime(self.starts_at):%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meeting", args=[self.series.partnership_id, self.pk])

    @property
    def version(self) -> int:
        """Its version for edits (joinedup.versions) is the calendar's SEQUENCE, which every
        change counts up already."""
        return self.sequence

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    minutes = models.TextField(blank=True)
    version = version_field()  # of the minutes: see joinedup.versions

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Presence(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    presence = models.CharField(max_length=10, choices=Presence.choices)
    person_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="one_attendance_per_organisation"
            ),
            models.CheckConstraint(
                condition=~Q(presence="present") | ~Q(person_name=""),
                name="present_names_the_person",
                violation_error_message="Name the person who was there.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_presence_display()}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ActionPoint(models.Model):
    """An action agreed at a meeting. It is carried to each later meeting of its series until
    it is done (shown there, not copied)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    # The person at the owning organisation who carries it (optional): handover moves it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | (~Q(status="done") & Q(done_at__isnull=True)),
                name="action_done_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        """Not done, and its due date has passed."""
        return self.status != ActionStatus.DONE and self.due_on < timezone.localdate()


class CommunicationReview(models.Model):
    """The yearly review of the communication structure itself (seed 001)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="communication_reviews"
    )
    held_on = models.DateField()
    what_changed = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Communication review of {self.held_on}"


class ConcernAudience(models.TextChoices):
    LEAD = "lead", "The lead only"
    ALL = "all", "All members"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISCUSSING = "discussing", "In discussion"
    RESOLVED = "resolved", "Resolved"


class Concern(models.Model):
    """A concern raised at any time (seed 002: don't wait until the next meeting)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="concerns"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    audience = models.CharField(max_length=4, choices=ConcernAudience.choices)
    title = models.CharField(max_length=200)
    text = models.TextField()
    status = models.CharField(
        max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    resolution = models.TextField(blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution=""),
                name="resolved_concern_has_a_note",
                violation_error_message="Say how the concern was resolved.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("concern", args=[self.partnership_id, self.pk])


class FeedToken(models.Model):
    """A person's secret calendar link: for one partnership, or (partnership empty) for every
    partnership they meet in. Only the SHA-256 of the token is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="one_feed_per_person_and_partnership"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(partnership__isnull=True),
                name="one_personal_feed_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class Notice(models.Model):
    """A notification in the app; the same news goes by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class SentReminder(models.Model):
    """A reminder `joinedup remind` has sent; its key names what and when, so it is never sent
    twice (the unique constraint holds even when two runs overlap)."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
