"""Retention, subject access and erasure of a person's data.

Erasing keeps the rows and blanks what is personal, so that the de-identified facts — a
referral happened, between which organisations, for which need, in which area, when, how it
was answered and what came of it — still count in the flows:

- the person: every personal field blanked, `erased_at` set;
- their referrals: the summary and the receiver's note blanked, `erased_at` set; the notes on
  their status changes and the text of their messages blanked;
- their consents: kept (what was agreed, with whom, until when) with `given_by` blanked;
- the access log and the audit log: kept whole; they name a person by number only.

Retention (`retention_run`, run by `joinedup retention`): a referral is due when it ended
more than its protocol's `retention_days` ago. A person is erased when they have referrals,
every one of them is due (or erased already) and none is open — unless their own organisation
has recorded something new about them (created or changed the record, recorded a consent)
within that period: the person is still being supported, so the record stays and only the
referrals' personal content goes. The report lists such people as kept. A person who was
never referred is outside the protocol: the holding organisation's own retention applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from joinedup.access import org_roles
from joinedup.actions import action, busy_from, run_alone
from joinedup.actions import person as signed_in
from joinedup.audit.actions import audit_record
from joinedup.lib.needs import NEEDS
from joinedup.meetings.notices import tell
from joinedup.partnerships.models import MANAGING_ORG_ROLES
from joinedup.referrals.models import (
    ENDED,
    FIELDS,
    OPEN,
    Access,
    AccessKind,
    Consent,
    Event,
    Message,
    Person,
    Purpose,
    Referral,
    Status,
)
from joinedup.referrals.privacy import log_access

BLANK: dict[str, Any] = {
    "name": "",
    "contact": "",
    "safe_contact": "",
    "born_on": None,
    "age_band": "",
    "postcode": "",
    "needs": [],
    "notes": "",
}
RETENTION_ENDED = "Retention period ended"
ONLY_MANAGERS = "Only an admin or manager of the organisation holding the record may erase it."
# Activity by the holding organisation that shows a person is still supported.
RECORD_KINDS = (AccessKind.CREATE, AccessKind.CHANGE)


def _erase_referrals(referrals: list[Referral], *, by: Any, purpose: str) -> None:
    """Blank the personal content of `referrals`, log it and audit it."""
    now = timezone.now()
    ids = [r.pk for r in referrals]
    Referral.objects.filter(pk__in=ids).update(summary="", note="", erased_at=now)
    Event.objects.filter(referral_id__in=ids).update(note="")
    Message.objects.filter(referral_id__in=ids).update(text="")
    for referral in referrals:
        referral.summary, referral.note, referral.erased_at = "", "", now
        log_access(
            by=by,
            kind=AccessKind.ERASE,
            person=referral.person,
            referral=referral,
            record=str(referral),
            purpose=purpose,
        )
        audit_record(
            actor=by, action="referral.erase", obj=referral, partnership=referral.partnership
        )


def _erase_person(person: Person, *, by: Any, purpose: str) -> None:
    for name, value in BLANK.items():
        setattr(person, name, value)
    person.erased_at = timezone.now()
    person.version += 1
    person.save(update_fields=[*BLANK, "erased_at", "version"])
    Consent.objects.filter(person=person).update(given_by="")
    log_access(by=by, kind=AccessKind.ERASE, person=person, record=str(person), purpose=purpose)
    audit_record(actor=by, action="person.erase", obj=person, after={"purpose": purpose})


@action
def person_erase(*, person: Person, by: Any, reason: str) -> Person:
    """Erase a person's data everywhere, on request. Referrals still open are withdrawn first
    (their receivers are told, without the person's name); the counts stay."""
    # Imported here: the actions package exports this module's actions.
    from joinedup.referrals.actions.common import move_to

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the data is erased, e.g. “the person asked”."})
    person = Person.objects.select_for_update().get(pk=person.pk)
    if signed_in(by) is not None and org_roles(by).get(person.organisation_id) not in (
        MANAGING_ORG_ROLES
    ):
        raise ValidationError(ONLY_MANAGERS)
    if person.erased_at is not None:
        return person
    referrals = list(
        Referral.objects.select_for_update(of=("self",))
        .filter(person=person)
        .select_related("person", "partnership", "to_org")
    )
    purpose = f"Erased on request: {reason}"[:200]
    _erase_referrals(referrals, by=by, purpose=purpose)
    for referral in referrals:
        if referral.status in OPEN:
            was_sent = referral.status != Status.DRAFT
            move_to(
                referral,
                Status.WITHDRAWN,
                by=by,
                organisation_id=referral.from_org_id,
                note="The person's data was erased",
            )
            if was_sent:
                tell(
                    [referral.to_org],
                    f"{referral} withdrawn",
                    f"{referral} was withdrawn: the person's data was erased at their request.",
                    referral.get_absolute_url(),
                )
    _erase_person(person, by=by, purpose=purpose)
    return person


@dataclass
class RetentionReport:
    """What a retention run erased (or, for a dry run, would erase)."""

    today: dt.date
    referrals: list[Referral] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    # People whose referrals are all due but whose organisation recorded something about them
    # within the retention period: their record stays.
    kept: list[Person] = field(default_factory=list)
    # People due when the list was read but changed, or recorded about, before their row was
    # locked: in use, so kept.
    changed: list[Person] = field(default_factory=list)

    def lines(self) -> list[str]:
        def named(items: list[Any]) -> str:
            return ", ".join(str(i) for i in items) if items else "none"

        return [
            f"referrals past retention, personal content erased: {len(self.referrals)} "
            f"({named(self.referrals)})",
            f"people erased: {len(self.people)} ({named(self.people)})",
            f"people kept, recently active at their organisation: {len(self.kept)} "
            f"({named(self.kept)})",
            *(
                [
                    f"people kept, changed while this run was going: {len(self.changed)} "
                    f"({named(self.changed)})"
                ]
                if self.changed
                else []
            ),
        ]


def _ended_on(referral: Referral) -> dt.date | None:
    return timezone.localdate(referral.ended_at) if referral.ended_at else None


def _due(referral: Referral, today: dt.date) -> bool:
    ended = _ended_on(referral)
    return (
        referral.status in ENDED
        and ended is not None
        and (today - ended).days > referral.protocol.retention_days
    )


def retention_due(today: dt.date) -> RetentionReport:
    """What is past the protocols' retention periods on `today`; writes nothing."""
    report = RetentionReport(today)
    candidates = (
        Referral.objects.filter(erased_at__isnull=True, status__in=ENDED, ended_at__isnull=False)
        .select_related("protocol", "person", "partnership")
        .order_by("pk")
    )
    report.referrals = [r for r in candidates if _due(r, today)]
    # Whoever has a referral due now, and whoever was kept on an earlier run (all their
    # referrals erased already, the record not).
    kept_before = (
        Person.objects.filter(erased_at__isnull=True, referrals__erased_at__isnull=False)
        .exclude(referrals__erased_at__isnull=True)
        .values_list("pk", flat=True)
    )
    people_ids = {r.person_id for r in report.referrals} | set(kept_before)
    report.people, report.kept = _people_due(today, people_ids)
    return report


def _people_due(today: dt.date, ids: set[int]) -> tuple[list[Person], list[Person]]:
    """Of the people `ids`, those due for erasure on `today` and those kept (recently active)."""
    due: list[Person] = []
    kept: list[Person] = []
    people = (
        Person.objects.filter(pk__in=ids, erased_at__isnull=True)
        .annotate(
            last_recorded=Max(
                "accesses__at",
                filter=Q(accesses__kind__in=RECORD_KINDS, accesses__referral__isnull=True),
            )
        )
        .prefetch_related(
            Prefetch("referrals", queryset=Referral.objects.select_related("protocol"))
        )
        .order_by("pk")
    )
    for person in people:
        theirs = list(person.referrals.all())
        if not theirs or not all(r.erased_at is not None or _due(r, today) for r in theirs):
            continue
        period = max(r.protocol.retention_days for r in theirs)
        last: dt.datetime | None = person.last_recorded  # type: ignore[attr-defined]
        if last is not None and (today - timezone.localdate(last)).days <= period:
            kept.append(person)
        else:
            due.append(person)
    return due, kept


def retention_run(*, today: dt.date | None = None, by: Any = None) -> RetentionReport:
    """Erase the personal data past the protocols' retention periods; return exactly what was
    erased. One run at a time (`run_alone`): a second run at the same moment raises `Busy` or,
    on SQLite, waits for the first and then finds nothing more due. Everything listed is
    locked and checked again before it is erased: someone changed or recorded since the list
    was read is kept, so a record in use is never erased under a person's hands."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            run_alone("retention")
            return _erase_what_is_still_due(retention_due(today), by=by)
    except OperationalError as error:
        busy = busy_from(error, "retention")
        if busy is None:
            raise
        raise busy from error


def _erase_what_is_still_due(listed: RetentionReport, *, by: Any) -> RetentionReport:
    today = listed.today
    report = RetentionReport(today, kept=list(listed.kept))
    referrals = (
        Referral.objects.select_for_update(of=("self",))
        .filter(pk__in=[r.pk for r in listed.referrals], erased_at__isnull=True)
        .select_related("protocol", "person", "partnership")
        .order_by("pk")
    )
    report.referrals = [r for r in referrals if _due(r, today)]
    _erase_referrals(report.referrals, by=by, purpose=RETENTION_ENDED)
    for listed_person in listed.people:
        person = Person.objects.select_for_update().filter(pk=listed_person.pk).first()
        if person is None or person.erased_at is not None:
            continue
        if person.version != listed_person.version:
            report.changed.append(person)
            continue
        due, _ = _people_due(today, {person.pk})
        if due:
            _erase_person(person, by=by, purpose=RETENTION_ENDED)
            report.people.append(person)
        else:
            report.changed.append(person)
    return report


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _at(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def subject_access(person: Person) -> dict[str, Any]:
    """Everything held about `person`: their record, consents (with recipients), referrals
    (with the fields shared, status changes and messages) and the access log rows about them,
    as JSON-safe values."""
    consents = person.consents.select_related("recorded_by", "withdrawn_by").prefetch_related(
        "recipients"
    )
    referrals = (
        Referral.objects.filter(person=person)
        .select_related("partnership", "from_org", "to_org", "service", "protocol")
        .prefetch_related("events__by", "events__organisation", "messages__organisation")
        .order_by("created_at", "pk")
    )
    accesses = (
        Access.objects.filter(person=person)
        .select_related("actor", "actor_org", "referral")
        .order_by("at", "pk")
    )
    return {
        "about": "Everything Joined Up holds about this person, for a subject access request.",
        "generated_at": _at(timezone.now()),
        "person": {
            "id": person.pk,
            "held_by": person.organisation.name,
            **{f: _at(person.born_on) if f == "born_on" else getattr(person, f) for f in FIELDS},
            "age_band": person.get_age_band_display() if person.age_band else "",
            "needs": [NEEDS.get(code, code) for code in person.needs],
            "invented": person.invented,
            "created_at": _at(person.created_at),
            "erased_at": _at(person.erased_at),
        },
        "consents": [
            {
                "id": c.pk,
                "given_by": c.given_by or "The person",
                "method": c.get_method_display(),
                "purposes": [_label(Purpose, p) for p in c.purposes],
                "fields": [FIELDS.get(f, f) for f in c.fields],
                "recipients": sorted(o.name for o in c.recipients.all()),
                "expires_on": _at(c.expires_on),
                "recorded_by": str(c.recorded_by or ""),
                "recorded_at": _at(c.recorded_at),
                "withdrawn_at": _at(c.withdrawn_at),
            }
            for c in consents
        ],
        "referrals": [_referral(r) for r in referrals],
        "access_log": [
            {
                "at": _at(a.at),
                "who": str(a.actor or "Joined Up (automatic)"),
                "organisation": a.actor_org.name if a.actor_org else "",
                "what": a.get_kind_display(),
                "record": a.record,
                "purpose": a.purpose,
            }
            for a in accesses
        ],
    }


def _referral(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "partnership": r.partnership.name,
        "from": r.from_org.name,
        "to": r.to_org.name,
        "service": r.service.name if r.service else "",
        "need": NEEDS.get(r.need, r.need),
        "area": r.area,
        "purpose": r.get_purpose_display(),
        "fields_shared": [FIELDS.get(f, f) for f in r.fields],
        "lawful_basis": r.protocol.get_lawful_basis_display(),
        "summary": r.summary,
        "status": r.get_status_display(),
        "decline_reason": r.get_decline_reason_display() if r.decline_reason else "",
        "outcome": r.get_outcome_display() if r.outcome else "",
        "note": r.note,
        "created_at": _at(r.created_at),
        "sent_at": _at(r.sent_at),
        "responded_at": _at(r.responded_at),
        "ended_at": _at(r.ended_at),
        "erased_at": _at(r.erased_at),
        "events": [
            {
                "at": _at(e.at),
                "status": e.get_status_display(),
                "by": str(e.by or ""),
                "organisation": e.organisation.name if e.organisation else "",
                "note": e.note,
            }
            for e in r.events.all()
        ],
        "messages": [
            {
                "at": _at(m.at),
                "from": m.organisation.name,
                "asks_for_info": m.asks_for_info,
                "text": m.text,
            }
            for m in r.messages.all()
        ],
    }
