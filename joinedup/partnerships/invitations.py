"""Inviting an organisation to join a partnership. An invitation invites an *organisation*,
never a person into one (see `Invitation`):

- an organisation already in Joined Up is asked through its own admins, by email and a notice
  in the app; one of them accepts or declines on its behalf, signed in. Accepting makes it a
  member and gives nobody a role in it;
- an organisation new to Joined Up is named with a contact's email. It is made only when that
  contact accepts, signed in (or registering) with exactly that address, and they become its
  first admin (`organisation_first_admin`). Until then the lead sees it as invited, not yet
  confirmed. It may not take the name of an organisation already in Joined Up (checked on
  sending and again on accepting): that one is invited as it is, through its admins.

Declining needs the same person signed in: the invited contact, or an admin of the invited
organisation.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import hash_token
from joinedup.actions import action, person
from joinedup.audit.actions import audit_record
from joinedup.jobs.mail import queue_email
from joinedup.meetings.notices import tell
from joinedup.organisations import actions as people
from joinedup.partnerships.actions import (
    ALREADY_MEMBER,
    LEAD_BY_HANDOVER,
    membership_add,
    membership_set_contacts,
    organisation_create,
)
from joinedup.partnerships.models import (
    Invitation,
    InvitationStatus,
    MemberRole,
    Membership,
    Organisation,
    Partnership,
)
from joinedup.partnerships.registration import same_name

NOT_THE_INVITED = "This invitation was sent to {email}: sign in with that address to answer it."
NOT_ITS_ADMIN = "Only an admin of {organisation} can answer for it. Sign in as one of them."
ALREADY_ANSWERED = "This invitation has already been answered."
NO_ADMIN = (
    "Nobody runs {organisation} in Joined Up yet, so nobody can answer for it. Add it as a "
    "member directly, or ask someone there to register it and then invite it."
)
ALREADY_INVITED = "{organisation} has already been invited and has not answered yet."
NEW_NEEDS_CONTACT = "Give the email address of the contact at the new organisation."
NAME_TAKEN = (
    "{organisation} is already in Joined Up: invite it as it is (find it by name above), "
    "so that its own admins answer. A new organisation cannot take its name."
)
EXISTING_HAS_NO_CONTACT = (
    "An organisation already in Joined Up answers through its own admins: leave the contact's "
    "name and email empty."
)


@action
def invitation_send(
    *,
    by: Any,
    partnership: Partnership,
    role: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    sector: str = "",
    email: str = "",
    contact_name: str = "",
) -> tuple[Invitation, str]:
    """Invite an organisation: one already in Joined Up (`organisation`), whose admins are
    told, or a new one by name and sector, whose contact `email` gets a link. Returns the
    invitation and the raw token of that link (only its hash is kept; for an existing
    organisation nobody is sent it)."""
    if role == MemberRole.LEAD:
        raise ValidationError({"role": LEAD_BY_HANDOVER})
    if organisation is not None:
        if email.strip() or contact_name.strip():
            raise ValidationError({"email": EXISTING_HAS_NO_CONTACT})
        if partnership.memberships.current().filter(organisation=organisation).exists():
            raise ValidationError({"organisation": ALREADY_MEMBER})
        if not people.admins_of(organisation):
            raise ValidationError({"organisation": NO_ADMIN.format(organisation=organisation)})
        if partnership.invitations.filter(
            organisation=organisation, status=InvitationStatus.PENDING
        ).exists():
            raise ValidationError(
                {"organisation": ALREADY_INVITED.format(organisation=organisation)}
            )
        organisation_name, sector = organisation.name, organisation.sector
    elif not email.strip():
        raise ValidationError({"email": NEW_NEEDS_CONTACT})
    else:
        organisation_name = organisation_name.strip()
        _check_name_free(organisation_name)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        partnership=partnership,
        organisation=organisation,
        organisation_name=organisation_name,
        sector=sector,
        role=role,
        contact_name=contact_name.strip(),
        email=email.strip().lower(),
        token_hash=hash_token(raw),
        invited_by=person(by),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=by,
        action="invitation.send",
        obj=invitation,
        partnership=partnership,
        after={"organisation": organisation_name, "email": invitation.email, "role": role},
    )
    about = (
        f"{partnership} invites {organisation_name} to join it as a "
        f"{MemberRole(role).label.lower()} partner.\n\nIts shared goal: {partnership.shared_goal}"
    )
    if organisation is not None:
        people.tell_admins(
            organisation,
            f"{partnership} invites {organisation_name} to join",
            f"{about}\n\nAs an admin of {organisation_name} you accept or decline on its behalf:",
            url=reverse("invitation_answer", args=[invitation.pk]),
        )
        return invitation, raw
    link = f"{settings.SITE_URL}{reverse('invitation', args=[raw])}"
    body = (
        f"Dear {contact_name or 'colleague'},\n\n{about}\n\n"
        f"Accept or decline here, signed in as {invitation.email} (or making an account with "
        f"that address); on accepting you become the first admin of {organisation_name} in "
        f"Joined Up: {link}\n"
    )
    queue_email(
        [invitation.email],
        f"[Joined Up] {partnership} invites {organisation_name} to join",
        body,
        # The lead's admins see it on "messages not delivered" if it never goes.
        organisation=Organisation.objects.filter(
            memberships__partnership=partnership,
            memberships__role=MemberRole.LEAD,
            memberships__left_on__isnull=True,
        ).first(),
    )
    return invitation, raw


def _check_name_free(name: str) -> None:
    """A new organisation may not take the name of one already in Joined Up: whoever accepted
    would be the first admin of a look-alike that partners take for the real one."""
    taken = same_name(name)
    if taken is not None:
        raise ValidationError({"organisation_name": NAME_TAKEN.format(organisation=taken)})


def _lock(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partnership", "organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(ALREADY_ANSWERED)
    return invitation


def may_answer(invitation: Invitation, user: Any) -> bool:
    """Whether `user` answers `invitation`: an admin of the invited organisation, or for a new
    organisation the contact signed in with the invited address."""
    if not (user.is_authenticated and user.is_active):
        return False
    if invitation.organisation is not None:
        return people.is_admin(user, invitation.organisation)
    return bool(invitation.email) and user.email.lower() == invitation.email


def _check_answerer(invitation: Invitation, by: Any) -> None:
    if may_answer(invitation, by):
        return
    if invitation.organisation is not None:
        raise ValidationError(NOT_ITS_ADMIN.format(organisation=invitation.organisation))
    raise ValidationError(NOT_THE_INVITED.format(email=invitation.email))


@action
def invitation_accept(*, invitation: Invitation, by: Any) -> Membership:
    """Accept on the organisation's behalf: it joins the partnership, and the person accepting
    becomes its contact there. For a new organisation, it is made now with them as its first
    admin. Nobody is given a role in an organisation that already existed."""
    invitation = _lock(invitation)
    _check_answerer(invitation, by)
    organisation = invitation.organisation
    if organisation is None:
        _check_name_free(invitation.organisation_name)
        organisation = organisation_create(
            by=by, name=invitation.organisation_name, sector=invitation.sector
        )
        people.organisation_first_admin(organisation=organisation, user=by, by=by)
    membership = membership_add(
        by=by,
        partnership=invitation.partnership,
        organisation=organisation,
        role=invitation.role,
        funded=invitation.role == MemberRole.CORE,
        _accepted=True,
    )
    membership_set_contacts(membership=membership, by=by, contacts=[by])
    _answer(invitation, InvitationStatus.ACCEPTED, by)
    return membership


@action
def invitation_decline(*, invitation: Invitation, by: Any) -> Invitation:
    """Decline on the organisation's behalf: for the same people who may accept, signed in."""
    invitation = _lock(invitation)
    _check_answerer(invitation, by)
    _answer(invitation, InvitationStatus.DECLINED, by)
    return invitation


def _answer(invitation: Invitation, status: str, by: Any) -> None:
    """Record the answer, and tell the lead (its admins, managers and contacts)."""
    invitation.status, invitation.answered_at = status, timezone.now()
    invitation.answered_by = person(by)
    invitation.save(update_fields=["status", "answered_at", "answered_by"])
    verb = "accepted" if status == InvitationStatus.ACCEPTED else "declined"
    audit_record(
        actor=by,
        action="invitation.accept" if verb == "accepted" else "invitation.decline",
        obj=invitation,
        partnership=invitation.partnership,
    )
    partnership = invitation.partnership
    lead = partnership.memberships.current().filter(role=MemberRole.LEAD).first()
    if lead is not None:
        tell(
            [lead.organisation],
            f"{invitation.organisation_name} has {verb} the invitation to {partnership}",
            f"{invitation.organisation_name} has {verb} the invitation to join {partnership}.",
            url=reverse("members_manage", args=[partnership.pk]),
        )
