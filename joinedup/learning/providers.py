"""Sources of learning this app reads from other apps (registered in `LearningConfig.ready`):

- **meeting minutes**: one source per meeting with minutes, its agenda items' titles and
  minutes in order (programme officers read a partnership's meetings already);
- **the health check's free text**: one source per *closed* round in which three or more people
  answered (the anonymity rule the health pages apply, `health.scoring.may_show`), holding the
  answers to its two open questions sorted and without names or organisations, as the round's
  results page shows them. A round under the threshold gives no source at all.

Every provider reads the whole programme in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count
from django.utils import timezone

from joinedup.learning.sources import SourceText


def meeting_minutes(programme: Any) -> Iterator[SourceText]:
    from joinedup.meetings.models import AgendaItem

    items = (
        AgendaItem.objects.filter(meeting__series__partnership__programme=programme)
        .exclude(minutes="")
        .select_related("meeting__series__partnership")
        .order_by("meeting__starts_at", "meeting_id", "position", "pk")
    )
    by_meeting: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        by_meeting[item.meeting_id].append(item)
    for meeting_items in by_meeting.values():
        meeting = meeting_items[0].meeting
        partnership = meeting.series.partnership
        text = "\n\n".join(f"{i.title}\n{i.minutes}" for i in meeting_items)
        day = timezone.localtime(meeting.starts_at)
        yield SourceText(
            kind="minutes",
            key=f"{meeting.pk}-v{sum(i.version for i in meeting_items)}",
            title=f"Minutes: {meeting.series.title}, {partnership.name}, {day:%-d %b %Y}",
            text=text,
            written_at=meeting.starts_at,
            url=meeting.get_absolute_url(),
            partnership_id=partnership.pk,
            hub_id=partnership.hub_id,
        )


def health_free_text(programme: Any) -> Iterator[SourceText]:
    from joinedup.health.models import Answer, Reflection, Round, RoundStatus
    from joinedup.health.scoring import may_show
    from joinedup.health.statements import WORKING_QUESTION, WOULD_HELP_QUESTION

    rounds = {
        r.pk: r
        for r in Round.objects.filter(
            partnership__programme=programme, status=RoundStatus.CLOSED
        ).select_related("partnership")
    }
    people = dict(
        Answer.objects.filter(round_id__in=list(rounds), score__isnull=False)
        .values_list("round_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("round_id", "n")
    )
    shown = [pk for pk in rounds if may_show(people.get(pk, 0), closed=True)]
    texts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for round_id, said_working, said_help in Reflection.objects.filter(
        round_id__in=shown
    ).values_list("round_id", "working", "would_help"):
        texts[round_id].append((said_working, said_help))
    for pk in shown:
        answers = texts.get(pk)
        if not answers:
            continue
        round = rounds[pk]
        working = sorted(w for w, _ in answers if w.strip())
        helps = sorted(h for _, h in answers if h.strip())
        parts: list[str] = []
        if working:
            parts.append(WORKING_QUESTION + "\n" + "\n".join(f"- {w}" for w in working))
        if helps:
            parts.append(WOULD_HELP_QUESTION + "\n" + "\n".join(f"- {h}" for h in helps))
        closed = round.closed_at or timezone.make_aware(
            dt.datetime.combine(round.closes_on, dt.time(17))
        )
        yield SourceText(
            kind="health",
            key=str(pk),
            title=f"Health check free text: {round.partnership.name}, {round.closes_on:%b %Y}",
            text="\n\n".join(parts),
            written_at=closed,
            url=round.get_absolute_url(),
            partnership_id=round.partnership_id,
            hub_id=round.partnership.hub_id,
        )
