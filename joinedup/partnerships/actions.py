"""Writes for organisations, affiliations, partnerships and memberships.

Each function runs in one transaction and writes its audit row. A rule broken by the caller's
input raises `ValidationError` naming the field; views and the API turn it into a 4xx.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup import dates
from joinedup.actions import CONFLICT, action, constraints_first, person
from joinedup.audit.actions import audit_record, snapshot
from joinedup.partnerships.models import (
    ALREADY_MEMBER,
    LEFT_BEFORE_JOINING,
    WIDER_NOT_FUNDED,
    Level,
    MemberRole,
    Membership,
    Organisation,
    OrgRole,
    Partnership,
)
from joinedup.versions import next_version

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
AT_LIMIT = "The partnership has agreed to have at most {limit} partners, and has that many."
HUB_OUTSIDE_PROGRAMME = "The hub must belong to the partnership's programme."
RUNS_ITSELF = (
    "{organisation} runs its own people in Joined Up: invite it, and its admins accept or "
    "decline on its behalf."
)


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    """Run the model's validation (formats, choices, uniqueness), raising field errors."""
    instance.full_clean(exclude=exclude, validate_constraints=constraints_first())


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
def partnership_update(
    *, partnership: Partnership, by: Any, based_on: int | None = None, **changes: Any
) -> Partnership:
    """Change a partnership's details; `based_on` is the `version` the change was made from
    (joinedup.versions: if someone saved since, `Stale` and nothing saved)."""
    given, partnership = partnership, Partnership.objects.select_for_update().get(pk=partnership.pk)
    next_version(partnership, based_on)
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
    # The caller's copy shows what was saved, as it did before the row was read afresh here.
    for field in [*changes, "version"]:
        setattr(given, field, getattr(partnership, field))
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
    _accepted: bool = False,
) -> Membership:
    """Add `organisation` to `partnership`. A new lead comes only with the partnership itself.

    An organisation that runs its own people in Joined Up (it has an admin) joins only by
    accepting an invitation (`_accepted`); a lead adds directly only an organisation nobody
    runs in Joined Up yet. The system (`by` None: the demo loader, the tests) may add any."""
    if (
        person(by) is not None
        and not (_creating or _accepted)
        and organisation.affiliations.filter(role=OrgRole.ADMIN).exists()
    ):
        raise ValidationError({"organisation": RUNS_ITSELF.format(organisation=organisation)})
    if role == MemberRole.LEAD and not _creating:
        raise ValidationError({"role": LEAD_BY_HANDOVER})
    if role == MemberRole.WIDER and funded:
        raise ValidationError({"funded": WIDER_NOT_FUNDED})
    current = partnership.memberships.current()
    if current.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": ALREADY_MEMBER})
    if partnership.member_limit is not None and current.count() >= partnership.member_limit:
        raise ValidationError({"organisation": AT_LIMIT.format(limit=partnership.member_limit)})
    joined_on = joined_on or timezone.localdate()
    # A new partnership's lead joins on its start, which may be planned; others have joined.
    (dates.STARTED if _creating else dates.JOINED).check(joined_on, field="joined_on")
    membership = Membership(
        partnership=partnership,
        organisation=organisation,
        role=role,
        funded=funded,
        joined_on=joined_on,
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
                .filter(role=MemberRole.LEAD)
                .first()
            )
            if previous is None:
                # Another handover committed while we waited for the lead's row: the lead
                # this one was decided against is no longer the lead.
                raise ValidationError(CONFLICT, code="conflict")
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
    dates.LEFT.check(left_on, field="left_on")
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
    current = list(membership.contacts.all())
    before = {"contacts": sorted(str(c) for c in current)}
    # Someone who stops being a contact hands over what they carried (a handover note).
    from joinedup.reflection.actions import on_contact_dropped

    kept = {c.pk for c in contacts}
    for dropped in [c for c in current if c.pk not in kept]:
        on_contact_dropped(by=by, membership=membership, leaver=dropped)
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
