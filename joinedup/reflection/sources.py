"""Reflections and handover notes as learning sources for a programme's evaluators.

Decided: only reflections their writers **shared with the partnership** reach the evaluators.
A reflection shared with an organisation was shared with its colleagues, not with the
programme; widening that would break the writer's choice. Handover notes count only once
the successor has confirmed them, and only the leaver's own words: the pre-filled part
repeats records the coding pages reach through their own apps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from joinedup.learning.sources import SourceText, register
from joinedup.reflection.models import Handover, HandoverStatus, Reflection, Sharing


def reflections(programme: Any) -> Iterator[SourceText]:
    for r in Reflection.objects.filter(
        partnership__programme=programme, sharing=Sharing.PARTNERSHIP
    ).only("pk", "title", "answers", "template", "written_at", "partnership_id", "organisation_id"):
        yield SourceText(
            kind="reflection",
            key=str(r.pk),
            title=r.title,
            text=r.plain_text(),
            written_at=r.written_at,
            url=reverse("reflection", args=[r.pk]),
            partnership_id=r.partnership_id,
            organisation_id=r.organisation_id,
        )


def handovers(programme: Any) -> Iterator[SourceText]:
    found = (
        Handover.objects.filter(status=HandoverStatus.CONFIRMED)
        .exclude(leaver_notes="")
        .filter(organisation__memberships__partnership__programme=programme)
        .select_related("organisation")
        .distinct()
    )
    for h in found:
        assert h.confirmed_at is not None
        yield SourceText(
            kind="handover",
            key=str(h.pk),
            title=f"Handover at {h.organisation.name}",
            text=h.leaver_notes,
            written_at=h.confirmed_at,
            partnership_id=h.partnership_id,
            organisation_id=h.organisation_id,
        )


def register_all() -> None:
    register("reflection", reflections)
    register("handover", handovers)
