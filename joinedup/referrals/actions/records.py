"""People, their consents, and protocols' data-sharing terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.access import acts_for
from joinedup.actions import action
from joinedup.actions import person as signed_in
from joinedup.agreements.models import AgreementKind, AgreementVersion, VersionStatus
from joinedup.audit.actions import audit_record, snapshot
from joinedup.meetings.notices import tell
from joinedup.partnerships.models import Membership, Organisation
from joinedup.referrals.actions.common import (
    NOT_YOURS,
    PERSON_ERASED,
    PERSON_FIELDS,
    PROTOCOL_FIXED,
    move_to,
)
from joinedup.referrals.models import (
    FIELDS,
    AccessKind,
    Consent,
    Flow,
    LawfulBasis,
    Person,
    Protocol,
    Purpose,
    Status,
)
from joinedup.referrals.privacy import log_access
from joinedup.versions import next_version


def _clean_person(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({field: "Not a field of a person's record." for field in unknown})
    cleaned = dict(values)
    if "needs" in cleaned:
        cleaned["needs"] = sorted({str(code) for code in cleaned["needs"] or []})
    for field in ("name", "contact", "safe_contact", "postcode", "notes", "age_band"):
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
    if "postcode" in cleaned:
        cleaned["postcode"] = cleaned["postcode"].upper()
    return cleaned


@action
def person_create(
    *, organisation: Organisation, by: Any, invented: bool = False, **values: Any
) -> Person:
    if signed_in(by) is not None and not acts_for(by, organisation.pk):
        raise ValidationError({"organisation": NOT_YOURS})
    cleaned = _clean_person(values)
    if not cleaned.get("name"):
        raise ValidationError({"name": "Give the person's name."})
    person = Person(
        organisation=organisation, created_by=signed_in(by), invented=invented, **cleaned
    )
    person.full_clean()
    person.save()
    log_access(
        by=by, kind=AccessKind.CREATE, person=person, record=str(person), purpose="Record created"
    )
    audit_record(actor=by, action="person.create", obj=person)
    return person


@action
def person_update(
    *,
    person: Person,
    by: Any,
    purpose: str = "Record updated",
    based_on: int | None = None,
    **values: Any,
) -> Person:
    """Change a person's record; `based_on` is the version the change was made from
    (joinedup.versions: a newer one raises `Stale`)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.erased_at is not None:
        raise ValidationError(PERSON_ERASED)
    next_version(person, based_on)
    cleaned = _clean_person(values)
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationError({"name": "Give the person's name."})
    for field, value in cleaned.items():
        setattr(person, field, value)
    person.full_clean()
    person.save()
    log_access(
        by=by,
        kind=AccessKind.CHANGE,
        person=person,
        record=str(person),
        purpose=f"{purpose}: {', '.join(sorted(cleaned))}",
    )
    # The audit log names the fields changed, never their values.
    audit_record(actor=by, action="person.update", obj=person, after={"fields": sorted(cleaned)})
    return person


@action
def consent_record(
    *,
    person: Person,
    by: Any,
    method: str,
    purposes: Sequence[str],
    fields: Sequence[str],
    recipients: Iterable[Organisation],
    expires_on: dt.date,
    given_by: str = "",
) -> Consent:
    if person.erased_at is not None:
        raise ValidationError(PERSON_ERASED)
    errors: dict[str, str] = {}
    if not purposes or set(purposes) - set(Purpose.values):
        errors["purposes"] = "Choose one or more purposes from the list."
    if not fields or set(fields) - set(FIELDS):
        errors["fields"] = "Choose one or more kinds of data from the list."
    recipients = list(recipients)
    if not recipients:
        errors["recipients"] = "Name the organisations the person agreed to share with."
    elif any(o.pk == person.organisation_id for o in recipients):
        errors["recipients"] = "The organisation holding the record is not a recipient."
    if expires_on <= timezone.localdate():
        errors["expires_on"] = "Give an expiry date after today."
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        person=person,
        given_by=given_by.strip(),
        method=method,
        purposes=sorted(set(purposes)),
        fields=[f for f in FIELDS if f in set(fields)],
        expires_on=expires_on,
        recorded_by=signed_in(by),
    )
    consent.full_clean(exclude=["recipients"])
    consent.save()
    consent.recipients.set(recipients)
    log_access(
        by=by,
        kind=AccessKind.CREATE,
        person=person,
        record=str(consent),
        purpose="Consent recorded",
    )
    audit_record(
        actor=by,
        action="consent.record",
        obj=consent,
        after={
            **snapshot(consent, ["method", "purposes", "fields", "expires_on"]),
            "recipients": sorted(str(o) for o in recipients),
        },
    )
    return consent


