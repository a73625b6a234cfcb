"""Hand-built learning data for the tests and the bench: a programme with N partnerships, the
seeds' 12 themes, and coded passages in every other cell."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from joinedup.learning import actions
from joinedup.learning.demo_data import seed_codes
from joinedup.learning.models import Highlight, Source
from joinedup.partnerships.models import Partnership


def big_programme(programme: Any, coder: Any, partnerships: int, *, start: dt.date) -> None:
    """`partnerships` more partnerships in `programme`, one coded source each, with a passage
    coded to every other theme of the seeds' framework (bulk-made: this is about reading)."""
    framework = actions.framework_revise(by=None, programme=programme, codes=seed_codes())
    themes = list(framework.themes.order_by("order"))
    made = Partnership.objects.bulk_create(
        Partnership(
            name=f"Bench partnership {i:02d}",
            shared_goal="Families get help early.",
            programme=programme,
            start_on=start,
        )
        for i in range(partnerships)
    )
    text = "Trust grew slowly. Staff changed twice. 😀 Café meetings helped. " * 3
    now = timezone.now()
    sources = Source.objects.bulk_create(
        Source(
            programme=programme,
            kind="document",
            key=f"bench-{p.pk}",
            title=f"Interview {p.name}",
            text=text,
            written_at=now,
            partnership=p,
        )
        for p in made
    )
    Highlight.objects.bulk_create(
        Highlight(source=s, theme=t, start=j, end=j + 10, coder=coder)
        for s in sources
        for j, t in enumerate(themes)
        if j % 2 == 0
    )
