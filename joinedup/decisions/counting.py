"""Who decides, who may speak for an organisation, and how a proposal's positions are counted.

**Authority.** A person casts an organisation's position when they are an admin or manager
of it, or its named contact for this partnership (the person it put forward to speak for it).
Staff who are neither may see a proposal but not decide on it.

**Delegated authority** for an urgent decision is read from the decision-making section of
the partnership agreement (or else the terms of reference) in force: the organisations it names
(`AgreementVersion.delegates`) and which of their people (`delegate_roles`: admins and managers
unless it says staff too). Seed 001's Axis Youth Hub has its core partners decide at once "because
everyone in the partnership is on the same level". When no agreement in force names anyone, the
lead organisation's admins and managers hold it.

**Closing early.** Before its closing date has passed a proposal closes only when every
deciding organisation has given its position — or, when the agreement in force sets a quorum,
when that many have and every one still silent has had its board lead time since the proposal
opened. Otherwise closing now would decide without organisations that were promised time
(seed 001: GMCDP takes decisions to its board).

**Quorum and pass rule.** Read from the decision-making section of the partnership agreement
(or else the terms of reference) in force, when it says so: "quorum of 3" (or "quorum: 3",
"quorum is 3") sets the number of organisations that must take a position; "two-thirds" makes
a vote need two thirds of the deciding organisations. Otherwise: a quorum is more than half of
the deciding organisations, and a vote passes with more than half of them agreeing.
Consent needs no quorum (silence is consent); advice is decided by the proposer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet

from joinedup.access import org_roles
from joinedup.agreements.models import AgreementKind, AgreementVersion, VersionStatus
from joinedup.decisions.models import (
    Deciders,
    DecisionKind,
    LeadTime,
    Outcome,
    Position,
    Proposal,
    Stance,
)
from joinedup.lib.words import listing
from joinedup.partnerships.models import MANAGING_ORG_ROLES, MemberRole, Membership, Organisation

QUORUM = re.compile(r"quorum\s*(?:of|:|is|=)?\s*(\d{1,3})", re.IGNORECASE)
TWO_THIRDS = re.compile(r"two[- ]thirds", re.IGNORECASE)


def deciding_members(partnership_id: int, deciders: str) -> list[Membership]:
    members = Membership.objects.current().filter(partnership_id=partnership_id)
    if deciders == Deciders.CORE:
        members = members.filter(role__in=[MemberRole.LEAD, MemberRole.CORE])
    elif deciders == Deciders.STRATEGIC:
        members = members.filter(at_strategic=True)
    return list(members.select_related("organisation").order_by("organisation__name"))


def deciding_organisations(proposal: Proposal) -> list[Organisation]:
    return [m.organisation for m in deciding_members(proposal.partnership_id, proposal.deciders)]


def has_authority(user: Any, organisation: Organisation, partnership_id: int) -> bool:
    """May `user` cast `organisation`'s position in this partnership? None is the system (the
    demo loader, a command), which records what people decided elsewhere."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser or org_roles(user).get(organisation.pk) in MANAGING_ORG_ROLES:
        return True
    return (
        Membership.objects.current()
        .filter(partnership_id=partnership_id, organisation=organisation, contacts=user)
        .exists()
    )


