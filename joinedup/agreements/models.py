"""Agreements: terms of reference, partnership agreements, service-level agreements and
data-sharing protocols, each in versions that members comment on and sign."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.lib.words import listing
from joinedup.versions import version_field


class AgreementKind(models.TextChoices):
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
    PARTNERSHIP_AGREEMENT = "partnership_agreement", "Partnership agreement"
    SLA = "sla", "Service-level agreement"
    DATA_SHARING = "data_sharing", "Data-sharing protocol"
    OTHER = "other", "Other"


# The sections every agreement has (seed 002's must-haves for a partnership agreement, and
# what the Meetings and decisions module reads). Free text inside each.
SECTIONS: list[tuple[str, str, str]] = [
    (
        "goal",
        "Shared goal and outcomes",
        "What the partnership is for and how it will know it is working.",
    ),
    (
        "roles",
        "Roles and responsibilities",
        "Each partner's role, what it commits — and what it gets in return.",
    ),
    (
        "decisions",
        "Decision-making",
        "Who may decide what; who holds delegated authority for urgent decisions; the quorum; "
        "the lead time each organisation needs to take a decision to its board.",
    ),
    (
        "communication",
        "Communication",
        "Meeting tiers and how often they meet; how partners keep in touch between meetings.",
    ),
    (
        "problems",
        "Problems and disagreements",
        "How problems are raised straight away and resolved.",
    ),
    ("membership", "Membership", "Criteria for joining; how partners join and leave."),
    ("confidentiality", "Confidentiality", "What is confidential and how information is shared."),
    ("review", "Review", "When and how this agreement is reviewed."),
]
SECTION_TITLES = {key: title for key, title, _ in SECTIONS}


class Agreement(models.Model):
    """An agreement across its versions."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="agreements"
    )
    kind = models.CharField(max_length=24, choices=AgreementKind.choices)
    title = models.CharField(max_length=200)
    counterparty = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a service-level agreement: the partner it is with; the lead is the other.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="sla", counterparty__isnull=False) | ~Q(kind="sla"),
                name="sla_names_its_partner",
                violation_error_message="A service-level agreement names the partner it is with.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreement", args=[self.partnership_id, self.pk])


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMMENT = "comment", "Out for comment"
    SIGNOFF = "signoff", "Out for sign-off"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"


OPEN_STATUSES = [VersionStatus.DRAFT, VersionStatus.COMMENT, VersionStatus.SIGNOFF]

# The roles, at an organisation named in the decision-making section, that hold delegated
# authority for urgent decisions: by default its admins and managers.
DELEGATE_ROLE_CHOICES = [("admin", "Admins"), ("manager", "Managers"), ("staff", "Staff")]
DEFAULT_DELEGATE_ROLES = ["admin", "manager"]


def default_delegate_roles() -> list[str]:
    return list(DEFAULT_DELEGATE_ROLES)


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    sections = models.JSONField(default=dict, blank=True)
    # Part of the decision-making section, kept structured so that the decisions module can
    # read it: who holds delegated authority for urgent decisions (seed 001: core partners
    # acting at once, then reporting). None named: the lead's admins and managers.
    delegates = models.ManyToManyField(
        "partnerships.Organisation",
        blank=True,
        related_name="+",
        help_text="The organisations whose people hold delegated authority for urgent decisions.",
    )
    delegate_roles = models.JSONField(
        default=default_delegate_roles,
        blank=True,
        help_text="Which of their people hold it: admin, manager, staff.",
    )
    in_force_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Edits of the draft: see joinedup.versions (not to be confused with `number`, which counts
    # the agreement's versions that members sign).
    version = version_field()

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="version_numbers_unique"),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="in_force"),
                name="one_version_in_force",
                violation_error_message="Only one version of an agreement is in force at a time.",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=["draft", "comment", "signoff"]),
                name="one_version_in_progress",
                violation_error_message="This agreement already has a version in progress.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} (version {self.number})"

    def get_absolute_url(self) -> str:
        return reverse(
            "agreement_version",
            args=[self.agreement.partnership_id, self.agreement_id, self.number],
        )

    def delegation(self) -> str:
        """Who holds delegated authority for urgent decisions, in words."""
        names = [o.name for o in self.delegates.order_by("name")]
        if not names:
            return "Not named here: the lead organisation's admins and managers."
        labels = dict(DELEGATE_ROLE_CHOICES)
        roles = listing(labels[r].lower() for r in self.delegate_roles if r in labels)
        return f"The {roles} of {listing(names)}."

    def section_list(self) -> list[tuple[str, str, str, str]]:
        """(key, title, help, text) for every section, in order."""
        return [(key, title, help, self.sections.get(key, "")) for key, title, help in SECTIONS]


class Comment(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(max_length=20, choices=[(k, t) for k, t, _ in SECTIONS])
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.get_section_display()}"


class SignOff(models.Model):
    """An organisation's signature, by a person with authority there (its admin or manager)."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="signoffs")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    board_informed = models.BooleanField(
        help_text="Its board or management committee has been told of this agreement."
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"],
                name="one_signature_per_organisation",
                violation_error_message="This organisation has already signed this version.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.version}"


class Attestation(models.Model):
    """The lead's word, with a note and a date, that a must-do is done where the app holds no
    evidence of it. The latest one for an item counts."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="attestations"
    )
    item = models.CharField(max_length=32)
    note = models.TextField()
    on = models.DateField(default=timezone.localdate)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.item} attested for {self.partnership}"


class ReviewNote(models.Model):
    """A one-to-one consultation with a partner during an agreement's yearly review (seed 001)."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="review_notes"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField()
    on = models.DateField(default=timezone.localdate)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"Review of {self.version} with {self.organisation}"
