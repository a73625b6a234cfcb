"""Writes for an organisation's own people: who belongs to it and in what role.

The rule these functions keep: **nobody gives anyone a role in an organisation except that
organisation's own admins.** Not a partnership's lead, not an invitation to a partnership, not
the API, not a superuser. Each public action checks `by` against the database (not a cached
answer) and refuses with `PermissionDenied` otherwise. Two narrow ways in stand apart, each
named for what it is:

- `organisation_first_admin`: the first admin of an organisation that has never had anyone
  (used when someone registers an organisation, or accepts an invitation for a new one);
- `affiliation_set_by_system`: for the demo loader and the tests only, never for a request
  (`joinedup/organisations/tests/test_only_admins.py` checks who calls it).

Every change is audited, and the organisation's admins are told by email and in the app.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import ApiToken, User, hash_token
from joinedup.actions import action, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.jobs.mail import queue_email
from joinedup.meetings.models import FeedToken, Notice
from joinedup.organisations.models import (
    PERSON_INVITATION_LIFETIME,
    PastAffiliation,
    PersonInvitation,
    PersonInvitationStatus,
)
from joinedup.partnerships.models import Affiliation, Membership, Organisation, OrgRole

NOT_AN_ADMIN = "Only an admin of {organisation} can change who belongs to it."
LAST_ADMIN = (
    "{organisation} would have no admin left: make someone else an admin first, so that "
    "someone can still run its people."
)
ALREADY_IN = "{email} already belongs to {organisation}: change their role instead."
NOT_THE_INVITED = "This invitation was sent to {email}: sign in with that address to answer it."
CLOSED = "This invitation is no longer open: ask the organisation's admins for a new one."
HAS_PEOPLE = "{organisation} already has people in Joined Up: its admins add anyone else."
NOT_IN = "{user} does not belong to {organisation}: invite them by email instead."
UNKNOWN_ROLE = "Choose one of: admin, manager, staff, volunteer, trustee."

AFFILIATION_FIELDS = ["role", "job_title"]


def is_admin(user: Any, organisation: Organisation) -> bool:
    """Whether `user` is, in the database now, an admin of `organisation`. Deliberately not
    `user.is_superuser`: a site administrator runs no organisation's people."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and Affiliation.objects.filter(
            user_id=user.pk, organisation_id=organisation.pk, role=OrgRole.ADMIN
        ).exists()
    )


def _require_admin(by: Any, organisation: Organisation) -> None:
    if not is_admin(by, organisation):
        raise PermissionDenied(NOT_AN_ADMIN.format(organisation=organisation))


def _check_role(role: str) -> None:
    if role not in OrgRole.values:
        raise ValidationError({"role": UNKNOWN_ROLE})


def admins_of(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            affiliations__organisation=organisation,
            affiliations__role=OrgRole.ADMIN,
        ).order_by("pk")
    )


def tell_admins(
    organisation: Organisation,
    subject: str,
    body: str,
    *,
    also: User | None = None,
    url: str = "",
) -> None:
    """Tell `organisation`'s admins (and `also`, e.g. the person concerned) by a notice in the
    app now and by email (queued in the same transaction). `url` is the page's path (by default
    the organisation's people page)."""
    people = {u.pk: u for u in admins_of(organisation)}
    if also is not None and also.is_active:
        people.setdefault(also.pk, also)
    url = url or reverse("organisation_people", args=[organisation.pk])
    for user in people.values():
        Notice.objects.create(user=user, subject=subject, url=url)
    queue_email(
        [u.email for u in people.values()],
        f"[Joined Up] {subject}",
        f"{body}\n\n{settings.SITE_URL}{url}",
        organisation=organisation,
    )


def _write(
    *, by: Any, user: User, organisation: Organisation, role: str, job_title: str, how: str
) -> tuple[Affiliation, dict[str, Any]]:
    """Add `user` to `organisation` or change their role; audit it. Returns the affiliation and
    what it was before (empty if new). Callers have already decided that `by` may."""
    _check_role(role)
    affiliation = (
        Affiliation.objects.select_for_update().filter(user=user, organisation=organisation).first()
    )
    before = snapshot(affiliation, AFFILIATION_FIELDS) if affiliation else {}
    if affiliation is None:
        affiliation = Affiliation(user=user, organisation=organisation)
    affiliation.role, affiliation.job_title = role, job_title
    affiliation.full_clean(exclude=["user", "organisation"], validate_unique=False)
    affiliation.save()
    audit_record(
        actor=by,
        action=how,
        obj=affiliation,
        before=before,
        after={**snapshot(affiliation, AFFILIATION_FIELDS), "user": user.email},
    )
    return affiliation, before


def _keeps_an_admin(affiliation: Affiliation) -> bool:
    """Whether the organisation still has an admin once `affiliation` stops being one."""
    return (
        Affiliation.objects.filter(organisation_id=affiliation.organisation_id, role=OrgRole.ADMIN)
        .exclude(pk=affiliation.pk)
        .exists()
    )


