"""The must-dos of a successful partnership (seed 002, with seed 001's "agree data-sharing
protocols early"), ticked from evidence where the app holds it and otherwise attested by the
lead. Three queries, however many agreements and members there are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from joinedup.agreements.models import (
    AgreementKind,
    AgreementVersion,
    Attestation,
    SignOff,
    VersionStatus,
)
from joinedup.meetings.models import Series

REVIEW_SOON = dt.timedelta(days=30)


@dataclass(frozen=True)
class Evidence:
    in_force: list[AgreementVersion]
    members: set[int]
    hours_named: set[int]
    core: set[int]
    lead: int | None
    today: dt.date
    meeting_tiers: set[str]  # tiers of the partnership's series that have met or will meet

    def of_kind(self, kind: str) -> list[AgreementVersion]:
        return [v for v in self.in_force if v.agreement.kind == kind]

    def section_written(self, key: str) -> bool:
        return any(v.sections.get(key) for v in self.in_force)


def _terms_signed_by_all(e: Evidence) -> str | None:
    for version in e.of_kind(AgreementKind.TERMS_OF_REFERENCE):
        signed = {s.organisation_id for s in version.signoffs.all()}
        if e.members <= signed:
            return f"{version} is in force, signed by every current member."
    return None  # none in force, or members who joined since have not signed it


def _agreement_in_force(e: Evidence) -> str | None:
    found = e.of_kind(AgreementKind.PARTNERSHIP_AGREEMENT)
    return f"{found[0]} is in force." if found else None


def _slas_for_core(e: Evidence) -> str | None:
    covered = {v.agreement.counterparty_id for v in e.of_kind(AgreementKind.SLA)}
    if e.core and e.core <= covered:
        return "Every core partner has a service-level agreement in force."
    return None


def _protocol(e: Evidence) -> str | None:
    found = e.of_kind(AgreementKind.DATA_SHARING)
    return f"{found[0]} is in force." if found else None


def _section(key: str, what: str) -> Callable[[Evidence], str | None]:
    def check(e: Evidence) -> str | None:
        return f"An agreement in force sets out {what}." if e.section_written(key) else None

    return check


def _boards_informed(e: Evidence) -> str | None:
    for version in e.of_kind(AgreementKind.TERMS_OF_REFERENCE):
        signatures = list(version.signoffs.all())
        if signatures and all(s.board_informed for s in signatures):
            return "Every organisation that signed the terms of reference has told its board."
    return None


def _hours_named(e: Evidence) -> str | None:
    if e.members and e.members <= e.hours_named:
        return "Every current member has named the hours a month it commits."
    return None


def _reviewed(e: Evidence) -> str | None:
    if not e.in_force:
        return None
    overdue = [v for v in e.in_force if v.review_on and v.review_on < e.today]
    return None if overdue else "No agreement in force is overdue for review."


def _channels(e: Evidence) -> str | None:
    """A meeting series for each tier the partnership has: lead and core partners meet (core
    or board tier), and, when there are wider partners, a tier that invites them too."""
    core_met = bool(e.meeting_tiers & {"core", "board"})
    has_wider = bool(e.members - e.core - {e.lead})
    wider_met = bool(e.meeting_tiers & {"wider", "learning", "annual_review"})
    if core_met and (wider_met or not has_wider):
        return "A meeting series meets for each tier of partners."
    return None


# (key, what to do, where it comes from, how the app finds evidence of it, or None)
MUST_DOS: list[tuple[str, str, str, Callable[[Evidence], str | None] | None]] = [
    ("terms", "Clear terms of reference, signed by every partner", "002", _terms_signed_by_all),
    (
        "agreement",
        "A formal partnership agreement for partnership projects",
        "002",
        _agreement_in_force,
    ),
    (
        "slas",
        "A service-level agreement between the lead and each core partner",
        "002",
        _slas_for_core,
    ),
    ("goals", "Be clear about your shared goals", "002", _section("goal", "the shared goal")),
    (
        "decisions",
        "Be clear about decision-making powers",
        "002",
        _section("decisions", "who decides what"),
    ),
    (
        "problems",
        "Raise problems straight away, not at the next meeting",
        "002",
        _section("problems", "how problems are raised"),
    ),
    ("data_sharing", "Agree data-sharing protocols early", "001", _protocol),
    (
        "boards",
        "Keep every partner's board or management committee informed",
        "002",
        _boards_informed,
    ),
    ("review", "Review agreements at least once a year", "001", _reviewed),
    ("understanding", "A clear, shared understanding of what a partnership is", "002", None),
    ("pros_cons", "Each partner has weighed the pros and cons of taking part", "002", None),
    ("resources", "Every partner names the staff time it commits", "002", _hours_named),
    (
        "communication",
        "Establish communication channels early: a meeting series for each tier",
        "001",
        _channels,
    ),
    ("power", "Address differences of power between partners", "002", None),
    ("trust", "Give trust the time it takes to build", "002", None),
    ("support", "Find external support", "002", None),
]
ATTESTED_KEYS = [(key, text) for key, text, _, check in MUST_DOS if check is None]


@dataclass(frozen=True)
class MustDo:
    key: str
    text: str
    source: str
    checked: bool  # the app looks for evidence of it; otherwise the lead attests it
    evidence: str | None  # what the app holds, if it ticks the item
    attestation: Attestation | None

    @property
    def done(self) -> bool:
        return self.evidence is not None if self.checked else self.attestation is not None


@dataclass(frozen=True)
class Checklist:
    items: list[MustDo]
    due: list[tuple[AgreementVersion, str]]  # agreements in force due or overdue for review

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def missing(self) -> list[MustDo]:
        return [item for item in self.items if not item.done]


def checklist(partnership: Any) -> Checklist:
    today = timezone.localdate()
    in_force = list(
        AgreementVersion.objects.filter(
            agreement__partnership=partnership, status=VersionStatus.IN_FORCE
        )
        .select_related("agreement")
        .prefetch_related(Prefetch("signoffs", queryset=SignOff.objects.order_by("pk")))
    )
    members = list(
        partnership.memberships.current().values_list("organisation_id", "role", "committed_hours")
    )
    evidence = Evidence(
        in_force=in_force,
        members={org for org, _, _ in members},
        hours_named={org for org, _, hours in members if hours is not None},
        core={org for org, role, _ in members if role == "core"},
        lead=next((org for org, role, _ in members if role == "lead"), None),
        today=today,
        meeting_tiers=set(
            Series.objects.filter(partnership=partnership, meetings__isnull=False)
            .values_list("tier", flat=True)
            .distinct()
        ),
    )
    attested: dict[str, Attestation] = {}
    for attestation in partnership.attestations.select_related("by"):
        attested.setdefault(attestation.item, attestation)
    items = [
        MustDo(
            key,
            text,
            source,
            check is not None,
            check(evidence) if check else None,
            None if check else attested.get(key),
        )
        for key, text, source, check in MUST_DOS
    ]
    due = [
        (v, "overdue" if v.review_on < today else "due soon")
        for v in in_force
        if v.review_on and v.review_on <= today + REVIEW_SOON
    ]
    return Checklist(items, due)
