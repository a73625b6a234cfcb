"""Reads for the events pages: each a fixed number of queries however many rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from joinedup.events.models import (
    RATING_LABELS,
    Audience,
    Connection,
    Event,
    FeedbackAnswer,
    FeedbackGiven,
    Registration,
    RegistrationStatus,
    TopicRequest,
    TopicStatus,
    TopicVote,
)
from joinedup.programmes.models import Hub

MIN_ANSWERS = 5  # feedback is shown from five answers (issue 17), above the usual three


# Support: the organisations that voted for a request, never one that asked for it.
_support = (
    TopicVote.objects.filter(request=OuterRef("pk"))
    .exclude(
        Exists(
            TopicRequest.requesters.through.objects.filter(
                topicrequest_id=OuterRef("request_id"), organisation_id=OuterRef("organisation_id")
            )
        )
    )
    .order_by()
    .values("request")
    .annotate(n=Count("pk"))
    .values("n")
)


def supporters(request: TopicRequest) -> QuerySet[TopicVote]:
    """The votes for `request` of organisations other than those that asked for it."""
    return (
        TopicVote.objects.filter(request=request)
        .exclude(organisation__in=request.requesters.all())
        .select_related("organisation")
        .order_by("organisation__name")
    )


def hub_requests(hub: Hub) -> dict[str, list[TopicRequest]]:
    """The hub's requests by status (open ones most supported first): two queries and one per
    prefetched relation."""
    requests = (
        TopicRequest.objects.filter(hub=hub)
        .exclude(status=TopicStatus.MERGED)
        .annotate(support=Coalesce(Subquery(_support, output_field=IntegerField()), 0))
        .select_related("session__event")
        .prefetch_related("requesters", "themes")
        .order_by("-support", "-created_at")
    )
    grouped: dict[str, list[TopicRequest]] = {s: [] for s in TopicStatus.values}
    for r in requests:
        grouped[r.status].append(r)
    return grouped


def hub_events(hub: Hub) -> QuerySet[Event]:
    return (
        Event.objects.filter(hub=hub)
        .annotate(
            places=Count("registrations", filter=Q(registrations__status="registered")),
        )
        .order_by("-starts_at")
    )


def attendance_by_organisation(event: Event) -> list[dict[str, Any]]:
    """Confirmed attendance counted per organisation; guests counted by their audience."""
    counts: Counter[str] = Counter()
    for org, audience in event.registrations.filter(attended_at__isnull=False).values_list(
        "organisation__name", "audience"
    ):
        counts[org or f"Invited: {Audience(audience).label}"] += 1
    return [{"name": k, "people": v} for k, v in sorted(counts.items())]


@dataclass
class Ratings:
    answers: int
    shown: bool
    mean: float | None = None
    counts: list[dict[str, Any]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def _ratings(rows: list[tuple[int, str]]) -> Ratings:
    if len(rows) < MIN_ANSWERS:
        return Ratings(answers=len(rows), shown=False)
    c = Counter(r for r, _ in rows)
    return Ratings(
        answers=len(rows),
        shown=True,
        mean=round(sum(r for r, _ in rows) / len(rows), 1),
        counts=[{"label": f"{k} {RATING_LABELS[k]}", "n": c.get(k, 0)} for k in RATING_LABELS],
        texts=sorted(t for _, t in rows if t.strip()),
    )


@dataclass
class FeedbackSummary:
    answered: int  # answers written, in whole fives: how many wait in the pool is never shown
    event: Ratings  # from written answers only (see `models`: written in fives)
    sessions: list[tuple[Any, Ratings]]
    connections: int | None  # None until the event's answers show: they would tell who answered


def feedback_summary(event: Event) -> FeedbackSummary:
    """Feedback as it may be shown: nothing from fewer than `MIN_ANSWERS` answers — the
    connections made included, since one answer's connection names its giver's organisation."""
    rows: dict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for session_id, rating, text in FeedbackAnswer.objects.filter(event=event).values_list(
        "session_id", "rating", "do_differently"
    ):
        rows[session_id].append((rating, text))
    # Only whole batches: telling how many answers wait in the pool would let someone who
    # knows one person answered add four of their own and read that person's answer.
    given = FeedbackGiven.objects.filter(registration__event=event).count()
    answered = given // MIN_ANSWERS * MIN_ANSWERS
    sessions = [(s, _ratings(rows.get(s.pk, []))) for s in event.sessions.all()]
    event_ratings = _ratings(rows.get(None, []))
    return FeedbackSummary(
        answered=answered,
        event=event_ratings,
        sessions=sessions,
        connections=Connection.objects.filter(event=event).count() if event_ratings.shown else None,
    )


def attendees_listed(event: Event) -> list[Registration]:
    """Those who chose to be listed: never anyone else (people with lived experience included)."""
    return list(
        event.registrations.filter(listed=True, status=RegistrationStatus.REGISTERED)
        .select_related("organisation")
        .order_by("name")
    )


def networking(hub: Hub) -> dict[str, int]:
    """Networking reported per hub: connections made at its events, between how many
    organisations, and how many events they came from."""
    pairs = list(Connection.objects.filter(event__hub=hub).values_list("event_id", "a_id", "b_id"))
    return {
        "connections": len({(a, b) for _, a, b in pairs}),
        "organisations": len({o for _, a, b in pairs for o in (a, b)}),
        "events": len({e for e, _, _ in pairs}),
    }
