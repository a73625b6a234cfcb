"""Closing the loop (seed 000, issue item 8): topics suggested for a hub's next event.

Two sources, weakest or most-needed first:
- the health check's **weakest factors** across the hub's partnerships: each factor's mean over
  the partnerships whose latest closed round may show it (the health app's anonymity applies),
  the lowest first, only those below "strength" (4.0);
- when the learning module's framework matrix exists, its **most-evidenced themes** for the
  programme (`joinedup.learning.queries.most_evidenced_themes(programme, limit)`), looked up
  at call time so that this works with or without it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from fractions import Fraction

from joinedup.health.programme import latest_scores
from joinedup.health.scoring import one_place
from joinedup.partnerships.models import Partnership
from joinedup.programmes.models import Hub

STRENGTH = Fraction(4)


@dataclass(frozen=True)
class Suggestion:
    title: str
    why: str
    source: str  # "health" or "learning"


def weakest_factors(hub: Hub, limit: int = 3) -> list[Suggestion]:
    ids = list(Partnership.objects.filter(hub=hub).values_list("pk", flat=True))
    means: dict[str, list[Fraction]] = {}
    names: dict[str, str] = {}
    for _round, scores in latest_scores(ids).values():
        if not scores.shown:
            continue
        for factor in scores.factors:
            if factor.mean is not None:
                means.setdefault(factor.code, []).append(factor.mean)
                names[factor.code] = factor.name
    ranked = sorted(
        ((sum(v, Fraction(0)) / len(v), code, len(v)) for code, v in means.items()),
        key=lambda t: (t[0], t[1]),
    )
    return [
        Suggestion(
            title=names[code],
            why=f"Health check: {one_place(mean)} of 5 across {n} partnership"
            + ("s" if n != 1 else ""),
            source="health",
        )
        for mean, code, n in ranked[:limit]
        if mean < STRENGTH
    ]


def most_evidenced(hub: Hub, limit: int = 3) -> list[Suggestion]:
    try:
        queries = importlib.import_module("joinedup.learning.queries")
    except ImportError:
        return []
    find = getattr(queries, "most_evidenced_themes", None)
    if find is None:
        return []
    found = []
    for item in find(hub.programme, limit):
        # A Theme, or (theme, evidence count): accept either shape.
        theme, count = item if isinstance(item, tuple) else (item, None)
        why = "Learning coded to the framework"
        if count is not None:
            why += f": {count} passage{'s' if count != 1 else ''} of evidence"
        found.append(Suggestion(title=str(theme), why=why, source="learning"))
    return found


def suggested_topics(hub: Hub, limit: int = 3) -> list[Suggestion]:
    return most_evidenced(hub, limit) + weakest_factors(hub, limit)
