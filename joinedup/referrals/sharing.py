"""What a referral may share: the fields that both the protocol in force and the person's
consent allow, with the reason for every field that is not offered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.agreements.models import AgreementKind, VersionStatus
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.referrals.models import FIELDS, SPECIAL_CATEGORY, Consent, Person, Protocol, Purpose


@dataclass(frozen=True)
class Offer:
    """One field of the person's record, and whether this referral may share it."""

    field: str
    label: str
    allowed: bool
    why_not: str = ""

    @property
    def special(self) -> bool:
        return self.field in SPECIAL_CATEGORY


def protocols_in_force(partnership: Partnership) -> QuerySet[Protocol]:
    """The terms of every data-sharing agreement of the partnership that is in force, the
    latest first."""
    return (
        Protocol.objects.filter(
            version__agreement__partnership=partnership,
            version__agreement__kind=AgreementKind.DATA_SHARING,
            version__status=VersionStatus.IN_FORCE,
        )
        .select_related("version__agreement")
        .prefetch_related("flows__recipients")
        .order_by("-version__in_force_on", "-pk")
    )


def blocker(
    *, consent: Consent, to_org: Organisation, purpose: str, today: dt.date | None = None
) -> str:
    """Why nothing at all may be shared with `to_org` under `consent`, or ""."""
    today = today or timezone.localdate()
    if consent.withdrawn_at is not None:
        return "The person withdrew this consent."
    if consent.expires_on < today:
        return f"This consent expired on {consent.expires_on:%-d %B %Y}."
    if to_org.pk not in {o.pk for o in consent.recipients.all()}:
        return f"The person did not consent to share their data with {to_org}."
    if purpose not in consent.purposes:
        return f"The person did not consent to sharing for {Purpose(purpose).label.lower()}."
    return ""


def offers(
    *,
    protocol: Protocol,
    consent: Consent,
    person: Person,
    to_org: Organisation,
    purpose: str,
    today: dt.date | None = None,
) -> list[Offer]:
    """Every field, allowed or with the reason it is not."""
    stop = blocker(consent=consent, to_org=to_org, purpose=purpose, today=today)
    flows = {flow.field: flow for flow in protocol.flows.all()}
    purpose_label = Purpose(purpose).label.lower()
    result = []
    for field, label in FIELDS.items():
        flow = flows.get(field)
        named = {o.pk for o in flow.recipients.all()} if flow else set()
        if stop:
            why = stop
        elif flow is None:
            why = f"The protocol does not let {label.lower()} be shared."
        elif purpose not in flow.purposes:
            why = f"The protocol does not let {label.lower()} be shared for {purpose_label}."
        elif named and to_org.pk not in named:
            why = f"The protocol does not let {label.lower()} be shared with {to_org}."
        elif field not in consent.fields:
            why = f"The person did not consent to sharing their {label.lower()}."
        elif _empty(getattr(person, field)):
            why = "Not recorded for this person."
        else:
            why = ""
        result.append(Offer(field, label, not why, why))
    return result


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []
