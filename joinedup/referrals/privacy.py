"""The personal-data access log: every view, export and change of a person's data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from joinedup.actions import person as signed_in
from joinedup.referrals.models import Access, AccessKind, Person, Referral


def log_access(
    *,
    by: Any,
    kind: str,
    person: Person,
    record: str,
    purpose: str,
    acting_for: int | None = None,
    referral: Referral | None = None,
) -> Access:
    """Write one row; `acting_for` is the organisation the actor acted for (the holder when
    not given)."""
    return Access.objects.create(
        actor=signed_in(by),
        actor_org_id=acting_for if acting_for is not None else person.organisation_id,
        holder_id=person.organisation_id,
        person=person,
        referral=referral,
        kind=kind,
        record=record[:64],
        purpose=purpose[:200],
    )


def log_listed(*, by: Any, people: Iterable[Person], purpose: str) -> None:
    """One `view` row per person whose name a list shows, written in one query."""
    rows = [
        Access(
            actor=signed_in(by),
            actor_org_id=p.organisation_id,
            holder_id=p.organisation_id,
            person=p,
            kind=AccessKind.VIEW,
            record=str(p),
            purpose=purpose[:200],
        )
        for p in {p.pk: p for p in people}.values()
    ]
    if rows:
        Access.objects.bulk_create(rows)
