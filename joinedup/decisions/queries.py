"""Reads across decisions: the power balance between partners."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from joinedup.decisions.counting import went_its_way
from joinedup.decisions.models import Position, Proposal, ProposalStatus
from joinedup.meetings.models import AgendaItem, Meeting, MeetingStatus
from joinedup.partnerships.models import Organisation


@dataclass(frozen=True)
class Balance:
    organisation: Organisation
    proposals: float  # share of the partnership's proposals it made
    agenda_items: float  # share of agenda items it owned
    chaired: float  # share of meetings held that it chaired
    went_its_way: int  # closed decisions whose outcome matched its position
    took_a_side: int  # closed decisions on which it took a side


def _shares(counts: dict[int, int]) -> dict[int, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()} if total else {}


def power_balance(partnership_id: int, organisations: list[Organisation]) -> list[Balance]:
    """Per organisation: the share of proposals made, agenda items owned and meetings chaired,
    and how many decisions went its way. Four queries, however much data there is."""
    proposals = dict(
        Proposal.objects.filter(partnership_id=partnership_id)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values_list("organisation_id", "n")
    )
    items = dict(
        AgendaItem.objects.filter(meeting__series__partnership_id=partnership_id)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
    chaired = dict(
        Meeting.objects.filter(
            series__partnership_id=partnership_id,
            chair__isnull=False,
            starts_at__lte=timezone.now(),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .values("chair_id")
        .annotate(n=Count("pk"))
        .values_list("chair_id", "n")
    )
    way: Counter[int] = Counter()
    sides: Counter[int] = Counter()
    for org_id, stance, outcome in Position.objects.filter(
        current=True,
        proposal__partnership_id=partnership_id,
        proposal__status=ProposalStatus.CLOSED,
    ).values_list("organisation_id", "stance", "proposal__outcome"):
        result = went_its_way(stance, outcome)
        if result is not None:
            sides[org_id] += 1
            way[org_id] += result
    p, i, c = _shares(proposals), _shares(items), _shares(chaired)
    return [
        Balance(o, p.get(o.pk, 0.0), i.get(o.pk, 0.0), c.get(o.pk, 0.0), way[o.pk], sides[o.pk])
        for o in organisations
    ]
