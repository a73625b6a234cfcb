"""Shared decisions: proposals, one position per deciding organisation, urgent decisions taken
under delegated authority and ratified at the next meeting, and each organisation's lead time."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class DecisionKind(models.TextChoices):
    CONSENT = "consent", "Consent: passes unless an organisation objects"
    CONSENSUS = "consensus", "Consensus: agree, abstain, disagree or block"
    VOTE = "vote", "Vote: a majority of the deciding organisations"
    ADVICE = "advice", "Advice: the proposer decides after hearing everyone"


class Deciders(models.TextChoices):
    CORE = "core", "Lead and core partners"
    ALL = "all", "All partners"
    STRATEGIC = "strategic", "Partners at the strategic level"


class Stance(models.TextChoices):
    AGREE = "agree", "Agree"
    ABSTAIN = "abstain", "Abstain"
    DISAGREE = "disagree", "Disagree"
    OBJECT = "object", "Object"
    BLOCK = "block", "Block"


# The stances each kind of decision takes; those needing a reason.
STANCES = {
    DecisionKind.CONSENT: (Stance.AGREE, Stance.OBJECT),
    DecisionKind.CONSENSUS: (Stance.AGREE, Stance.ABSTAIN, Stance.DISAGREE, Stance.BLOCK),
    DecisionKind.VOTE: (Stance.AGREE, Stance.ABSTAIN, Stance.DISAGREE),
    DecisionKind.ADVICE: (Stance.AGREE, Stance.ABSTAIN, Stance.DISAGREE),
}
NEEDS_REASON = (Stance.DISAGREE, Stance.OBJECT, Stance.BLOCK)


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Outcome(models.TextChoices):
    PASSED = "passed", "Passed"
    NOT_PASSED = "not_passed", "Not passed"
    BLOCKED = "blocked", "Blocked"
    NO_QUORUM = "no_quorum", "No quorum"
    DECIDED = "decided", "Decided by the proposer after advice"
    URGENT = "urgent", "Decided urgently: awaiting ratification"
    RATIFIED = "ratified", "Decided urgently and ratified"
    NOT_RATIFIED = "not_ratified", "Decided urgently, not ratified"


class Proposal(models.Model):
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField(max_length=200)
    background = models.TextField(blank=True)
    question = models.TextField()
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    deciders = models.CharField(max_length=10, choices=Deciders.choices, default=Deciders.CORE)
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation that proposes.",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closes_on = models.DateField()
    status = models.CharField(
        max_length=6, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_statement = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_early = models.BooleanField(
        default=False, help_text="Closed by someone before its closing date had passed."
    )
    urgent = models.BooleanField(default=False)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The meeting it was decided or ratified at.",
    )
    ratification_item = models.OneToOneField(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", outcome="") | (Q(status="closed") & ~Q(outcome="")),
                name="closed_proposals_have_an_outcome",
            ),
            models.CheckConstraint(condition=Q(kind__in=DecisionKind.values), name="kind_valid"),
            models.CheckConstraint(
                condition=Q(urgent=False) | Q(status="closed"),
                name="urgent_decisions_are_taken",
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposal", args=[self.partnership_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN


class Position(models.Model):
    """An organisation's position on a proposal. A new one replaces the last: the old row stays,
    no longer current, so the history is kept."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance = models.CharField(max_length=10, choices=Stance.choices)
    reason = models.TextField(blank=True)
    cast_at = models.DateTimeField(default=timezone.now)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"],
                condition=Q(current=True),
                name="one_current_position_per_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(stance__in=["disagree", "object", "block"]) | ~Q(reason=""),
                name="dissent_gives_a_reason",
                violation_error_message="Give a reason for disagreeing, objecting or blocking.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_stance_display()}"


class LeadTime(models.Model):
    """How many days an organisation needs to take a decision to its board (seed 001: a
    user-led organisation such as GMCDP takes decisions to its board). It holds in every
    partnership the organisation is in, as its board does."""

    organisation = models.OneToOneField(
        "partnerships.Organisation", on_delete=models.CASCADE, related_name="decision_lead_time"
    )
    days = models.PositiveIntegerField(validators=[MaxValueValidator(365)])
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.days} days"