@action
def affiliation_set(
    *, by: Any, user: User, organisation: Organisation, role: str, job_title: str = ""
) -> Affiliation:
    """An admin of `organisation` changes the role (and job title) of someone in it. Someone
    new joins only by accepting an invitation (`person_invite`), so nobody is put in an
    organisation without saying yes."""
    _require_admin(by, organisation)
    current = Affiliation.objects.filter(user=user, organisation=organisation).first()
    if current is None:
        raise ValidationError({"user": NOT_IN.format(user=user, organisation=organisation)})
    if current.role == OrgRole.ADMIN and role != OrgRole.ADMIN and not _keeps_an_admin(current):
        raise ValidationError({"role": LAST_ADMIN.format(organisation=organisation)})
    affiliation, before = _write(
        by=by,
        user=user,
        organisation=organisation,
        role=role,
        job_title=job_title,
        how="affiliation.set",
    )
    if before.get("role") != role:
        what = f"is now {OrgRole(role).label.lower()}"
        tell_admins(
            organisation,
            f"{user} {what} at {organisation}",
            f"{by} changed who belongs to {organisation}: {user} ({user.email}) {what}.",
            also=user,
        )
    return affiliation


@action
def affiliation_set_by_system(
    *, user: User, organisation: Organisation, role: str, job_title: str = "", why: str
) -> Affiliation:
    """Give `user` a role without an admin's say: for the demo loader and the tests only,
    never reachable from a page, the API or the Django admin. `why` goes in the audit log."""
    affiliation, _ = _write(
        by=None,
        user=user,
        organisation=organisation,
        role=role,
        job_title=job_title,
        how=f"affiliation.set_by_system: {why}"[:64],
    )
    return affiliation


@action
def organisation_first_admin(*, organisation: Organisation, user: User, by: Any) -> Affiliation:
    """Make `user` the first admin of `organisation`, which must never have had anyone: the
    person who registers an organisation, or accepts an invitation for a new one. After this,
    only its admins add people."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if (
        Affiliation.objects.filter(organisation=organisation).exists()
        or PastAffiliation.objects.filter(organisation=organisation).exists()
    ):
        raise PermissionDenied(HAS_PEOPLE.format(organisation=organisation))
    affiliation, _ = _write(
        by=by,
        user=user,
        organisation=organisation,
        role=OrgRole.ADMIN,
        job_title="",
        how="affiliation.first_admin",
    )
    tell_admins(
        organisation,
        f"You are the first admin of {organisation}",
        f"{user} ({user.email}) is the first admin of {organisation} in Joined Up. "
        "Admins invite the organisation's other people and give them their roles.",
    )
    return affiliation


@action
def affiliation_end(*, by: Any, affiliation: Affiliation, reason: str = "") -> PastAffiliation:
    """An admin removes someone from the organisation. At once: their role there is gone (so
    is everything they saw through it), they stop being its contact in any partnership and an
    officer of the programmes it funds, and their API tokens and calendar links are revoked.
    Their time there is kept as a `PastAffiliation`, and the audit log has the rest."""
    affiliation = (
        Affiliation.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=affiliation.pk)
    )
    organisation, user = affiliation.organisation, affiliation.user
    _require_admin(by, organisation)
    if affiliation.role == OrgRole.ADMIN and not _keeps_an_admin(affiliation):
        raise ValidationError({"role": LAST_ADMIN.format(organisation=organisation)})
    past = PastAffiliation.objects.create(
        user=user,
        organisation=organisation,
        role=affiliation.role,
        job_title=affiliation.job_title,
        since=affiliation.since,
        ended_by=person(by),
        reason=reason.strip(),
    )
    audit_record(
        actor=by,
        action="affiliation.end",
        obj=affiliation,
        before={**snapshot(affiliation, AFFILIATION_FIELDS), "user": user.email},
        after={"reason": past.reason},
    )
    # A handover note, pre-filled while their contacts and actions are still theirs.
    from joinedup.reflection.actions import on_leaving

    on_leaving(by=by, leaver=user, organisation=organisation)
    affiliation.delete()
    for membership in Membership.objects.filter(organisation=organisation, contacts=user):
        membership.contacts.remove(user)
    _revoke_tokens(user=user, by=by)
    _end_oversight(user=user, funder=organisation, by=by)
    tell_admins(
        organisation,
        f"{user} no longer belongs to {organisation}",
        f"{by} removed {user} ({user.email}) from {organisation}"
        + (f": {past.reason}" if past.reason else ".")
        + " Their API tokens and calendar links no longer work.",
        also=user,
    )
    return past


def _end_oversight(*, user: User, funder: Organisation, by: Any) -> None:
    """A programme officer oversees for the programme's funder: someone removed from the funder
    stops being an officer of its programmes (and so stops seeing their partnerships)."""
    from joinedup.programmes.models import Programme

    for programme in Programme.objects.filter(funder=funder, officers=user):
        programme.officers.remove(user)
        audit_record(
            actor=by,
            action="programme.remove_officer",
            obj=programme,
            before={"officer": user.email},
            after={"reason": f"no longer at {funder}"},
        )


def _revoke_tokens(*, user: User, by: Any) -> None:
    """Revoke every API token and calendar link `user` holds. Tokens are the person's, not an
    organisation's, so all go: if they still belong elsewhere, they make new ones."""
    tokens = ApiToken.objects.filter(user=user)
    feeds = FeedToken.objects.filter(user=user)
    count = {"api_tokens": tokens.count(), "calendar_links": feeds.count()}
    tokens.delete()
    feeds.delete()
    audit_record(actor=by, action="tokens.revoke_all", obj=user, after=count)


