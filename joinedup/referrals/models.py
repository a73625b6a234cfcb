"""Referrals between partners with the person's consent, under a data-sharing protocol.

The person's record is held by the organisation that supports them. A referral shares only the
fields that both the partnership's protocol in force and the person's consent allow; the
receiver reads them through the referral, and only while the consent stands. Every view,
export and change of personal data writes an `Access` row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from joinedup.lib.postcodes import outward
from joinedup.versions import version_field

# The fields of a person's record that can be shared, in the order forms show them.
FIELDS: dict[str, str] = {
    "name": "Name",
    "contact": "How to contact them",
    "safe_contact": "How not to contact them (safe contact)",
    "born_on": "Date of birth",
    "age_band": "Age band",
    "postcode": "Postcode",
    "needs": "Needs",
    "notes": "Notes",
}
FIELD_CHOICES = list(FIELDS.items())
# Fields that can reveal health, abuse, offending and the like (UK GDPR article 9 and 10 data).
SPECIAL_CATEGORY = frozenset({"needs", "notes"})


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", "Under 16"
    A16_17 = "16_17", "16–17"
    A18_24 = "18_24", "18–24"
    A25_34 = "25_34", "25–34"
    A35_49 = "35_49", "35–49"
    A50_64 = "50_64", "50–64"
    A65 = "65_plus", "65 and over"


class Purpose(models.TextChoices):
    REFERRAL = "referral", "Referral for support"
    COORDINATION = "coordination", "Co-ordinating support between services"
    SAFEGUARDING = "safeguarding", "Safeguarding"


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", "Verbal"
    WRITTEN = "written", "Written"
    DIGITAL = "digital", "Digital"


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Consent"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    PUBLIC_TASK = "public_task", "Public task"
    VITAL_INTERESTS = "vital_interests", "Vital interests (safeguarding)"


class Person(models.Model):
    """Someone an organisation supports: a minimal record, seen by that organisation's staff
    and, through a referral, by the organisations it refers them to with consent.

    Erasure blanks every personal field and sets `erased_at`; the row stays so that the
    de-identified facts (a referral happened, its outcome) still count."""

    personal_data = True  # a superuser sees it only as the rules allow (access.may)

    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(max_length=200, blank=True)
    contact = models.TextField(blank=True, help_text="Phone, email or address.")
    safe_contact = models.TextField(
        blank=True, help_text="How not to contact them, e.g. “do not leave messages”."
    )
    born_on = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    needs = models.JSONField(default=list, blank=True, help_text="Need codes.")
    notes = models.TextField(blank=True)
    invented = models.BooleanField(
        default=False, help_text="Made up for the demo: no such person exists."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)
    version = version_field()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True) | Q(name=""),
                name="erased_person_has_no_name",
            )
        ]

    def __str__(self) -> str:
        # Audit rows and logs name a person by number only: their name is personal data.
        return f"Person {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("person", args=[self.pk])

    @property
    def area(self) -> str:
        """The outward part of the postcode (e.g. "M14"): coarse enough to count by."""
        return outward(self.postcode)


class Consent(models.Model):
    """A person's consent to share their data, after ISO/IEC TS 27560 and the Kantara consent
    receipt: who, how, recorded by whom and when, for which purposes, which data, with whom,
    until when — and its withdrawal."""

    personal_data = True  # a superuser sees it only as the rules allow (access.may)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="Leave blank when the person consented themselves; else who did, and why.",
    )
    method = models.CharField(max_length=8, choices=ConsentMethod.choices)
    purposes = models.JSONField(default=list)
    fields = models.JSONField(default=list, help_text="The categories of data it covers.")
    recipients = models.ManyToManyField("partnerships.Organisation", related_name="+")
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Consent {self.pk} of person {self.person_id}"

    def get_absolute_url(self) -> str:
        return reverse("consent", args=[self.person_id, self.pk])

    def stands(self, today: dt.date | None = None) -> bool:
        """Not withdrawn and not expired."""
        return self.withdrawn_at is None and self.expires_on >= (today or timezone.localdate())


class Protocol(models.Model):
    """The data-sharing terms of one version of a data-sharing agreement (ICO data sharing
    code). Members sign them through the agreement's lifecycle; the terms of the version in
    force are those referrals follow."""

    version = models.OneToOneField(
        "agreements.AgreementVersion", on_delete=models.CASCADE, related_name="protocol"
    )
    lawful_basis = models.CharField(max_length=24, choices=LawfulBasis.choices)
    retention_days = models.PositiveIntegerField(
        help_text="Days personal data is kept after a referral ends."
    )
    security = models.TextField(blank=True, help_text="What every partner does to keep it safe.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_days__gte=1), name="protocol_keeps_data_a_day_at_least"
            )
        ]

    def __str__(self) -> str:
        return f"Protocol of {self.version}"


class Flow(models.Model):
    """One field the protocol lets flow: for which purposes, to which members (none named:
    every member)."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="flows")
    field = models.CharField(max_length=16, choices=FIELD_CHOICES)
    purposes = models.JSONField(default=list)
    recipients = models.ManyToManyField("partnerships.Organisation", blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "field"], name="one_flow_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.field} under {self.protocol}"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    SEEN = "seen", "Seen"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


