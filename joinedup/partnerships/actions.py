"""Writes for organisations, affiliations, partnerships and memberships.

Each function runs in one transaction and writes its audit row. A rule broken by the caller's
input raises `ValidationError` naming the field; views and the API turn it into a 4xx.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import hash_token
from joinedup.actions import action, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.partnerships.models import (
    ALREADY_MEMBER,
    LEFT_BEFORE_JOINING,
    WIDER_NOT_FUNDED,
    Affiliation,
    Invitation,
    InvitationStatus,
    Level,
    MemberRole,
    Membership,
    Organisation,
    OrgRole,
    Partnership,
)

ORGANISATION_FIELDS = [
    "name",
    "charity_number",
    "company_number",
    "sector",
    "size",
    "user_led",
    "specialisms",
    "areas",
    "communities",
    "website",
    "description",
]
PARTNERSHIP_FIELDS = [
    "name",
    "shared_goal",
    "outcomes",
    "model",
    "area",
    "programme",
    "hub",
    "start_on",
    "end_on",
    "status",
    "membership_criteria",
    "member_limit",
    "wanted",
]
MEMBERSHIP_FIELDS = [
    "role",
    "funded",
    "levels",
    "joined_on",
    "left_on",
    "leaving_reason",
    "committed_hours",
]

LEAD_BY_HANDOVER = "A partnership has one lead: make another member the lead instead."
LEAD_CANNOT_LEAVE = "The lead cannot leave until another member is made the lead."
REASON_REQUIRED = "Say why the organisation is leaving; the history keeps it."
ALREADY_LEFT = "This organisation has already left the partnership."
LEAVING_NOT_YET = "Record a leaving once it has happened: the date cannot be in the future."
AT_LIMIT = "The partnership has agreed to have at most {limit} partners, and has that many."
HUB_OUTSIDE_PROGRAMME = "The hub must belong to the partnership's programme."


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    """Run the model's validation (formats, choices, uniqueness), raising field errors."""
    instance.full_clean(exclude=exclude)


def _blank_to_none(value: str | None) -> str | None:
    return (value or "").strip().upper() or None


@action
def organisation_create(*, by: Any, name: str, sector: str, **fields: Any) -> Organisation:
    for key in ("charity_number", "company_number"):
        if key in fields:
            fields[key] = _blank_to_none(fields[key])
    organisation = Organisation(name=name, sector=sector, added_by=person(by), **fields)
    _clean(organisation)
    organisation.save()
    audit_record(
        actor=by,
        action="organisation.create",
        obj=organisation,
        after=snapshot(organisation, ORGANISATION_FIELDS),
    )
    return organisation


@action
def organisation_update(*, organisation: Organisation, by: Any, **changes: Any) -> Organisation:
    before = snapshot(organisation, ORGANISATION_FIELDS)
    for key in ("charity_number", "company_number"):
        if key in changes:
            changes[key] = _blank_to_none(changes[key])
    for key, value in changes.items():
        setattr(organisation, key, value)
    _clean(organisation)
    organisation.save()
    audit_record(
        actor=by,
        action="organisation.update",
        obj=organisation,
        before=before,
        after=snapshot(organisation, ORGANISATION_FIELDS),
    )
    return organisation


@action
def affiliation_set(
    *, user: Any, organisation: Organisation, role: str, by: Any, job_title: str = ""
) -> Affiliation:
    """Give `user` the role `role` in `organisation`, adding them to it if need be."""
    affiliation, created = Affiliation.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role, "job_title": job_title}
    )
    before = {} if created else snapshot(affiliation, ["role", "job_title"])
    affiliation.role, affiliation.job_title = role, job_title
    _clean(affiliation, exclude=["user", "organisation"])
    affiliation.save()
    audit_record(
        actor=by,
        action="affiliation.set",
        obj=affiliation,
        before=before,
        after=snapshot(affiliation, ["role", "job_title"]),
    )
    return affiliation


def _lock(membership: Membership) -> Membership:
    """The membership as it is now in the database, locked until the transaction ends, so
    that a change decided on a copy loaded earlier cannot undo someone else's."""
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("partnership", "organisation")
        .get(pk=membership.pk)
    )


def _levels(levels: list[str] | None) -> dict[str, bool]:
    chosen = set(levels or [])
    unknown = chosen - set(Level.values)
    if unknown:
        raise ValidationError({"levels": f"Unknown level: {', '.join(sorted(unknown))}."})
    return {
        "at_delivery": Level.DELIVERY in chosen,
        "at_management": Level.MANAGEMENT in chosen,
        "at_strategic": Level.STRATEGIC in chosen,
    }


def _check_hub(partnership: Partnership) -> None:
    hub = partnership.hub
    if hub is not None and hub.programme_id != partnership.programme_id:
        raise ValidationError({"hub": HUB_OUTSIDE_PROGRAMME})


