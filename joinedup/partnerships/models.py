"""Organisations, the people in them, partnerships and the membership of organisations in them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from joinedup.lib.needs import NEEDS
from joinedup.versions import version_field

charity_number_validator = RegexValidator(
    r"^(\d{6,7}(-\d{1,2})?|SC\d{6}|NIC?\d{5,6})$",
    "Enter a charity number as registered: 6 or 7 digits (England and Wales, e.g. 1123456 or "
    "1123456-1), SC and 6 digits (Scotland) or NIC and 6 digits (Northern Ireland).",
)
company_number_validator = RegexValidator(
    r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$",
    "Enter a company number as Companies House gives it: 8 digits, or 2 letters and 6 digits "
    "(e.g. 01234567 or SC123456).",
)


class Sector(models.TextChoices):
    VOLUNTARY = "voluntary", "Voluntary"
    COMMUNITY = "community", "Community"
    STATUTORY = "statutory", "Statutory"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    FAITH = "faith", "Faith"
    PRIVATE = "private", "Private"


class SizeBand(models.TextChoices):
    """NCVO's bands of annual income."""

    MICRO = "micro", "Micro (under £10k)"
    SMALL = "small", "Small (£10k–£100k)"
    MEDIUM = "medium", "Medium (£100k–£1m)"
    LARGE = "large", "Large (£1m–£10m)"
    MAJOR = "major", "Major (over £10m)"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    charity_number = models.CharField(
        max_length=12, null=True, blank=True, unique=True, validators=[charity_number_validator]
    )
    company_number = models.CharField(
        max_length=8, null=True, blank=True, unique=True, validators=[company_number_validator]
    )
    sector = models.CharField(max_length=20, choices=Sector.choices)
    size = models.CharField(max_length=10, choices=SizeBand.choices, blank=True)
    user_led = models.BooleanField(
        default=False,
        help_text="Governed by the people it serves (e.g. a disabled people's organisation).",
    )
    specialisms = models.JSONField(
        default=list, blank=True, help_text="Codes of the needs it serves."
    )
    areas = models.JSONField(default=list, blank=True, help_text="Places it serves.")
    communities = models.JSONField(
        default=list,
        blank=True,
        help_text="Communities it serves or is led by, e.g. refugee women, young people.",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who added it to Joined Up; they see it even before it joins a partnership.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="organisation_sector_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation", args=[self.pk])

    def specialism_labels(self) -> list[str]:
        return [NEEDS.get(code, code) for code in self.specialisms]


class OrgRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    STAFF = "staff", "Staff"
    VOLUNTEER = "volunteer", "Volunteer"
    TRUSTEE = "trustee", "Trustee"


MANAGING_ORG_ROLES = (OrgRole.ADMIN, OrgRole.MANAGER)
# Roles that act for their organisation day to day: offer, book, comment. Volunteers and
# trustees see what their organisation sees but do not act for it.
ACTING_ORG_ROLES = (OrgRole.ADMIN, OrgRole.MANAGER, OrgRole.STAFF)


class Affiliation(models.Model):
    """A person's place in an organisation: they may belong to several, with a role in each.

    Only the organisation's own admins give or change one (`joinedup.organisations.actions`);
    removing someone deletes the row and keeps a `PastAffiliation` in its place."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(max_length=10, choices=OrgRole.choices, default=OrgRole.STAFF)
    job_title = models.CharField(max_length=200, blank=True)
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="affiliation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class PartnershipModel(models.TextChoices):
    """How the partnership is organised (seed 001's case studies and others)."""

    CO_LOCATION = "co_location", "Co-location"
    CROSS_SECTOR = "cross_sector", "Breaking down sector silos"
    ADAPTING = "adapting_to_change", "Adapting to change"
    STRATEGIC_NETWORK = "strategic_network", "Strategic network"
    REGIONAL_HUB = "regional_hub", "Regional hub"
    CONSORTIUM = "consortium", "Consortium"
    OTHER = "other", "Other"


class PartnershipStatus(models.TextChoices):
    FORMING = "forming", "Forming"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


OUTCOME_KEYS = ("title", "measure", "target")
OUTCOME_LIMITS = {"title": 300, "measure": 300, "target": 200}
MOST_OUTCOMES = 50
OUTCOMES_NOT_A_LIST = "Outcomes must be a list, each with a title, a measure and a target."
OUTCOME_NEEDS_TITLE = "Outcome {n}: say what the outcome is."
OUTCOME_TOO_LONG = "Outcome {n}: its {key} can be at most {limit} characters."
TOO_MANY_OUTCOMES = f"A partnership can record at most {MOST_OUTCOMES} outcomes."


def validate_outcomes(value: object) -> None:
    """Outcomes are a list of `{"title", "measure", "target"}`, in the partnership's order.

    Why a validated JSON list and not an `Outcome` model: a partnership's outcomes are agreed,
    edited and audited together (one before/after in the audit log), are read only with their
    partnership (no extra query on any page or API answer), and nothing else points at one
    outcome yet. When progress against an outcome is recorded, promote them to a model then.

    A measure (how the partnership will know: "number of young people housed") and a target
    ("40 a year") may be left empty while the partners agree them; outcomes written before
    they had either were carried over that way (migration 0006).
    """
    if not isinstance(value, list):
        raise ValidationError(OUTCOMES_NOT_A_LIST)
    if len(value) > MOST_OUTCOMES:
        raise ValidationError(TOO_MANY_OUTCOMES)
    for n, outcome in enumerate(value, start=1):
        if not isinstance(outcome, dict) or set(outcome) != set(OUTCOME_KEYS):
            raise ValidationError(OUTCOMES_NOT_A_LIST)
        if not all(isinstance(outcome[key], str) for key in OUTCOME_KEYS):
            raise ValidationError(OUTCOMES_NOT_A_LIST)
        if not outcome["title"].strip():
            raise ValidationError(OUTCOME_NEEDS_TITLE.format(n=n))
        for key, limit in OUTCOME_LIMITS.items():
            if len(outcome[key]) > limit:
                raise ValidationError(OUTCOME_TOO_LONG.format(n=n, key=key, limit=limit))


class Partnership(models.Model):
    name = models.CharField(max_length=200)
    shared_goal = models.TextField()
    outcomes = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_outcomes],
        help_text="Measurable outcomes it works towards: title, measure and target of each.",
    )
    model = models.CharField(
        max_length=20, choices=PartnershipModel.choices, default=PartnershipModel.OTHER
    )
    area = models.CharField(max_length=200, blank=True)
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    hub = models.ForeignKey(
        "programmes.Hub",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE
    )
    membership_criteria = models.TextField(
        blank=True, help_text="Who may join; shown whenever a member is added (seed 002)."
    )
    member_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The most partners the partnership has agreed to have; empty for no limit.",
    )
    wanted = models.JSONField(
        default=list,
        blank=True,
        help_text="Communities the criteria ask to be represented among the members.",
    )
    version = version_field()  # see joinedup.versions

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                name="partnership_ends_after_start",
                violation_error_message="A partnership cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PartnershipStatus.values), name="partnership_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership", args=[self.pk])


