"""How an organisation runs its own people: invitations to join it, and the record of those
who have left. The people themselves are `partnerships.Affiliation` rows; only this app's
actions write them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.partnerships.models import Organisation, OrgRole

# A link to join an organisation is good for this long; after that its admins send a new one.
PERSON_INVITATION_LIFETIME = dt.timedelta(days=14)


class PersonInvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PersonInvitation(models.Model):
    """An organisation's admin invites a person, by email, to join it in a role. Only the
    SHA-256 of the link's token is kept; the invitee accepts signed in with that address."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="person_invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=OrgRole.choices, default=OrgRole.STAFF)
    job_title = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=10,
        choices=PersonInvitationStatus.choices,
        default=PersonInvitationStatus.PENDING,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(status="pending"),
                name="one_pending_person_invitation_per_address",
                violation_error_message="This address has already been invited to join.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=OrgRole.values), name="person_invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.organisation}"

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + PERSON_INVITATION_LIFETIME

    @property
    def is_open(self) -> bool:
        return self.status == PersonInvitationStatus.PENDING and timezone.now() < self.expires_at


class PastAffiliation(models.Model):
    """Someone's time in an organisation, written when they are removed from it. Removing
    deletes their `Affiliation` (so no query anywhere can still count it as access) and keeps
    this row instead; rows here are never changed or deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="past_affiliations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="past_affiliations"
    )
    role = models.CharField(max_length=10, choices=OrgRole.choices)
    job_title = models.CharField(max_length=200, blank=True)
    since = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-ended_at"]

    def __str__(self) -> str:
        role = self.get_role_display()
        return f"{self.user} ({role}, {self.organisation}) until {self.ended_at:%Y-%m-%d}"
