"""Learning sources from hub events, for the evaluators' coding (`joinedup.learning.sources`).

- "event-notes": each event's (and session's) notes, as the organisers wrote them;
- "feedback": what attendees said they would do differently — anonymous text, only where the
  event (or session) has at least `queries.MIN_ANSWERS` answers, as on the event's page.
Neither names an attendee."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count

from joinedup.events.models import FeedbackAnswer, Notes
from joinedup.events.queries import MIN_ANSWERS
from joinedup.learning.sources import SourceText, register


def event_notes(programme: Any) -> Iterator[SourceText]:
    for n in (
        Notes.objects.filter(event__programme=programme)
        .exclude(text="")
        .select_related("event", "session")
        .order_by("pk")
    ):
        title = n.event.title + (f": {n.session.title}" if n.session else "")
        yield SourceText(
            kind="event-notes",
            key=str(n.pk),
            title=f"Notes of {title}",
            text=n.text,
            written_at=n.updated_at,
            url=n.event.get_absolute_url(),
            hub_id=n.event.hub_id,
        )


def feedback(programme: Any) -> Iterator[SourceText]:
    enough = {
        (row["event_id"], row["session_id"])
        for row in FeedbackAnswer.objects.filter(event__programme=programme)
        .values("event_id", "session_id")
        .annotate(n=Count("id"))
        .order_by()
        if row["n"] >= MIN_ANSWERS
    }
    texts: dict[tuple[int, int | None], list[str]] = {}
    events: dict[int, Any] = {}
    for a in (
        FeedbackAnswer.objects.filter(event__programme=programme)
        .exclude(do_differently="")
        .select_related("event", "session")
        .order_by("event_id", "session_id", "do_differently")
    ):
        if (a.event_id, a.session_id) in enough:
            texts.setdefault((a.event_id, a.session_id), []).append(a.do_differently)
            events[a.event_id] = a.event
    for (event_id, session_id), lines in texts.items():
        event = events[event_id]
        yield SourceText(
            kind="feedback",
            key=f"{event_id}-{session_id or 0}",
            title=f"Feedback on {event.title}",
            text="\n\n".join(lines),
            written_at=event.ends_at,
            url=event.get_absolute_url(),
            hub_id=event.hub_id,
        )


def install() -> None:
    register("event-notes", event_notes)
    register("feedback", feedback)
