"""Reflective practice, action learning sets and handover (issue 17, items 5 and 6).

A reflection is written against one of three templates and attached to a partnership, and
within it optionally to a meeting, a referral's outcome or a hub event (one of the
partnership's hub, or one the writer's organisation registered for). Its writer chooses who
reads it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Each template: its key, name, and its prompts as (field, question).
TEMPLATES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "gibbs": (
        "Gibbs's reflective cycle",
        [
            ("description", "Description: what happened?"),
            ("feelings", "Feelings: what were you thinking and feeling?"),
            ("evaluation", "Evaluation: what was good and bad about it?"),
            ("analysis", "Analysis: what sense can you make of it?"),
            ("conclusion", "Conclusion: what else could you have done?"),
            ("action_plan", "Action plan: if it arose again, what would you do?"),
        ],
    ),
    "aar": (
        "After Action Review",
        [
            ("intended", "What was supposed to happen?"),
            ("happened", "What actually happened?"),
            ("why", "Why were they different?"),
            ("differently", "What will we do differently next time?"),
        ],
    ),
    "what": (
        "What? So what? Now what?",
        [
            ("what", "What? What happened, and what was your part?"),
            ("so_what", "So what? Why does it matter; what did you learn?"),
            ("now_what", "Now what? What will you do next?"),
        ],
    ),
}


class Template(models.TextChoices):
    GIBBS = "gibbs", TEMPLATES["gibbs"][0]
    AAR = "aar", TEMPLATES["aar"][0]
    WHAT = "what", TEMPLATES["what"][0]


class Sharing(models.TextChoices):
    PRIVATE = "private", "Only me"
    ORGANISATION = "organisation", "My organisation"
    PARTNERSHIP = "partnership", "The partnership"


class Reflection(models.Model):
    # Not about people being supported, but a private reflection is its writer's alone: a
    # superuser reads it only as the rules allow (`access.may`).
    personal_data = True

    writer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The writer's organisation, whose people read it when shared with it.",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="reflections"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A referral whose outcome this reflects on: never about the person referred.",
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A hub event this reflects on.",
    )
    title = models.CharField(max_length=200)
    template = models.CharField(max_length=8, choices=Template.choices)
    answers = models.JSONField(default=dict)
    sharing = models.CharField(max_length=12, choices=Sharing.choices, default=Sharing.PRIVATE)
    written_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "sharing"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("reflection", args=[self.pk])

    @property
    def audit_label(self) -> str:
        """How the partnership's audit log names it: never by its title, which may be private."""
        return f"Reflection {self.pk}"

    def prompts(self) -> list[tuple[str, str, str]]:
        """(field, question, answer) in the template's order."""
        return [(f, q, self.answers.get(f, "")) for f, q in TEMPLATES[self.template][1]]

    def plain_text(self) -> str:
        return "\n\n".join(f"{q}\n{a}" for _, q, a in self.prompts() if a)


# Action learning sets -----------------------------------------------------------------------

SET_MIN_WEEKS, SET_MAX_WEEKS = 6, 8  # seed 004: "a whole day every 6-8 weeks"


class LearningSet(models.Model):
    """A small group across a partnership's member organisations, meeting every six to eight
    weeks, under its own confidentiality agreement (members accept it on joining)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="learning_sets"
    )
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    confidentiality = models.TextField(
        help_text="What members agree: what is said in the set stays in the set."
    )
    max_members = models.PositiveSmallIntegerField(default=8)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_members__gte=2, max_members__lte=12), name="set_is_small"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def next_between(self, last: dt.date | None) -> tuple[dt.date, dt.date] | None:
        """The window for the next session: six to eight weeks after the last one."""
        if last is None:
            return None
        return last + dt.timedelta(weeks=SET_MIN_WEEKS), last + dt.timedelta(weeks=SET_MAX_WEEKS)


class SetMember(models.Model):
    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(
        default=timezone.now, help_text="When they accepted the confidentiality agreement."
    )

    class Meta:
        ordering = ["accepted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["learning_set", "user"], name="one_membership_a_set")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.learning_set_id}"


class SetJoinRequest(models.Model):
    """Someone asks to join a set; a current member approves or declines. Until approved they
    read nothing of the set but what everyone in the partnership reads."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a member's answer"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    asked_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "user"],
                condition=Q(status="pending"),
                name="one_pending_join_request_a_set",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} asks to join {self.learning_set_id}"


class SetSession(models.Model):
    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    notes = models.TextField(blank=True, help_text="Seen by the set's members only.")
    attended = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.learning_set_id} on {self.held_on}"


# Handover -----------------------------------------------------------------------------------


class HandoverReason(models.TextChoices):
    LEFT = "left", "Left the organisation"
    ROLE = "role", "Role in a partnership changed"


class HandoverStatus(models.TextChoices):
    OPEN = "open", "Waiting for the successor"
    CONFIRMED = "confirmed", "Confirmed by the successor"


class Handover(models.Model):
    """What a person leaving a role passes on. Started by Joined Up when they leave their
    organisation or stop being a partnership's contact, pre-filled from what it holds; the
    leaver adds what they know; only the named successor confirms it."""

    personal_data = True  # the leaver's notes: only the rules decide, not being a superuser

    leaver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="handovers_given"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handovers",
        help_text="For a change of role in one partnership; empty when they left the organisation.",
    )
    reason = models.CharField(max_length=8, choices=HandoverReason.choices)
    prefill = models.JSONField(default=dict, help_text="What Joined Up held when it started.")
    leaver_notes = models.TextField(blank=True)
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handovers_received",
    )
    status = models.CharField(
        max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.OPEN
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="confirmed", confirmed_at__isnull=False, successor__isnull=False)
                | Q(status="open", confirmed_at__isnull=True),
                name="handover_confirmed_by_a_successor",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("leaver")), name="handover_to_someone_else"
            ),
            models.UniqueConstraint(
                fields=["leaver", "organisation"],
                condition=Q(status="open"),
                name="one_open_handover_a_leaver",
            ),
        ]

    def __str__(self) -> str:
        return f"Handover from {self.leaver}"

    @property
    def is_open(self) -> bool:
        return self.status == HandoverStatus.OPEN


class HandoverItem(models.Model):
    """Something that moves to the successor on confirmation: a partnership contact or an
    open action point. Kept by id, so confirmation moves what is still there."""

    CONTACT, ACTION = "contact", "action"
    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=8, choices=[(CONTACT, "Contact"), (ACTION, "Action")])
    membership = models.ForeignKey(
        "partnerships.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action_point = models.ForeignKey(
        "meetings.ActionPoint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    moved = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.kind} of {self.handover}"


class HandoverQuestion(models.Model):
    """The successor's questions and the answers, one thread."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
