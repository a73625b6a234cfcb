"""Reading the stored figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from joinedup.figures.compute import refresh
from joinedup.figures.models import PartnershipFigures
from joinedup.figures.replica import from_replica
from joinedup.figures.rows import Row
from joinedup.partnerships.models import Partnership


@dataclass
class StoredRows:
    rows: list[Row]
    oldest: dt.datetime | None  # the time the oldest of them was computed
    newest: dt.datetime | None


def programme_rows(partnerships: QuerySet[Partnership]) -> StoredRows:
    """The programme view's rows from the stored figures, by name, in one query; those of
    partnerships never computed yet (new ones) are computed and stored first. The read goes to
    the read replica when there is one (`replica`); after computing, the rows just written are
    read back from the default database, which the replica may not have caught up with."""
    # Not the network's figures (betweenness by organisation) nor the stages: a row needs
    # neither, and decoding them was most of the query's time at 500 partnerships.
    qs = partnerships.select_related("hub", "figures").defer("figures__network", "figures__stages")
    with from_replica():
        found = list(qs.order_by())
    missing = [p.pk for p in found if not hasattr(p, "figures")]
    if missing:
        refresh(missing)
        found = list(qs.order_by())
    found.sort(key=lambda p: (p.name.lower(), p.pk))
    times = [p.figures.computed_at for p in found if hasattr(p, "figures")]
    return StoredRows(
        rows=[Row.stored(p, p.figures.row) for p in found if hasattr(p, "figures")],
        oldest=min(times, default=None),
        newest=max(times, default=None),
    )


def stored_betweenness(shape: str) -> dict[int, float] | None:
    """The betweenness stored for a network of this shape (`health.network.shape_key`)."""
    figures = (
        PartnershipFigures.objects.filter(shape=shape)
        .order_by("-computed_at")
        .values_list("network", flat=True)
        .first()
    )
    if not figures:
        return None
    return {int(k): v for k, v in figures["betweenness"].items()}
