"""Partnership health: rounds of the health check and their answers, the collaboration ratings
organisations give each other, and the time members put into partnership work."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Round(models.Model):
    """One round of the health check: the lead opens it, members answer until it closes."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="health_rounds"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_on = models.DateField(default=timezone.localdate)
    closes_on = models.DateField(help_text="The last day on which members can answer.")
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["partnership", "-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="open"),
                name="one_open_health_round_per_partnership",
                violation_error_message="This partnership already has a round open.",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opened_on")),
                name="health_round_closes_after_opening",
                violation_error_message="A round cannot close before it opens.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="health_round_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="health_round_closed_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Health check opened {self.opened_on:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("health_round", args=[self.partnership_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class Answer(models.Model):
    """One person's answer to one statement, for the organisation they answer for.
    `score` is 1 (strongly disagree) to 5 (strongly agree), or null for "don't know"."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    statement = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "organisation", "user", "statement"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user", "statement"], name="one_health_answer_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="health_answer_score_range",
                violation_error_message="A score is 1 to 5, or empty for don't know.",
            ),
        ]
        indexes = [models.Index(fields=["round", "organisation"])]

    def __str__(self) -> str:
        return f"{self.statement}: {self.score if self.score is not None else 'don’t know'}"


class Reflection(models.Model):
    """One person's answers to the two open questions of a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reflections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    working = models.TextField(blank=True, help_text="What is working well in the partnership.")
    would_help = models.TextField(blank=True, help_text="What would help it work better.")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "organisation", "answered_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_health_reflection_each"),
        ]

    def __str__(self) -> str:
        return f"Reflection in {self.round}"


class CollaborationLevel(models.IntegerChoices):
    """The Levels of Collaboration scale (Frey et al. 2006), in our words."""

    NONE = 0, "No interaction"
    NETWORKING = 1, "Networking"
    COOPERATION = 2, "Cooperation"
    COORDINATION = 3, "Coordination"
    COALITION = 4, "Coalition"
    COLLABORATION = 5, "Collaboration"


def _one_to_four(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 4})


TRUST_FIELDS = ("reliability", "mission", "openness")
VALUE_FIELDS = ("influence", "involvement", "resources")


class Rating(models.Model):
    """How one member organisation rates its relationship with another: the level of
    collaboration (0–5) and, after PARTNER, trust and value (each 1–4, empty when not given).
    Ratings are kept; the latest for each rater → rated pair counts."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="health_ratings"
    )
    rater = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    rated = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(choices=CollaborationLevel.choices)
    reliability = models.PositiveSmallIntegerField(null=True, blank=True)
    mission = models.PositiveSmallIntegerField(null=True, blank=True)
    openness = models.PositiveSmallIntegerField(null=True, blank=True)
    influence = models.PositiveSmallIntegerField(null=True, blank=True)
    involvement = models.PositiveSmallIntegerField(null=True, blank=True)
    resources = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partnership", "rater", "rated", "-rated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rater=F("rated")),
                name="health_rating_not_of_itself",
                violation_error_message="An organisation does not rate itself.",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=5),
                name="health_rating_level_range",
                violation_error_message="A level is 0 to 5.",
            ),
            *(
                models.CheckConstraint(
                    condition=_one_to_four(field), name=f"health_rating_{field}_range"
                )
                for field in TRUST_FIELDS + VALUE_FIELDS
            ),
        ]
        indexes = [models.Index(fields=["partnership", "rater", "rated", "rated_at"])]

    def __str__(self) -> str:
        return f"{self.rater} rates {self.rated}: {self.level}"


MAX_HOURS_PER_ENTRY = Decimal(168)
# What one member organisation may log for one partnership on one day, all entries together:
# the hours in a day, so that logged time cannot be inflated past what anyone could spend.
MAX_HOURS_PER_DAY = Decimal(24)


class TimeLog(models.Model):
    """Hours an organisation's people spent on partnership work outside its meetings
    (meeting time is counted from attendance)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="time_logs"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partnership", "-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_ENTRY),
                name="health_timelog_hours_range",
                violation_error_message="Hours must be more than 0 and at most 168 (one week).",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "on"])]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.hours} h on {self.on}"
