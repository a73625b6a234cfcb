"""Which services a referral may go to, and why the others are left out.

A worker refers a person under one consent and one protocol. Only a service whose organisation
the consent names, that is a current member of the protocol's partnership, and to which the
protocol lets at least one field the consent covers flow, can receive anything: the finder
lists only those, and counts the rest by reason ("3 services not shown: the consent does not
cover their organisations"), so a worker never picks a service that would then share nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.agreements.models import AgreementKind, VersionStatus
from joinedup.directory.forms import needs_terms
from joinedup.directory.models import Service, TaxonomyTerm
from joinedup.directory.queries import services_visible_to, viewer
from joinedup.directory.search import Criteria, find
from joinedup.partnerships.models import Membership, Organisation
from joinedup.referrals.models import Consent, Person, Protocol, Purpose
from joinedup.referrals.sharing import offers

FOUND = 20  # services listed per search


@dataclass(frozen=True)
class Reason:
    """Why services cannot receive a referral: said of many, and of one organisation."""

    many: str
    one: str


NOT_CONSENTED = Reason(
    "the consent does not cover their organisations",
    "the consent does not cover {org}",
)
NOT_IN_PARTNERSHIP = Reason(
    "their organisations are not members of {partnership}, whose protocol you chose",
    "{org} is not a member of {partnership}, whose protocol you chose",
)
NOTHING_FLOWS = Reason(
    "the protocol lets nothing the consent covers go to them",
    "the protocol lets nothing the consent covers go to {org}",
)
NOT_FOR_PURPOSE = Reason(
    "the consent does not cover sharing for {purpose}",
    "the consent does not cover sharing for {purpose}",
)


@dataclass(frozen=True)
class LeftOut:
    count: int
    why: str

    def __str__(self) -> str:
        return f"{self.count} service{'s' * (self.count != 1)} not shown: {self.why}."


def protocols_for(organisation_id: int) -> QuerySet[Protocol]:
    """The protocols in force in every partnership the organisation is a current member of."""
    partnerships = (
        Membership.objects.current()
        .filter(organisation_id=organisation_id)
        .values("partnership_id")
    )
    return (
        Protocol.objects.filter(
            version__agreement__partnership_id__in=partnerships,
            version__agreement__kind=AgreementKind.DATA_SHARING,
            version__status=VersionStatus.IN_FORCE,
        )
        .select_related("version__agreement__partnership")
        .prefetch_related("flows__recipients")
        .order_by("-version__in_force_on", "-pk")
    )


def services_for(user: Any, from_org_id: int, partnership_ids: list[int]) -> QuerySet[Service]:
    """The services `user` may see that are run by another current member of the partnerships."""
    members = (
        Membership.objects.current()
        .filter(partnership_id__in=partnership_ids)
        .exclude(organisation_id=from_org_id)
        .values("organisation_id")
    )
    return services_visible_to(user).filter(organization__organisation_id__in=members)


def standing_consents(person: Person, today: dt.date | None = None) -> QuerySet[Consent]:
    return person.consents.filter(
        withdrawn_at__isnull=True, expires_on__gte=today or timezone.localdate()
    ).prefetch_related("recipients")


def need_terms(codes: list[str]) -> list[TaxonomyTerm]:
    """The person's recorded needs as terms of the needs taxonomy, to search by."""
    return list(needs_terms().filter(code__in=codes, parent__isnull=True))


class Receivers:
    """Per organisation, whether a referral of `person` under `consent` and `protocol`, for
    `purpose`, can share anything with it; if not, the `Reason`. Reads the partnership's
    members once; the consent's recipients and the protocol's flows are expected prefetched."""

    def __init__(
        self, *, person: Person, consent: Consent, protocol: Protocol, purpose: str
    ) -> None:
        self.person, self.consent, self.protocol, self.purpose = person, consent, protocol, purpose
        self.partnership = protocol.version.agreement.partnership
        self.members = set(
            Membership.objects.current()
            .filter(partnership_id=self.partnership.pk)
            .values_list("organisation_id", flat=True)
        )
        self.consented = {o.pk for o in consent.recipients.all()}
        self._cache: dict[int, Reason | None] = {}

    @property
    def purpose_label(self) -> str:
        return Purpose(self.purpose).label.lower()

    def reason(self, organisation: Organisation) -> Reason | None:
        """None when the organisation can receive the referral."""
        if organisation.pk not in self._cache:
            self._cache[organisation.pk] = self._reason(organisation)
        return self._cache[organisation.pk]

    def _reason(self, organisation: Organisation) -> Reason | None:
        if self.purpose not in self.consent.purposes:
            return NOT_FOR_PURPOSE
        if organisation.pk not in self.members:
            return NOT_IN_PARTNERSHIP
        if organisation.pk not in self.consented:
            return NOT_CONSENTED
        found = offers(
            protocol=self.protocol,
            consent=self.consent,
            person=self.person,
            to_org=organisation,
            purpose=self.purpose,
        )
        return None if any(o.allowed for o in found) else NOTHING_FLOWS

    def say(self, reason: Reason, *, organisation: Organisation | None = None) -> str:
        words = {
            "partnership": self.partnership,
            "purpose": self.purpose_label,
            "org": organisation,
        }
        return (reason.one if organisation is not None else reason.many).format(**words)


def search(
    *, user: Any, services: QuerySet[Service], criteria: Criteria, receivers: Receivers
) -> tuple[list[Service], list[LeftOut]]:
    """The services meeting `criteria` that can receive the referral (at most `FOUND`), and
    how many of the others were left out, by reason."""
    found = find(
        services.select_related("organization__organisation"),
        criteria,
        locations=viewer(user).locations(),
        now=timezone.localtime(),
    )
    # Without the ordering: PostgreSQL refuses an ORDER BY on columns a subquery drops.
    unordered = found.order_by()
    owners = Organisation.objects.filter(
        pk__in=unordered.values("organization__organisation_id")
    ).only("pk", "name")
    reasons = {org.pk: receivers.reason(org) for org in owners}
    allowed = [pk for pk, reason in reasons.items() if reason is None]
    shown = list(found.filter(organization__organisation_id__in=allowed)[:FOUND])
    counts: Counter[Reason] = Counter()
    left = unordered.exclude(organization__organisation_id__in=allowed)
    for owner in left.values_list("organization__organisation_id", flat=True):
        reason = reasons.get(owner)
        if reason is not None:
            counts[reason] += 1
    return shown, [LeftOut(n, receivers.say(reason)) for reason, n in counts.most_common()]
