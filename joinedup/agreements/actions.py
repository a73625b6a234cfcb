"""Writes for agreements: drafting, comment, sign-off, coming into force, new versions.

Lifecycle: draft → out for comment → out for sign-off → in force → superseded. A version in
force is never edited; a change is a new version, which supersedes it once every party signs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.access import org_roles
from joinedup.actions import action, person
from joinedup.agreements.models import (
    DELEGATE_ROLE_CHOICES,
    SECTION_TITLES,
    Agreement,
    AgreementKind,
    AgreementVersion,
    Attestation,
    Comment,
    ReviewNote,
    SignOff,
    VersionStatus,
    default_delegate_roles,
)
from joinedup.agreements.mustdos import ATTESTED_KEYS
from joinedup.audit.actions import audit_record
from joinedup.notifications import notify
from joinedup.partnerships.models import MANAGING_ORG_ROLES, MemberRole, Organisation, Partnership
from joinedup.versions import next_version

IN_FORCE_IS_FIXED = "An agreement in force cannot be edited: start a new version instead."
NOT_EDITABLE = "Only a draft, or a version out for comment, can be edited."
NOT_OUT_FOR_COMMENT = "Comments are taken while a version is out for comment."
NOT_OUT_FOR_SIGNOFF = "Signatures are taken while a version is out for sign-off."
WRONG_STEP = "That step does not follow from where this version is."
NO_AUTHORITY = "Only an admin or manager of {organisation} can sign for it."
HAS_LEFT = "{organisation} has left the partnership, so it cannot sign or comment."
NOT_A_PARTY = "{organisation} is not a party to this agreement."
UNKNOWN_SECTION = "There is no such section."
ALREADY_SIGNED = "{organisation} has already signed this version."
IN_PROGRESS = "This agreement already has a version in progress."
NOT_IN_FORCE = "Only an agreement in force is reviewed."
NO_TERMS = (
    "Set its data-sharing terms (what may be shared with whom, the lawful basis, retention) "
    "before sending it out for sign-off."
)
NOT_A_DELEGATE_MEMBER = (
    "{organisation} is not a current member: it cannot hold delegated authority."
)
UNKNOWN_ROLE = "Delegated authority is held by admins, managers or staff: not {role!r}."
NO_ROLES = "Say which of their people hold delegated authority: admins, managers or staff."
REVIEW_MONTHS = 12


def parties(version: AgreementVersion) -> list[Organisation]:
    """Who signs: every current member; for a service-level agreement, the lead and its partner."""
    agreement = version.agreement
    members = agreement.partnership.memberships.current().select_related("organisation")
    if agreement.kind == AgreementKind.SLA:
        members = members.filter(organisation_id__in=[agreement.counterparty_id]) | members.filter(
            role=MemberRole.LEAD
        )
    return sorted({m.organisation for m in members}, key=lambda o: o.name)


def _clean_sections(sections: dict[str, str]) -> dict[str, str]:
    unknown = set(sections) - set(SECTION_TITLES)
    if unknown:
        raise ValidationError({"sections": f"{UNKNOWN_SECTION} ({', '.join(sorted(unknown))})"})
    return {key: text.strip() for key, text in sections.items() if text and text.strip()}


def _set_delegates(
    version: AgreementVersion,
    delegates: list[Organisation] | None,
    delegate_roles: list[str] | None,
) -> dict[str, Any] | None:
    """Set who holds delegated authority for urgent decisions (part of the decision-making
    section); None leaves it as it is. Returns what was set, for the audit row."""
    if delegates is None and delegate_roles is None:
        return None
    partnership = version.agreement.partnership
    if delegates is not None:
        current = set(partnership.memberships.current().values_list("organisation_id", flat=True))
        for organisation in delegates:
            if organisation.pk not in current:
                raise ValidationError(
                    {"delegates": NOT_A_DELEGATE_MEMBER.format(organisation=organisation)}
                )
        version.delegates.set(delegates)
    if delegate_roles is not None:
        known = [key for key, _ in DELEGATE_ROLE_CHOICES]
        for role in delegate_roles:
            if role not in known:
                raise ValidationError({"delegate_roles": UNKNOWN_ROLE.format(role=role)})
        if not delegate_roles:
            raise ValidationError({"delegate_roles": NO_ROLES})
        version.delegate_roles = [key for key in known if key in delegate_roles]
        version.save(update_fields=["delegate_roles"])
    return {
        "delegates": sorted(str(o) for o in version.delegates.all()),
        "delegate_roles": version.delegate_roles,
    }


def _lock(version: AgreementVersion) -> AgreementVersion:
    return (
        AgreementVersion.objects.select_for_update(of=("self",))
        .select_related("agreement", "agreement__partnership", "agreement__counterparty")
        .get(pk=version.pk)
    )


@action
def agreement_create(
    *,
    by: Any,
    partnership: Partnership,
    kind: str,
    title: str,
    sections: dict[str, str] | None = None,
    counterparty: Organisation | None = None,
    delegates: list[Organisation] | None = None,
    delegate_roles: list[str] | None = None,
) -> Agreement:
    """A new agreement, with its first version as a draft. `delegates` (and `delegate_roles`,
    admins and managers unless said) are who hold delegated authority for urgent decisions."""
    if (
        counterparty is not None
        and not partnership.memberships.current().filter(organisation=counterparty).exists()
    ):
        raise ValidationError({"counterparty": "The partner must be a current member."})
    agreement = Agreement(
        partnership=partnership, kind=kind, title=title, counterparty=counterparty
    )
    agreement.full_clean()
    agreement.save()
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        sections=_clean_sections(sections or {}),
        created_by=person(by),
    )
    delegated = _set_delegates(version, delegates, delegate_roles)
    audit_record(
        actor=by,
        action="agreement.create",
        obj=version,
        partnership=partnership,
        after={"kind": kind, "title": title, **(delegated or {})},
    )
    return agreement


@action
def version_edit(
    *,
    version: AgreementVersion,
    by: Any,
    sections: dict[str, str],
    delegates: list[Organisation] | None = None,
    delegate_roles: list[str] | None = None,
    based_on: int | None = None,
) -> AgreementVersion:
    """Replace a draft's sections; `delegates` and `delegate_roles` (who holds delegated
    authority for urgent decisions) are replaced when given, else kept. `based_on` is the
    draft's `version` the change was made from: if someone saved since, `Stale` is raised and
    nothing is saved (joinedup.versions)."""
    version = _lock(version)
    if version.status in (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED):
        raise ValidationError({"sections": IN_FORCE_IS_FIXED})
    if version.status not in (VersionStatus.DRAFT, VersionStatus.COMMENT):
        raise ValidationError({"sections": NOT_EDITABLE})
    next_version(version, based_on)
    before = dict(version.sections)
    version.sections = _clean_sections(sections)
    version.save(update_fields=["sections", "version"])
    delegated = _set_delegates(version, delegates, delegate_roles)
    audit_record(
        actor=by,
        action="agreement.edit",
        obj=version,
        partnership=version.agreement.partnership,
        before=before,
        after={**version.sections, **(delegated or {})},
    )
    return version


NEXT_STEP = {
    "comment": (VersionStatus.DRAFT, VersionStatus.COMMENT, "is out for comment"),
    "signoff": (
        (VersionStatus.DRAFT, VersionStatus.COMMENT),
        VersionStatus.SIGNOFF,
        "is out for sign-off",
    ),
}


@action
def version_advance(*, version: AgreementVersion, by: Any, to: str) -> AgreementVersion:
    """Send a version out for comment, or for sign-off; every party hears of it."""
    if to not in NEXT_STEP:
        raise ValidationError({"to": WRONG_STEP})
    allowed, status, said = NEXT_STEP[to]
    version = _lock(version)
    allowed_from = allowed if isinstance(allowed, tuple) else (allowed,)
    if version.status not in allowed_from:
        raise ValidationError({"to": WRONG_STEP})
    # A data-sharing protocol is signed for its terms (referrals.Protocol, set on the version):
    # without them there is nothing to sign.
    if (
        to == "signoff"
        and version.agreement.kind == AgreementKind.DATA_SHARING
        and not hasattr(version, "protocol")
    ):
        raise ValidationError({"to": NO_TERMS})
    before = {"status": version.status}
    version.status = status
    version.save(update_fields=["status"])
    audit_record(
        actor=by,
        action=f"agreement.{to}",
        obj=version,
        partnership=version.agreement.partnership,
        before=before,
        after={"status": status},
    )
    for organisation in parties(version):
        notify(
            organisation,
            f"{version} {said}",
            f"{version} {said} in {version.agreement.partnership}.",
        )
    return version


def _require_current(version: AgreementVersion, organisation: Organisation, field: str) -> None:
    if (
        not version.agreement.partnership.memberships.current()
        .filter(organisation=organisation)
        .exists()
    ):
        raise ValidationError({field: HAS_LEFT.format(organisation=organisation)})


@action
def comment_add(
    *, version: AgreementVersion, by: Any, organisation: Organisation, section: str, text: str
) -> Comment:
    version = _lock(version)
    if version.status != VersionStatus.COMMENT:
        raise ValidationError({"text": NOT_OUT_FOR_COMMENT})
    if section not in SECTION_TITLES:
        raise ValidationError({"section": UNKNOWN_SECTION})
    _require_current(version, organisation, "organisation")
    comment = Comment.objects.create(
        version=version,
        section=section,
        organisation=organisation,
        author=person(by),
        text=text.strip(),
    )
    audit_record(
        actor=by,
        action="agreement.comment",
        obj=comment,
        partnership=version.agreement.partnership,
        after={"section": section, "text": comment.text},
    )
    return comment


@action
def sign(
    *,
    version: AgreementVersion,
    by: Any,
    organisation: Organisation,
    board_informed: bool,
    signed_on: dt.date | None = None,
) -> SignOff:
    """Sign for `organisation`. When the last party signs, the version comes into force and the
    one it replaces is superseded.

    `by` is None only for the system recording an agreement signed on paper, on `signed_on`
    (the demo loader, an import); a person must have authority at the organisation."""
    version = _lock(version)
    if version.status != VersionStatus.SIGNOFF:
        raise ValidationError({"organisation": NOT_OUT_FOR_SIGNOFF})
    _require_current(version, organisation, "organisation")
    if organisation not in parties(version):
        raise ValidationError({"organisation": NOT_A_PARTY.format(organisation=organisation)})
    if by is not None and not (
        by.is_superuser or org_roles(by).get(organisation.pk) in MANAGING_ORG_ROLES
    ):
        raise ValidationError({"organisation": NO_AUTHORITY.format(organisation=organisation)})
    if version.signoffs.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": ALREADY_SIGNED.format(organisation=organisation)})
    when = timezone.now()
    if signed_on is not None and by is None:
        when = dt.datetime.combine(signed_on, dt.time(12), tzinfo=timezone.get_current_timezone())
    signature = SignOff.objects.create(
        version=version,
        organisation=organisation,
        signed_by=person(by),
        board_informed=board_informed,
        signed_at=when,
    )
    audit_record(
        actor=by,
        action="agreement.sign",
        obj=signature,
        partnership=version.agreement.partnership,
        after={"organisation": str(organisation), "board_informed": board_informed},
    )
    signed = set(version.signoffs.values_list("organisation_id", flat=True))
    if {o.pk for o in parties(version)} <= signed:
        _bring_into_force(version, by, timezone.localdate(when))
    return signature


def _bring_into_force(version: AgreementVersion, by: Any, today: dt.date) -> None:
    version.agreement.versions.filter(status=VersionStatus.IN_FORCE).update(
        status=VersionStatus.SUPERSEDED
    )
    version.status = VersionStatus.IN_FORCE
    version.in_force_on = today
    version.review_on = _months_later(today, REVIEW_MONTHS)
    version.save(update_fields=["status", "in_force_on", "review_on"])
    audit_record(
        actor=by,
        action="agreement.in_force",
        obj=version,
        partnership=version.agreement.partnership,
        after={"in_force_on": today.isoformat(), "review_on": version.review_on.isoformat()},
    )


def _months_later(day: dt.date, months: int) -> dt.date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@action
def version_new(*, agreement: Agreement, by: Any) -> AgreementVersion:
    """Start a new version from the latest, as a draft."""
    if agreement.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.COMMENT, VersionStatus.SIGNOFF]
    ).exists():
        raise ValidationError({"agreement": IN_PROGRESS})
    latest = agreement.versions.order_by("-number").first()
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=(latest.number + 1) if latest else 1,
        sections=dict(latest.sections) if latest else {},
        delegate_roles=list(latest.delegate_roles) if latest else default_delegate_roles(),
        created_by=person(by),
    )
    if latest is not None:
        version.delegates.set(latest.delegates.all())
    audit_record(
        actor=by,
        action="agreement.new_version",
        obj=version,
        partnership=agreement.partnership,
        after={"number": version.number},
    )
    return version


@action
def attest(*, partnership: Partnership, by: Any, item: str, note: str) -> Attestation:
    """The lead's word that a must-do the app cannot see is done."""
    if item not in dict(ATTESTED_KEYS):
        raise ValidationError({"item": "That must-do is ticked from evidence, not attested."})
    if not note.strip():
        raise ValidationError({"note": "Say how it was done."})
    attestation = Attestation.objects.create(
        partnership=partnership, item=item, note=note.strip(), by=person(by)
    )
    audit_record(
        actor=by,
        action="mustdo.attest",
        obj=attestation,
        partnership=partnership,
        after={"item": item, "note": attestation.note},
    )
    return attestation


