"""The Good Partners Charter (seed 004): versions a programme or partnership adopts, the
organisations that sign, the skills framework people assess themselves against, the yearly
peer view, and development plans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class CharterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMMENT = "comment", "Out for comment"
    ADOPTED = "adopted", "Adopted"
    SUPERSEDED = "superseded", "Superseded"


class Charter(models.Model):
    """A programme's charter, or a partnership's own. Partnerships without one of their own use
    their programme's."""

    programme = models.OneToOneField(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="charter",
    )
    partnership = models.OneToOneField(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="charter",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=True) ^ Q(partnership__isnull=True),
                name="charter_belongs_to_one_programme_or_partnership",
            )
        ]

    def __str__(self) -> str:
        return f"Charter of {self.programme or self.partnership}"


class CharterVersion(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    themes = models.JSONField()
    status = models.CharField(
        max_length=12, choices=CharterStatus.choices, default=CharterStatus.DRAFT
    )
    from_default = models.BooleanField(
        default=False, help_text="Adopted unchanged from Joined Up's draft Charter."
    )
    adopted_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["charter", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="charter_numbers_unique"),
            models.UniqueConstraint(
                fields=["charter"],
                condition=Q(status="adopted"),
                name="one_charter_version_adopted",
            ),
            models.UniqueConstraint(
                fields=["charter"],
                condition=Q(status__in=["draft", "comment"]),
                name="one_charter_version_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class Signature(models.Model):
    """An organisation's signature of a charter version, by a person with authority there.
    It is reaffirmed yearly; a withdrawn one keeps its reason."""

    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="charter_signatures"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    board_informed = models.BooleanField()
    by_default = models.BooleanField(
        default=False,
        help_text="Commits to partnership by default: new projects are planned with partners "
        "unless there is a case for going alone.",
    )
    signed_on = models.DateField(default=timezone.localdate)
    reaffirmed_on = models.DateField(default=timezone.localdate)
    reaffirm_by = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_standing_signature_per_organisation",
                violation_error_message="This organisation has already signed this version.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdrawn_reason=""),
                name="withdrawal_gives_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.version}"


class SkillsFramework(models.Model):
    """A programme's skills of a good partner, versioned: an edit makes a new version, so an
    assessment keeps the words it answered."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="skills_frameworks"
    )
    number = models.PositiveIntegerField()
    skills = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="skills_numbers_unique")
        ]

    def __str__(self) -> str:
        return f"Skills framework version {self.number}"


class SelfAssessment(models.Model):
    """A person's view of their own skills: {skill key: {"level": 1-4 or None, "evidence"}}.
    None is "not yet observed". Seen by them; by their organisation's managers only if shared."""

    framework = models.ForeignKey(
        SkillsFramework, on_delete=models.PROTECT, related_name="assessments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="charter_assessments"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    answers = models.JSONField()
    shared_with_manager = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person}'s self-assessment"


class PeerView(models.Model):
    """A partnership's yearly round in which member organisations rate each other (and
    themselves) on the Charter's principles."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="peer_views"
    )
    year = models.PositiveIntegerField()
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(default=timezone.localdate)
    closes_on = models.DateField(help_text="The last day on which members can rate.")
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the lead closed it before its closing date."
    )

    class Meta:
        ordering = ["partnership", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="one_peer_view_a_year"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opened_on")), name="peer_view_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"Peer view {self.year} of {self.partnership}"

    def is_open(self, today: dt.date | None = None) -> bool:
        """Ratings are taken until the end of `closes_on`, unless the lead closed it early.
        Results are shown only once it is closed, so that they never move with each rating
        (which would tell anyone who reads them before and after what one person said)."""
        return self.closed_at is None and (today or timezone.localdate()) <= self.closes_on

    def closed_on(self) -> dt.date:
        """The day it closed (or will close): early, or the day after its closing date."""
        if self.closed_at is not None:
            return timezone.localdate(self.closed_at)
        return self.closes_on + dt.timedelta(days=1)


def peer_views_closed(today: dt.date | None = None) -> Q:
    """`PeerView` rows closed by `today`: the same rule as `PeerView.is_open`."""
    return Q(closed_at__isnull=False) | Q(closes_on__lt=today or timezone.localdate())


class PeerRating(models.Model):
    """One person's rating, for their organisation, of one organisation on one principle.
    `score` None is "don't know". A rating of one's own organisation is its self-view."""

    peer_view = models.ForeignKey(PeerView, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rater_org = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    rated_org = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    principle = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["peer_view", "rater", "rated_org", "principle"],
                name="one_rating_per_rater_principle",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=4),
                name="peer_score_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rater_org} on {self.rated_org}: {self.principle}"


class Support(models.TextChoices):
    HUB_EVENT = "hub_event", "A hub event on the topic"
    ACTION_LEARNING = "action_learning", "An action learning set"
    MENTORING = "mentoring", "Mentoring by a partner strong here"


class PlanItem(models.Model):
    """One line of an organisation's development plan in a partnership: a low-rated skill or
    principle, and the support offered for it."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="charter_plan_items"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=40, help_text="A principle's or skill's key.")
    title = models.CharField(max_length=200)
    score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    support = models.CharField(max_length=16, choices=Support.choices)
    topic_request = models.ForeignKey(
        "events.TopicRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_offer = models.ForeignKey(
        "resources.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["score", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "subject"], name="one_plan_item_a_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title}"
