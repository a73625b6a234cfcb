"""What the referral actions share: their error messages, and moving a referral on."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from joinedup.actions import person as signed_in
from joinedup.audit.actions import audit_record, snapshot
from joinedup.referrals.models import (
    FIELDS,
    AccessKind,
    Event,
    Referral,
    Status,
)
from joinedup.referrals.privacy import log_access

NOT_YOURS = "You do not act for this organisation."
NOT_A_MEMBER = "{org} is not a current member of {partnership}."
NO_SERVICE_ORG = "This service is not run by a member organisation of Joined Up."
PERSON_ERASED = "This person's data has been erased."
FIELD_NOT_ALLOWED = "{label} cannot be shared: {why}"
NOT_NOW = "A referral that is {status} cannot be {verb}."
PROTOCOL_FIXED = (
    "The terms of a version that is out for sign-off, in force or superseded are fixed."
)
NOT_IN_FORCE = "This protocol is not in force."

PERSON_FIELDS = list(FIELDS)


def move_to(
    referral: Referral,
    status: str,
    *,
    by: Any,
    organisation_id: int | None,
    note: str = "",
    written: bool = False,
) -> None:
    """Move `referral` to `status`, with its event and audit row. A note someone `written` may
    be about the person, so writing it goes in the personal-data access log too."""
    now = timezone.now()
    referral.status = status
    stamps: dict[str, str] = {Status.SENT: "sent_at", Status.SEEN: "seen_at"}
    if status in stamps:
        setattr(referral, stamps[status], now)
    if status in (Status.ACCEPTED, Status.DECLINED) and referral.responded_at is None:
        referral.responded_at = now
    if status in (
        Status.DECLINED,
        Status.COMPLETED,
        Status.CLOSED,
        Status.WITHDRAWN,
        Status.EXPIRED,
    ):
        referral.ended_at = now
    referral.save()
    Event.objects.create(
        referral=referral,
        by=signed_in(by),
        organisation_id=organisation_id,
        status=status,
        note=note,
    )
    audit_record(
        actor=by,
        action=f"referral.{status}",
        obj=referral,
        partnership=referral.partnership,
        after=snapshot(referral, ["status", "decline_reason", "outcome"]),
    )
    if written and note:
        log_access(
            by=by,
            kind=AccessKind.CHANGE,
            person=referral.person,
            referral=referral,
            acting_for=organisation_id,
            record=str(referral),
            purpose=f"Note on {referral.get_status_display().lower()}",
        )


def lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("person", "consent", "from_org", "to_org", "partnership")
        .get(pk=referral.pk)
    )