@action
def review_consult(
    *, version: AgreementVersion, by: Any, organisation: Organisation, note: str
) -> ReviewNote:
    """Record a one-to-one consultation with a partner as part of the yearly review."""
    version = _lock(version)
    if version.status != VersionStatus.IN_FORCE:
        raise ValidationError({"note": NOT_IN_FORCE})
    _require_current(version, organisation, "organisation")
    if not note.strip():
        raise ValidationError({"note": "Write down what the partner said."})
    review = ReviewNote.objects.create(
        version=version, organisation=organisation, note=note.strip(), by=person(by)
    )
    audit_record(
        actor=by,
        action="agreement.consult",
        obj=review,
        partnership=version.agreement.partnership,
        after={"organisation": str(organisation), "note": review.note},
    )
    return review


@action
def review_no_change(*, version: AgreementVersion, by: Any) -> AgreementVersion:
    """Close a review with the agreement unchanged: the next review is due in twelve months."""
    version = _lock(version)
    if version.status != VersionStatus.IN_FORCE:
        raise ValidationError({"version": NOT_IN_FORCE})
    before = {"review_on": version.review_on.isoformat() if version.review_on else None}
    version.review_on = _months_later(timezone.localdate(), REVIEW_MONTHS)
    version.save(update_fields=["review_on"])
    audit_record(
        actor=by,
        action="agreement.reviewed_no_change",
        obj=version,
        partnership=version.agreement.partnership,
        before=before,
        after={"review_on": version.review_on.isoformat()},
    )
    return version
