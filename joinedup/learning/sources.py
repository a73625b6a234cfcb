"""Where learning comes from. Each app that holds text worth coding (reflections, event notes and
feedback, minutes, the health check's free text, handover notes) registers a provider in its
`AppConfig.ready`; the coding pages read every provider for a programme.

A provider yields only what the programme's evaluators may read: shared text, never text its
writer kept private, and nothing personal about people being supported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SourceText:
    kind: str  # "reflection", "event-notes", "feedback", "minutes", "health", "handover", ...
    key: str  # stable within its kind, e.g. the primary key
    title: str
    text: str  # plain text
    written_at: dt.datetime
    url: str = ""
    partnership_id: int | None = None
    organisation_id: int | None = None
    hub_id: int | None = None


Provider = Callable[[Any], Iterable[SourceText]]  # called with a Programme
_providers: dict[str, Provider] = {}


def register(kind: str, provider: Provider) -> None:
    _providers[kind] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


KIND_LABELS = {
    "document": "Uploaded document",
    "minutes": "Meeting minutes",
    "health": "Health check comments",
    "event-notes": "Event notes",
    "feedback": "Event feedback",
    "reflection": "Reflection",
    "handover": "Handover note",
}


def kind_label(kind: str) -> str:
    """A source's kind as pages say it ("health" is "Health check comments")."""
    return KIND_LABELS.get(kind, kind.replace("-", " ").capitalize())
