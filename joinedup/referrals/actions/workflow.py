"""Referrals from draft to an outcome, the messages on them, signposting, and the timings
that chase an unanswered referral."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.access import acts_for
from joinedup.actions import action
from joinedup.actions import person as signed_in
from joinedup.agreements.models import VersionStatus
from joinedup.audit.actions import audit_record, snapshot
from joinedup.directory.models import Service
from joinedup.lib.needs import NEEDS
from joinedup.lib.postcodes import outward
from joinedup.meetings.notices import tell
from joinedup.partnerships.models import Membership, Organisation, Partnership
from joinedup.referrals.actions.common import (
    FIELD_NOT_ALLOWED,
    NO_SERVICE_ORG,
    NOT_A_MEMBER,
    NOT_IN_FORCE,
    NOT_NOW,
    NOT_YOURS,
    PERSON_ERASED,
    lock,
    move_to,
)
from joinedup.referrals.models import (
    FIELDS,
    WAITING,
    AccessKind,
    Consent,
    DeclineReason,
    Event,
    Message,
    Outcome,
    Person,
    Protocol,
    Purpose,
    Referral,
    Signpost,
    Status,
    Timings,
)
from joinedup.referrals.privacy import log_access
from joinedup.referrals.rules import sees_details
from joinedup.referrals.sharing import offers


def _receiver(service: Service | None, to_org: Organisation | None) -> Organisation:
    if service is not None:
        owner = service.organization.organisation
        if owner is None:
            raise ValidationError({"service": NO_SERVICE_ORG})
        if to_org is not None and to_org.pk != owner.pk:
            raise ValidationError({"service": "The service is not run by the organisation named."})
        return owner
    if to_org is None:
        raise ValidationError({"service": "Choose the service (or organisation) to refer to."})
    return to_org


@action
def referral_create(
    *,
    person: Person,
    consent: Consent,
    protocol: Protocol,
    by: Any,
    from_org: Organisation,
    service: Service | None = None,
    to_org: Organisation | None = None,
    fields: Sequence[str],
    purpose: str = Purpose.REFERRAL,
    need: str = "",
    summary: str = "",
    send: bool = True,
    batch: uuid.UUID | None = None,
    passed_from: Referral | None = None,
) -> Referral:
    """A referral of `person` from `from_org`, sharing `fields`. Every field must be allowed
    by both the protocol and the consent (`sharing.offers`), whatever the caller sends."""
    if person.erased_at is not None:
        raise ValidationError(PERSON_ERASED)
    if signed_in(by) is not None and not acts_for(by, from_org.pk):
        raise ValidationError({"from_org": NOT_YOURS})
    if consent.person_id != person.pk:
        raise ValidationError({"consent": "This consent is another person's."})
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": "Choose a purpose from the list."})
    receiver = _receiver(service, to_org)
    if receiver.pk == from_org.pk:
        raise ValidationError({"service": "Refer to another organisation than your own."})
    partnership = protocol.version.agreement.partnership
    if protocol.version.status != VersionStatus.IN_FORCE:
        raise ValidationError({"protocol": NOT_IN_FORCE})
    current = Membership.objects.current().filter(partnership=partnership)
    for org, key in ((from_org, "from_org"), (receiver, "service")):
        if not current.filter(organisation=org).exists():
            raise ValidationError({key: NOT_A_MEMBER.format(org=org, partnership=partnership)})
    allowed = {
        o.field: o
        for o in offers(
            protocol=protocol, consent=consent, person=person, to_org=receiver, purpose=purpose
        )
    }
    fields = list(dict.fromkeys(fields))
    if not fields:
        raise ValidationError({"fields": "Choose at least one field to share."})
    for field in fields:
        if field not in allowed:
            raise ValidationError({"fields": f"{field!r} is not a field of a person's record."})
        if not allowed[field].allowed:
            raise ValidationError(
                {
                    "fields": FIELD_NOT_ALLOWED.format(
                        label=allowed[field].label, why=allowed[field].why_not
                    )
                }
            )
    if passed_from is not None:
        not_shared = set(fields) - set(passed_from.fields)
        if not_shared:
            raise ValidationError(
                {
                    "fields": "Pass on only what was shared with you: "
                    + ", ".join(FIELDS[f].lower() for f in sorted(not_shared))
                    + " was not."
                }
            )
    referral = Referral.objects.create(
        partnership=partnership,
        person=person,
        consent=consent,
        protocol=protocol,
        from_org=from_org,
        to_org=receiver,
        service=service,
        need=need,
        area=person.area,
        purpose=purpose,
        fields=[f for f in FIELDS if f in set(fields)],
        summary=summary.strip(),
        batch=batch,
        passed_from=passed_from,
        created_by=signed_in(by),
    )
    Event.objects.create(
        referral=referral, by=signed_in(by), organisation_id=from_org.pk, status=Status.DRAFT
    )
    audit_record(
        actor=by,
        action="referral.create",
        obj=referral,
        partnership=partnership,
        after=snapshot(referral, ["fields", "purpose", "need"]),
    )
    if send:
        _send(referral, by)
    else:
        log_access(
            by=by,
            kind=AccessKind.CREATE,
            person=person,
            referral=referral,
            acting_for=from_org.pk,
            record=str(referral),
            purpose="Referral drafted",
        )
    return referral


def _send(referral: Referral, by: Any) -> None:
    move_to(referral, Status.SENT, by=by, organisation_id=referral.from_org_id)
    log_access(
        by=by,
        kind=AccessKind.SHARE,
        person=referral.person,
        referral=referral,
        acting_for=referral.from_org_id,
        record=str(referral),
        purpose=f"Shared {', '.join(referral.fields)} with {referral.to_org} "
        f"for {referral.get_purpose_display().lower()}",
    )
    tell(
        [referral.to_org],
        f"New referral from {referral.from_org}",
        f"{referral.from_org} referred someone to you ({referral}). Open it to accept or decline.",
        referral.get_absolute_url(),
    )


NOT_THEIR_NEED = "{service}: choose the need it is for among the person's needs ({needs})."
UNKNOWN_NEED = "{service}: {need!r} is not a need on our list."


def _check_needs(person: Person, chosen: Sequence[tuple[Service, str]]) -> None:
    """Each service of a net is chosen for one of the person's needs. When none is recorded,
    any need on our list (or none said) will do: it is stated only on the referral."""
    recorded = [code for code in person.needs if code in NEEDS]
    for service, need in chosen:
        if recorded and need not in recorded:
            raise ValidationError(
                {
                    "needs": NOT_THEIR_NEED.format(
                        service=service.name,
                        needs=", ".join(NEEDS[code] for code in recorded),
                    )
                }
            )
        if need and need not in NEEDS:
            raise ValidationError({"needs": UNKNOWN_NEED.format(service=service.name, need=need)})


@action
def referral_net(
    *,
    person: Person,
    consent: Consent,
    protocol: Protocol,
    by: Any,
    from_org: Organisation,
    services: Sequence[tuple[Service, str]],
    fields: Sequence[str],
    purpose: str = Purpose.REFERRAL,
    summary: str = "",
    send: bool = True,
) -> list[Referral]:
    """A net of support: one person, one consent, a referral to each service, sent together
    (or kept as drafts). `services` pairs each service with the need it is chosen for, one of
    the person's needs (`_check_needs`), which its referral carries: flows, acceptance rates
    and gaps count by it. Each shares the chosen fields that its receiver may have; a field no
    receiver may have is refused, and if a receiver may have none of them, nothing is sent."""
    needs: dict[Any, str] = {}
    chosen: list[Service] = []
    for service, need in services:  # a service chosen twice counts once, for its first need
        if service.pk not in needs:
            needs[service.pk] = need
            chosen.append(service)
    if not chosen:
        raise ValidationError({"services": "Choose one or more services."})
    _check_needs(person, [(service, needs[service.pk]) for service in chosen])
    batch = uuid.uuid4()
    offered = {
        service.pk: offers(
            protocol=protocol,
            consent=consent,
            person=person,
            to_org=_receiver(service, None),
            purpose=purpose,
        )
        for service in chosen
    }
    for field in dict.fromkeys(fields):
        found = [o for each in offered.values() for o in each if o.field == field]
        if not found:
            raise ValidationError({"fields": f"{field!r} is not a field of a person's record."})
        if not any(o.allowed for o in found):
            raise ValidationError(
                {"fields": FIELD_NOT_ALLOWED.format(label=found[0].label, why=found[0].why_not)}
            )
    sent = []
    for service in chosen:
        allowed = {o.field for o in offered[service.pk] if o.allowed}
        sent.append(
            referral_create(
                person=person,
                consent=consent,
                protocol=protocol,
                by=by,
                from_org=from_org,
                service=service,
                fields=[f for f in fields if f in allowed] or list(fields),
                purpose=purpose,
                need=needs[service.pk],
                summary=summary,
                batch=batch,
                send=send,
            )
        )
    return sent


def _require(referral: Referral, allowed: Iterable[str], verb: str) -> None:
    if referral.status not in allowed:
        raise ValidationError(
            NOT_NOW.format(status=referral.get_status_display().lower(), verb=verb)
        )


@action
def referral_send(*, referral: Referral, by: Any) -> Referral:
    referral = lock(referral)
    _require(referral, [Status.DRAFT], "sent")
    if not referral.consent.stands():
        raise ValidationError("The consent no longer stands: record a new one first.")
    _still_allowed(referral)
    _send(referral, by)
    return referral


def _still_allowed(referral: Referral) -> None:
    """What a draft shares was checked when it was written; the protocol, the partnership
    and the record may have changed since, so check again before anything is sent."""
    protocol = referral.protocol
    if protocol.version.status != VersionStatus.IN_FORCE:
        raise ValidationError({"protocol": NOT_IN_FORCE})
    partnership = protocol.version.agreement.partnership
    current = Membership.objects.current().filter(partnership=partnership)
    for org in (referral.from_org, referral.to_org):
        if not current.filter(organisation=org).exists():
            raise ValidationError(NOT_A_MEMBER.format(org=org, partnership=partnership))
    found = offers(
        protocol=protocol,
        consent=referral.consent,
        person=referral.person,
        to_org=referral.to_org,
        purpose=referral.purpose,
    )
    for offer in found:
        if offer.field in referral.fields and not offer.allowed:
            raise ValidationError(
                {"fields": FIELD_NOT_ALLOWED.format(label=offer.label, why=offer.why_not)}
            )


@action
def referral_see(*, referral: Referral, by: Any) -> Referral:
    """The receiver opened it: the referrer sees it was seen."""
    referral = lock(referral)
    if referral.status == Status.SENT:
        move_to(referral, Status.SEEN, by=by, organisation_id=referral.to_org_id)
    return referral


def _receiver_moves(referral: Referral, status: str, *, by: Any, note: str, said: str) -> None:
    """A step the receiver takes: recorded with its note, and the referrer told `said`."""
    move_to(referral, status, by=by, organisation_id=referral.to_org_id, note=note, written=True)
    tell(
        [referral.from_org],
        f"{referral} {Status(status).label.lower()} by {referral.to_org}",
        f"{referral.to_org} {said}",
        referral.get_absolute_url(),
    )


@action
def referral_accept(*, referral: Referral, by: Any, note: str = "") -> Referral:
    referral = lock(referral)
    _require(referral, WAITING, "accepted")
    _receiver_moves(
        referral, Status.ACCEPTED, by=by, note=note.strip(), said=f"accepted {referral}."
    )
    return referral


@action
def referral_decline(*, referral: Referral, by: Any, reason: str, note: str = "") -> Referral:
    referral = lock(referral)
    _require(referral, WAITING, "declined")
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Choose a reason from the list."})
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why, when the reason is “other”."})
    referral.decline_reason = reason
    referral.note = note.strip()
    said = f"declined {referral}: {referral.get_decline_reason_display()}."
    _receiver_moves(referral, Status.DECLINED, by=by, note=referral.note, said=said)
    return referral


@action
def referral_start(*, referral: Referral, by: Any) -> Referral:
    referral = lock(referral)
    _require(referral, [Status.ACCEPTED], "started")
    move_to(referral, Status.IN_PROGRESS, by=by, organisation_id=referral.to_org_id)
    return referral


@action
def referral_complete(*, referral: Referral, by: Any, outcome: str, note: str = "") -> Referral:
    referral = lock(referral)
    _require(referral, [Status.ACCEPTED, Status.IN_PROGRESS], "completed")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose an outcome from the list."})
    referral.outcome = outcome
    referral.note = note.strip()
    said = f"completed {referral}: {referral.get_outcome_display()}."
    _receiver_moves(referral, Status.COMPLETED, by=by, note=referral.note, said=said)
    return referral


@action
def referral_close(*, referral: Referral, by: Any, note: str) -> Referral:
    referral = lock(referral)
    _require(referral, [Status.ACCEPTED, Status.IN_PROGRESS], "closed")
    if not note.strip():
        raise ValidationError({"note": "Say why it is closed."})
    referral.note = note.strip()
    _receiver_moves(referral, Status.CLOSED, by=by, note=referral.note, said=f"closed {referral}.")
    return referral


@action
def referral_withdraw(*, referral: Referral, by: Any, note: str = "") -> Referral:
    referral = lock(referral)
    _require(referral, [Status.DRAFT, *WAITING, Status.ACCEPTED, Status.IN_PROGRESS], "withdrawn")
    was_sent = referral.status != Status.DRAFT
    move_to(
        referral,
        Status.WITHDRAWN,
        by=by,
        organisation_id=referral.from_org_id,
        note=note.strip(),
        written=True,
    )
    if was_sent:
        tell(
            [referral.to_org],
            f"{referral} withdrawn",
            f"{referral.from_org} withdrew {referral}. Its details are no longer shown.",
            referral.get_absolute_url(),
        )
    return referral


@action
def referral_pass_on(
    *,
    referral: Referral,
    by: Any,
    service: Service | None = None,
    to_org: Organisation | None = None,
    fields: Sequence[str] | None = None,
    summary: str = "",
) -> Referral:
    """The receiver passes the person on to another service under the same consent: the new
    referral shares no more than this one did (and of the referrer's words, nothing), and
    this one closes, pointing to it."""
    referral = lock(referral)
    _require(referral, [*WAITING, Status.ACCEPTED], "passed on")
    onward = referral_create(
        person=referral.person,
        consent=referral.consent,
        protocol=referral.protocol,
        by=by,
        from_org=referral.to_org,
        service=service,
        to_org=to_org,
        fields=referral.fields if fields is None else fields,
        purpose=referral.purpose,
        need=referral.need,
        # The receiver's own words: the referrer's summary was written for the receiver and
        # goes no further unless the receiver writes it in.
        summary=summary,
        passed_from=referral,
    )
    referral.note = f"Passed on to {onward.to_org}"
    if referral.responded_at is None:
        referral.responded_at = timezone.now()
    move_to(referral, Status.CLOSED, by=by, organisation_id=referral.to_org_id, note=referral.note)
    tell(
        [referral.from_org],
        f"{referral} passed on",
        f"{referral.to_org} passed {referral} on to {onward.to_org}.",
        referral.get_absolute_url(),
    )
    return onward


@action
def referral_expire(*, referral: Referral, by: Any = None) -> Referral:
    referral = lock(referral)
    _require(referral, WAITING, "expired")
    move_to(referral, Status.EXPIRED, by=by, organisation_id=None, note="Not answered in time")
    tell(
        [referral.from_org],
        f"{referral} expired",
        f"{referral.to_org} did not answer {referral} in time; it has expired.",
        referral.get_absolute_url(),
    )
    return referral


@action
def message_post(*, referral: Referral, by: Any, text: str, asks_for_info: bool = False) -> Message:
    referral = lock(referral)
    if not text.strip():
        raise ValidationError({"text": "Write a message."})
    if referral.erased_at is not None:
        raise ValidationError(PERSON_ERASED)
    if not sees_details(by, referral):
        # The thread is personal data: whoever no longer sees it does not write to it either.
        raise ValidationError("The person's details are no longer shown on this referral.")
    if acts_for(by, referral.from_org_id):
        side, other = referral.from_org, referral.to_org
    elif acts_for(by, referral.to_org_id):
        side, other = referral.to_org, referral.from_org
    else:
        raise ValidationError(NOT_YOURS)
    message = Message.objects.create(
        referral=referral,
        organisation=side,
        author=signed_in(by),
        text=text.strip(),
        asks_for_info=asks_for_info,
    )
    log_access(
        by=by,
        kind=AccessKind.CHANGE,
        person=referral.person,
        referral=referral,
        acting_for=side.pk,
        record=f"message {message.pk}",
        purpose="Message on a referral",
    )
    what = "asks for more information on" if asks_for_info else "wrote on"
    tell(
        [other],
        f"{side} {what} {referral}",
        f"{side} {what} {referral}.",
        referral.get_absolute_url(),
    )
    return message


@action
def signpost_record(
    *,
    partnership: Partnership,
    by: Any,
    from_org: Organisation,
    service: Service | None = None,
    to_org: Organisation | None = None,
    need: str = "",
    area: str = "",
    on: dt.date | None = None,
) -> Signpost:
    """Someone was told about a service; nothing about them is kept."""
    if signed_in(by) is not None and not acts_for(by, from_org.pk):
        raise ValidationError({"from_org": NOT_YOURS})
    if (
        not Membership.objects.current()
        .filter(partnership=partnership, organisation=from_org)
        .exists()
    ):
        raise ValidationError(
            {"from_org": NOT_A_MEMBER.format(org=from_org, partnership=partnership)}
        )
    if service is not None:
        to_org = service.organization.organisation or to_org
    if service is None and to_org is None and not need:
        raise ValidationError(
            {"service": "Name the service, the organisation or at least the need."}
        )
    signpost = Signpost.objects.create(
        partnership=partnership,
        from_org=from_org,
        to_org=to_org,
        service=service,
        need=need,
        area=outward(area)[:10],
        on=on or timezone.localdate(),
        by=signed_in(by),
    )
    audit_record(actor=by, action="signpost.record", obj=signpost, partnership=partnership)
    return signpost


@action
def timings_set(
    *, partnership: Partnership, by: Any, remind_after: int, escalate_after: int, expire_after: int
) -> Timings:
    timings, _ = Timings.objects.get_or_create(partnership=partnership)
    before = snapshot(timings, ["remind_after", "escalate_after", "expire_after"])
    timings.remind_after, timings.escalate_after, timings.expire_after = (
        remind_after,
        escalate_after,
        expire_after,
    )
    timings.full_clean(exclude=["partnership"])
    timings.save()
    audit_record(
        actor=by,
        action="referral_timings.set",
        obj=timings,
        partnership=partnership,
        before=before,
        after=snapshot(timings, ["remind_after", "escalate_after", "expire_after"]),
    )
    return timings