@action
def partnership_create(
    *, by: Any, name: str, shared_goal: str, lead: Organisation, start_on: dt.date, **fields: Any
) -> Partnership:
    """A new partnership, with `lead` as its lead member from `start_on`."""
    partnership = Partnership(name=name, shared_goal=shared_goal, start_on=start_on, **fields)
    _clean(partnership)
    _check_hub(partnership)
    partnership.save()
    audit_record(
        actor=by,
        action="partnership.create",
        obj=partnership,
        partnership=partnership,
        after=snapshot(partnership, PARTNERSHIP_FIELDS),
    )
    membership_add(
        by=by,
        partnership=partnership,
        organisation=lead,
        role=MemberRole.LEAD,
        funded=True,
        levels=[Level.MANAGEMENT, Level.STRATEGIC],
        joined_on=start_on,
        _creating=True,
    )
    return partnership


@action
def partnership_update(*, partnership: Partnership, by: Any, **changes: Any) -> Partnership:
    before = snapshot(partnership, PARTNERSHIP_FIELDS)
    for key, value in changes.items():
        setattr(partnership, key, value)
    _clean(partnership)
    _check_hub(partnership)
    partnership.save()
    audit_record(
        actor=by,
        action="partnership.update",
        obj=partnership,
        partnership=partnership,
        before=before,
        after=snapshot(partnership, PARTNERSHIP_FIELDS),
    )
    return partnership