WAITING = (Status.SENT, Status.SEEN)  # for the receiver's answer
OPEN = (Status.DRAFT, Status.SENT, Status.SEEN, Status.ACCEPTED, Status.IN_PROGRESS)
ENDED = (Status.DECLINED, Status.COMPLETED, Status.CLOSED, Status.WITHDRAWN, Status.EXPIRED)


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    NO_CAPACITY = "no_capacity", "No capacity"
    BETTER_ELSEWHERE = "better_elsewhere", "Needs better met elsewhere"
    NO_CONTACT = "no_contact", "Could not contact"
    PERSON_DECLINED = "person_declined", "Person declined"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    GOT_HELP = "got_help", "Got help"
    NO_HELP = "no_help", "Could not get help"


class Referral(models.Model):
    """A person referred from one member to another, with the fields shared and why.

    `need`, `area`, the organisations, dates, status, reason and outcome are de-identified and
    outlive erasure; `summary`, notes and messages are personal and go with it."""

    personal_data = True  # a superuser sees it only as the rules allow (access.may)

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, related_name="referrals"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="referrals")
    from_org = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_org = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    need = models.CharField(max_length=64, blank=True)
    area = models.CharField(max_length=10, blank=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.REFERRAL)
    fields = models.JSONField(default=list, help_text="The person's fields shared with it.")
    summary = models.TextField(blank=True, help_text="Why the referral, in the referrer's words.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    decline_reason = models.CharField(max_length=16, choices=DeclineReason.choices, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True, help_text="The receiver's note on declining or closing.")
    batch = models.UUIDField(
        null=True, blank=True, help_text="Referrals sent together: a net of support."
    )
    passed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="passed_on"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["to_org", "status"]),
            models.Index(fields=["from_org", "status"]),
            # The evidence windows: a partnership's referrals made or sent in a period.
            models.Index(fields=["partnership", "created_at"], name="referral_partnership_created"),
            models.Index(fields=["partnership", "sent_at"], name="referral_partnership_sent"),
            # The referrals page: an organisation's latest referrals sent and received, read
            # from the index in order rather than by sorting all of them (issue 19).
            models.Index(fields=["from_org", "created_at", "id"], name="referral_from_created"),
            models.Index(fields=["to_org", "created_at", "id"], name="referral_to_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_org=F("to_org")), name="referral_goes_to_another_organisation"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="a_decline_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="a_completed_referral_has_an_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("referral", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Event(models.Model):
    """A change of a referral's status: the loop the referrer sees closed."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral} {self.status}"


class Message(models.Model):
    """A message between the two organisations on a referral; `asks_for_info` marks the
    receiver asking for more information."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    organisation = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    asks_for_info = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Message on {self.referral}"


class Signpost(models.Model):
    """Someone told about a service, with nothing about them recorded: it counts in the flows
    between organisations."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="signposts"
    )
    from_org = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    need = models.CharField(max_length=64, blank=True)
    area = models.CharField(max_length=10, blank=True)
    on = models.DateField(default=timezone.localdate)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["partnership", "on"], name="signpost_partnership_on")]

    def __str__(self) -> str:
        return f"Signpost {self.pk}"


class Timings(models.Model):
    """When an unanswered referral is chased, escalated and expired, per partnership; without
    a row the defaults hold (2 and 5 working days, 14 days)."""

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="referral_timings"
    )
    remind_after = models.PositiveSmallIntegerField(default=2, help_text="Working days.")
    escalate_after = models.PositiveSmallIntegerField(default=5, help_text="Working days.")
    expire_after = models.PositiveSmallIntegerField(default=14, help_text="Days.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(remind_after__gte=1)
                & Q(escalate_after__gt=F("remind_after"))
                & Q(expire_after__gte=1),
                name="timings_in_order",
                violation_error_message="Escalate later than the reminder; every period is at "
                "least a day.",
            )
        ]

    def __str__(self) -> str:
        return f"Referral timings of {self.partnership}"


class AccessKind(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    SHARE = "share", "Shared"
    WITHDRAW = "withdraw", "Consent withdrawn"
    ERASE = "erase", "Erased"


class Access(models.Model):
    """Who viewed, exported or changed a person's data, when, and for what purpose. Rows are
    only added. The admins and managers of the organisation holding the record, and of the
    organisation whose staff acted, read them."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_org = models.ForeignKey(
        "partnerships.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation the actor acted for.",
    )
    holder = models.ForeignKey(
        "partnerships.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=AccessKind.choices)
    record = models.CharField(max_length=64, help_text="Which record, e.g. “consent 12”.")
    purpose = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["holder", "-at"]),
            models.Index(fields=["actor_org", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.record}"