@action
def person_invite(
    *, by: Any, organisation: Organisation, email: str, role: str, job_title: str = ""
) -> tuple[PersonInvitation, str]:
    """An admin invites a person by email to join `organisation` in `role`. Returns the
    invitation and its link's raw token (only its hash is kept)."""
    _require_admin(by, organisation)
    _check_role(role)
    email = email.strip().lower()
    if Affiliation.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": ALREADY_IN.format(email=email, organisation=organisation)})
    # A pending invitation past its time is closed, so that the address can be invited again.
    PersonInvitation.objects.filter(
        organisation=organisation,
        email=email,
        status=PersonInvitationStatus.PENDING,
        created_at__lte=timezone.now() - PERSON_INVITATION_LIFETIME,
    ).update(status=PersonInvitationStatus.WITHDRAWN, answered_at=timezone.now())
    raw = secrets.token_urlsafe(32)
    invitation = PersonInvitation(
        organisation=organisation,
        email=email,
        role=role,
        job_title=job_title.strip(),
        token_hash=hash_token(raw),
        invited_by=person(by),
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    audit_record(
        actor=by,
        action="person_invitation.send",
        obj=invitation,
        after={"email": email, "role": role, "job_title": invitation.job_title},
    )
    link = f"{settings.SITE_URL}{reverse('person_invitation', args=[raw])}"
    body = (
        f"{by} invites you to join {organisation} in Joined Up as "
        f"{OrgRole(role).label.lower()}.\n\n"
        f"Accept or decline here, signed in as {email} (or making an account with that "
        f"address): {link}\n\nThe link works for 14 days."
    )
    queue_email([email], f"[Joined Up] Join {organisation}", body, organisation=organisation)
    tell_admins(
        organisation,
        f"{email} invited to join {organisation}",
        f"{by} invited {email} to join {organisation} as {OrgRole(role).label.lower()}.",
    )
    return invitation, raw


def _lock_invitation(invitation: PersonInvitation) -> PersonInvitation:
    invitation = (
        PersonInvitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise ValidationError(CLOSED)
    return invitation


def _check_invitee(invitation: PersonInvitation, by: Any) -> None:
    if not (by.is_authenticated and by.email.lower() == invitation.email):
        raise ValidationError(NOT_THE_INVITED.format(email=invitation.email))


@action
def person_invitation_accept(*, invitation: PersonInvitation, by: Any) -> Affiliation:
    """The invited person, signed in with the invited address, joins the organisation."""
    invitation = _lock_invitation(invitation)
    _check_invitee(invitation, by)
    organisation = invitation.organisation
    if Affiliation.objects.filter(user=by, organisation=organisation).exists():
        raise ValidationError(ALREADY_IN.format(email=by.email, organisation=organisation))
    affiliation, _ = _write(
        by=by,
        user=by,
        organisation=organisation,
        role=invitation.role,
        job_title=invitation.job_title,
        how="person_invitation.accept",
    )
    invitation.status, invitation.answered_at = PersonInvitationStatus.ACCEPTED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    tell_admins(
        organisation,
        f"{by} joined {organisation}",
        f"{by} ({by.email}) accepted the invitation to join {organisation} as "
        f"{OrgRole(invitation.role).label.lower()}.",
    )
    return affiliation


@action
def person_invitation_decline(*, invitation: PersonInvitation, by: Any) -> PersonInvitation:
    """The invited person, signed in with the invited address, says no."""
    invitation = _lock_invitation(invitation)
    _check_invitee(invitation, by)
    invitation.status, invitation.answered_at = PersonInvitationStatus.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(actor=by, action="person_invitation.decline", obj=invitation)
    tell_admins(
        invitation.organisation,
        f"{invitation.email} declined to join {invitation.organisation}",
        f"{invitation.email} declined the invitation to join {invitation.organisation}.",
    )
    return invitation


@action
def person_invitation_withdraw(*, invitation: PersonInvitation, by: Any) -> PersonInvitation:
    """An admin withdraws an invitation that has not been answered: its link stops working."""
    invitation = _lock_invitation(invitation)
    _require_admin(by, invitation.organisation)
    invitation.status, invitation.answered_at = PersonInvitationStatus.WITHDRAWN, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(actor=by, action="person_invitation.withdraw", obj=invitation)
    return invitation