@action
def membership_add(
    *,
    by: Any,
    partnership: Partnership,
    organisation: Organisation,
    role: str,
    joined_on: dt.date | None = None,
    funded: bool = False,
    levels: list[str] | None = None,
    _creating: bool = False,
) -> Membership:
    """Add `organisation` to `partnership`. A new lead comes only with the partnership itself."""
    if role == MemberRole.LEAD and not _creating:
        raise ValidationError({"role": LEAD_BY_HANDOVER})
    if role == MemberRole.WIDER and funded:
        raise ValidationError({"funded": WIDER_NOT_FUNDED})
    current = partnership.memberships.current()
    if current.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": ALREADY_MEMBER})
    if partnership.member_limit is not None and current.count() >= partnership.member_limit:
        raise ValidationError({"organisation": AT_LIMIT.format(limit=partnership.member_limit)})
    membership = Membership(
        partnership=partnership,
        organisation=organisation,
        role=role,
        funded=funded,
        joined_on=joined_on or timezone.localdate(),
        **_levels(levels),
    )
    _clean(membership)
    membership.save()
    audit_record(
        actor=by,
        action="membership.add",
        obj=membership,
        partnership=partnership,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@action
def membership_change(
    *,
    membership: Membership,
    by: Any,
    role: str | None = None,
    funded: bool | None = None,
    levels: list[str] | None = None,
    contacts: list[Any] | None = None,
    committed_hours: Decimal | None = None,
) -> Membership:
    """Change a current member's role, funding, levels or named contacts.

    Making a member the lead hands the lead over: the previous lead becomes a core partner in
    the same transaction, so the partnership always has exactly one lead.
    """
    membership = _lock(membership)
    if not membership.is_current:
        raise ValidationError({"membership": ALREADY_LEFT})
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    if role is not None and role != membership.role:
        if membership.role == MemberRole.LEAD:
            raise ValidationError({"role": LEAD_BY_HANDOVER})
        if role == MemberRole.LEAD:
            previous = (
                membership.partnership.memberships.current()
                .select_for_update()
                .get(role=MemberRole.LEAD)
            )
            previous_before = snapshot(previous, MEMBERSHIP_FIELDS)
            previous.role = MemberRole.CORE
            previous.save(update_fields=["role"])
            audit_record(
                actor=by,
                action="membership.change",
                obj=previous,
                partnership=previous.partnership,
                before=previous_before,
                after=snapshot(previous, MEMBERSHIP_FIELDS),
            )
        membership.role = role
    if funded is not None:
        membership.funded = funded
    if membership.role == MemberRole.WIDER and membership.funded:
        raise ValidationError({"funded": WIDER_NOT_FUNDED})
    if committed_hours is not None:
        membership.committed_hours = committed_hours
    if levels is not None:
        for key, value in _levels(levels).items():
            setattr(membership, key, value)
    _clean(membership)
    membership.save(
        update_fields=[
            "role",
            "funded",
            "at_delivery",
            "at_management",
            "at_strategic",
            "committed_hours",
        ]
    )
    if contacts is not None:
        membership_set_contacts(membership=membership, by=by, contacts=contacts)
    audit_record(
        actor=by,
        action="membership.change",
        obj=membership,
        partnership=membership.partnership,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@action
def membership_end(*, membership: Membership, by: Any, left_on: dt.date, reason: str) -> Membership:
    """Record that the organisation left the partnership on `left_on`, and why."""
    membership = _lock(membership)
    if not membership.is_current:
        raise ValidationError({"membership": ALREADY_LEFT})
    if membership.role == MemberRole.LEAD:
        raise ValidationError({"role": LEAD_CANNOT_LEAVE})
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": LEFT_BEFORE_JOINING})
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": LEAVING_NOT_YET})
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.left_on, membership.leaving_reason = left_on, reason.strip()
    membership.save(update_fields=["left_on", "leaving_reason"])
    audit_record(
        actor=by,
        action="membership.end",
        obj=membership,
        partnership=membership.partnership,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@action
def membership_set_contacts(*, membership: Membership, by: Any, contacts: list[Any]) -> Membership:
    """Name the people who are the organisation's contacts for this partnership."""
    outsiders = [
        c
        for c in contacts
        if not c.affiliations.filter(organisation=membership.organisation_id).exists()
    ]
    if outsiders:
        raise ValidationError({"contacts": "Contacts must work for the member organisation."})
    before = {"contacts": sorted(str(c) for c in membership.contacts.all())}
    membership.contacts.set(contacts)
    audit_record(
        actor=by,
        action="membership.contacts",
        obj=membership,
        partnership=membership.partnership,
        before=before,
        after={"contacts": sorted(str(c) for c in contacts)},
    )
    return membership


@action
def membership_add_new_organisation(
    *, by: Any, partnership: Partnership, name: str, sector: str, **membership: Any
) -> Membership:
    """Add an organisation new to Joined Up and make it a member, both or neither."""
    organisation = organisation_create(by=by, name=name, sector=sector)
    return membership_add(by=by, partnership=partnership, organisation=organisation, **membership)


INVITE_EMAIL_IN_USE = "Someone with this email address is already a contact for this member."
NOT_THE_INVITED = "This invitation was sent to {email}: sign in with that address to answer it."
ALREADY_ANSWERED = "This invitation has already been answered."


@action
def invitation_send(
    *,
    by: Any,
    partnership: Partnership,
    email: str,
    contact_name: str,
    role: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    sector: str = "",
) -> tuple[Invitation, str]:
    """Invite an organisation, by email to a named contact. Returns the invitation and the raw
    token of its link (only its hash is kept)."""
    if role == MemberRole.LEAD:
        raise ValidationError({"role": LEAD_BY_HANDOVER})
    if organisation is not None:
        if partnership.memberships.current().filter(organisation=organisation).exists():
            raise ValidationError({"organisation": ALREADY_MEMBER})
        organisation_name, sector = organisation.name, organisation.sector
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        partnership=partnership,
        organisation=organisation,
        organisation_name=organisation_name,
        sector=sector,
        role=role,
        contact_name=contact_name,
        email=email.strip().lower(),
        token_hash=hash_token(raw),
        invited_by=person(by),
    )
    _clean(invitation)
    invitation.save()
    audit_record(
        actor=by,
        action="invitation.send",
        obj=invitation,
        partnership=partnership,
        after={"organisation": organisation_name, "email": invitation.email, "role": role},
    )
    link = f"{settings.SITE_URL}{reverse('invitation', args=[raw])}"
    body = (
        f"Dear {contact_name},\n\n{partnership} invites {organisation_name} to join it as a "
        f"{MemberRole(role).label.lower()} partner.\n\n"
        f"Its shared goal: {partnership.shared_goal}\n\n"
        f"Accept or decline here: {link}\n"
    )
    transaction.on_commit(
        lambda: send_mail(
            f"[Joined Up] {partnership} invites {organisation_name} to join",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
            fail_silently=True,
        )
    )
    return invitation, raw


@action
def invitation_accept(*, invitation: Invitation, by: Any) -> Membership:
    """The invited contact accepts: their organisation (made now if new) joins the partnership,
    with them as its contact."""
    invitation = (
        Invitation.objects.select_for_update().select_related("partnership").get(pk=invitation.pk)
    )
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(ALREADY_ANSWERED)
    if by.email.lower() != invitation.email:
        raise ValidationError(NOT_THE_INVITED.format(email=invitation.email))
    organisation = invitation.organisation or organisation_create(
        by=by, name=invitation.organisation_name, sector=invitation.sector
    )
    if not Affiliation.objects.filter(user=by, organisation=organisation).exists():
        new = invitation.organisation is None
        affiliation_set(
            user=by, organisation=organisation, role=OrgRole.ADMIN if new else OrgRole.STAFF, by=by
        )
    membership = membership_add(
        by=by,
        partnership=invitation.partnership,
        organisation=organisation,
        role=invitation.role,
        funded=invitation.role == MemberRole.CORE,
    )
    membership_set_contacts(membership=membership, by=by, contacts=[by])
    invitation.status, invitation.answered_at = InvitationStatus.ACCEPTED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        actor=by, action="invitation.accept", obj=invitation, partnership=invitation.partnership
    )
    return membership


@action
def invitation_decline(*, invitation: Invitation, by: Any) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(ALREADY_ANSWERED)
    invitation.status, invitation.answered_at = InvitationStatus.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        actor=by, action="invitation.decline", obj=invitation, partnership=invitation.partnership
    )
    return invitation