class MemberRole(models.TextChoices):
    """Seed 001's partner types."""

    LEAD = "lead", "Lead"
    CORE = "core", "Core"
    WIDER = "wider", "Wider"


MEMBER_ROLE_HELP = {
    MemberRole.LEAD: "The grant holder: responsible for delivery and reporting to the funder.",
    MemberRole.CORE: "Funded through the partnership, with a key or strategic role in delivery.",
    MemberRole.WIDER: "No financial relationship; involvement may be formal or informal.",
}


class Level(models.TextChoices):
    """The levels at which an organisation is engaged in the partnership (seed 003)."""

    DELIVERY = "delivery", "Delivery"
    MANAGEMENT = "management", "Management"
    STRATEGIC = "strategic", "Strategic / board"


ALREADY_MEMBER = "This organisation is already a current member of the partnership."
LEFT_BEFORE_JOINING = "An organisation cannot leave before it joined."
WIDER_NOT_FUNDED = "Wider partners have no financial relationship with the partnership."


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    """An organisation's membership of a partnership. Leaving ends it; rows are never deleted."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=5, choices=MemberRole.choices)
    funded = models.BooleanField(default=False)
    at_delivery = models.BooleanField(default=False)
    at_management = models.BooleanField(default=False)
    at_strategic = models.BooleanField(default=False)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    leaving_reason = models.TextField(blank=True)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contact_for"
    )
    committed_hours = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Staff hours a month the organisation commits to partnership work (seed 002).",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(role="lead", left_on__isnull=True),
                name="one_current_lead_per_partnership",
                violation_error_message="A partnership has exactly one current lead.",
            ),
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_organisation",
                violation_error_message=ALREADY_MEMBER,
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="membership_leaves_after_joining",
                violation_error_message=LEFT_BEFORE_JOINING,
            ),
            models.CheckConstraint(
                condition=~Q(role="wider", funded=True),
                name="wider_partners_are_not_funded",
                violation_error_message=WIDER_NOT_FUNDED,
            ),
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership} ({self.role})"

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def levels(self) -> list[str]:
        return [
            level
            for level, on in (
                (Level.DELIVERY, self.at_delivery),
                (Level.MANAGEMENT, self.at_management),
                (Level.STRATEGIC, self.at_strategic),
            )
            if on
        ]

    def level_labels(self) -> list[str]:
        return [Level(level).label for level in self.levels]

    def was_current_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """An invitation to an organisation to join a partnership. It invites an organisation, never
    a person into one:

    - an organisation already in Joined Up (`organisation` set) is asked through its own
      admins, who accept or decline on its behalf; accepting gives nobody a role in it;
    - an organisation new to Joined Up is named, with a contact's email; it is made only when
      that contact accepts, signed in with that address, and they become its first admin.

    Only the SHA-256 of the new organisation's link's token is kept."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="An organisation already in Joined Up; otherwise it is made on acceptance.",
    )
    organisation_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    role = models.CharField(max_length=5, choices=MemberRole.choices, default=MemberRole.WIDER)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, help_text="The contact at a new organisation.")
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(role="lead"), name="nobody_is_invited_to_lead"),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(email=""),
                name="a_new_organisation_is_invited_through_a_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} invited to {self.partnership}"

    @property
    def for_new_organisation(self) -> bool:
        return self.organisation_id is None