def organisations_spoken_for(user: Any, partnership_id: int) -> set[int] | None:
    """The organisations `user` may cast positions for in this partnership, in one query; None
    means any (a superuser)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    managed = {org for org, role in org_roles(user).items() if role in MANAGING_ORG_ROLES}
    contact_for = Membership.objects.current().filter(partnership_id=partnership_id, contacts=user)
    return managed | set(contact_for.values_list("organisation_id", flat=True))


@dataclass(frozen=True)
class Rule:
    quorum: int
    threshold: Fraction  # share of deciding organisations a vote needs, strictly more than
    source: str
    agreed_quorum: bool = False  # the agreement in force sets the quorum

    def describe(self) -> str:
        need = "two thirds" if self.threshold == Fraction(2, 3) else "more than half"
        return (
            f"Quorum: {self.quorum} organisations; a vote needs {need} of the deciding "
            f"organisations ({self.source})."
        )


def _governing(partnership_id: int) -> list[AgreementVersion]:
    """The partnership agreement and the terms of reference in force, in that order."""
    versions: QuerySet[AgreementVersion] = AgreementVersion.objects.filter(
        agreement__partnership_id=partnership_id,
        status=VersionStatus.IN_FORCE,
        agreement__kind__in=[AgreementKind.PARTNERSHIP_AGREEMENT, AgreementKind.TERMS_OF_REFERENCE],
    ).select_related("agreement")
    return sorted(versions, key=lambda v: v.agreement.kind != AgreementKind.PARTNERSHIP_AGREEMENT)


def rule_for(partnership_id: int, deciding: int) -> Rule:
    text = ""
    source = "the default"
    for version in _governing(partnership_id):
        if version.sections.get("decisions"):
            text = version.sections["decisions"]
            source = f"from {version.agreement.title}"
            break
    found = QUORUM.search(text)
    quorum = int(found.group(1)) if found else deciding // 2 + 1
    threshold = Fraction(2, 3) if TWO_THIRDS.search(text) else Fraction(1, 2)
    if not found and not TWO_THIRDS.search(text):
        source = "the default: the agreement sets no quorum"
    return Rule(
        quorum=min(quorum, max(deciding, 1)),
        threshold=threshold,
        source=source,
        agreed_quorum=found is not None,
    )


def lead_time_days(organisations: Iterable[Organisation]) -> dict[int, int]:
    return dict(
        LeadTime.objects.filter(organisation__in=list(organisations)).values_list(
            "organisation_id", "days"
        )
    )


def not_yet_heard(
    proposal: Proposal,
    deciding: list[Organisation],
    positions: Iterable[Position],
    rule: Rule,
    now: dt.datetime,
) -> list[Organisation]:
    """The deciding organisations a proposal must still wait for before it may close ahead of
    its closing date; none means it may close now. See "Closing early" above."""
    answered = {p.organisation_id for p in positions}
    silent = [o for o in deciding if o.pk not in answered]
    if not silent:
        return []
    heard = sum(1 for o in deciding if o.pk in answered)
    if not rule.agreed_quorum or heard < rule.quorum:
        return silent
    days = lead_time_days(silent)
    return [
        o
        for o in silent
        if o.pk in days and proposal.opened_at + dt.timedelta(days=days[o.pk]) > now
    ]


@dataclass(frozen=True)
class Delegation:
    """Who holds delegated authority for urgent decisions in a partnership."""

    organisations: list[Organisation]
    roles: tuple[str, ...]
    source: str  # the agreement that says so, or the default

    def describe(self) -> str:
        labels = {"admin": "admins", "manager": "managers", "staff": "staff"}
        who = listing(labels[r] for r in self.roles if r in labels)
        orgs = listing(o.name for o in self.organisations)
        return f"the {who} of {orgs or 'the lead organisation'} ({self.source})"

    def holds(self, user: Any, organisation: Organisation) -> bool:
        """May `user` take an urgent decision for `organisation`? None is the system recording
        one taken elsewhere; it still has to be an organisation that holds the authority."""
        if all(o.pk != organisation.pk for o in self.organisations):
            return False
        if user is None or user.is_superuser:
            return True
        return org_roles(user).get(organisation.pk) in self.roles

    def held_by(self, user: Any) -> list[Organisation]:
        """The organisations `user` may take an urgent decision for."""
        return [o for o in self.organisations if self.holds(user, o)]


def delegated_authority(partnership_id: int) -> Delegation:
    """Read from the agreement in force (the partnership agreement before the terms of
    reference); the lead's admins and managers when none names anyone. Current members only."""
    current = (
        Membership.objects.current()
        .filter(partnership_id=partnership_id)
        .select_related("organisation")
    )
    members = {m.organisation_id: m for m in current}
    for version in _governing(partnership_id):
        named = [
            members[pk].organisation
            for pk in version.delegates.values_list("pk", flat=True)
            if pk in members
        ]
        if named:
            return Delegation(
                organisations=sorted(named, key=lambda o: o.name),
                roles=tuple(version.delegate_roles),
                source=f"from {version.agreement.title}",
            )
    leads = [m.organisation for m in members.values() if m.role == MemberRole.LEAD]
    return Delegation(
        organisations=leads,
        roles=tuple(MANAGING_ORG_ROLES),
        source="the default: the agreement names no one",
    )


def count(kind: str, deciding: Iterable[int], positions: Iterable[Position], rule: Rule) -> str:
    """The outcome of a proposal from the current positions of its deciding organisations."""
    deciding_ids = set(deciding)
    stances = [p.stance for p in positions if p.organisation_id in deciding_ids]
    if kind == DecisionKind.CONSENT:
        return Outcome.NOT_PASSED if Stance.OBJECT in stances else Outcome.PASSED
    if kind == DecisionKind.ADVICE:
        return Outcome.DECIDED
    if len(stances) < rule.quorum:
        return Outcome.NO_QUORUM
    agree, disagree = stances.count(Stance.AGREE), stances.count(Stance.DISAGREE)
    if kind == DecisionKind.CONSENSUS:
        if Stance.BLOCK in stances:
            return Outcome.BLOCKED
        return Outcome.PASSED if agree > disagree else Outcome.NOT_PASSED
    return (
        Outcome.PASSED
        if Fraction(agree, len(deciding_ids)) > rule.threshold
        else Outcome.NOT_PASSED
    )


def went_its_way(stance: str, outcome: str) -> bool | None:
    """Did the outcome go the way an organisation's position wanted? None when it took no side."""
    if stance == Stance.ABSTAIN or outcome not in (
        Outcome.PASSED,
        Outcome.NOT_PASSED,
        Outcome.BLOCKED,
    ):
        return None
    return (stance == Stance.AGREE) == (outcome == Outcome.PASSED)