@action
def consent_withdraw(*, consent: Consent, by: Any) -> Consent:
    """From this moment no receiver sees the person's details through any referral made under
    it; open referrals are withdrawn and their receivers told (without the person's name)."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = signed_in(by)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    for referral in consent.referrals.filter(
        status__in=[Status.SENT, Status.SEEN, Status.ACCEPTED, Status.IN_PROGRESS]
    ).select_related("to_org"):
        move_to(
            referral,
            Status.WITHDRAWN,
            by=by,
            organisation_id=referral.from_org_id,
            note="Consent withdrawn",
        )
        tell(
            [referral.to_org],
            f"{referral} withdrawn",
            f"{referral} was withdrawn: the person withdrew their consent. "
            "Its details are no longer shown.",
            referral.get_absolute_url(),
        )
    log_access(
        by=by,
        kind=AccessKind.WITHDRAW,
        person=consent.person,
        record=str(consent),
        purpose="Consent withdrawn",
    )
    audit_record(
        actor=by, action="consent.withdraw", obj=consent, after=snapshot(consent, ["withdrawn_at"])
    )
    return consent


@action
def protocol_set(
    *,
    version: AgreementVersion,
    by: Any,
    lawful_basis: str,
    retention_days: int,
    security: str = "",
    flows: dict[str, tuple[Sequence[str], Iterable[Organisation]]],
) -> Protocol:
    """Set the data-sharing terms of a draft (or out for comment) version of a data-sharing
    agreement. `flows` maps each field that may flow to (purposes, recipients — none for every
    member)."""
    version = (
        AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=version.pk)
    )
    if version.agreement.kind != AgreementKind.DATA_SHARING:
        raise ValidationError("Only a data-sharing agreement has data-sharing terms.")
    if version.status not in (VersionStatus.DRAFT, VersionStatus.COMMENT):
        raise ValidationError(PROTOCOL_FIXED)
    errors: dict[str, str] = {}
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Choose a lawful basis from the list."
    if not isinstance(retention_days, int) or retention_days < 1:
        errors["retention_days"] = "Keep data at least one day after a referral ends."
    members = set(
        Membership.objects.current()
        .filter(partnership_id=version.agreement.partnership_id)
        .values_list("organisation_id", flat=True)
    )
    for field, (purposes, recipients) in flows.items():
        if field not in FIELDS:
            errors[field] = "Not a field of a person's record."
        elif not purposes or set(purposes) - set(Purpose.values):
            errors[field] = f"Choose the purposes {FIELDS[field].lower()} may be shared for."
        elif any(o.pk not in members for o in recipients):
            errors[field] = "Name only current members of the partnership."
    if errors:
        raise ValidationError(errors)
    protocol, _ = Protocol.objects.update_or_create(
        version=version,
        defaults={
            "lawful_basis": lawful_basis,
            "retention_days": retention_days,
            "security": security.strip(),
        },
    )
    protocol.flows.all().delete()
    for field in FIELDS:
        if field in flows:
            purposes, recipients = flows[field]
            flow = Flow.objects.create(
                protocol=protocol, field=field, purposes=sorted(set(purposes))
            )
            flow.recipients.set(list(recipients))
    audit_record(
        actor=by,
        action="protocol.set",
        obj=protocol,
        partnership=version.agreement.partnership,
        after={
            "lawful_basis": lawful_basis,
            "retention_days": retention_days,
            "flows": {f: sorted(p) for f, (p, _) in flows.items()},
        },
    )
    return protocol
