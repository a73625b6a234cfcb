"""Reading the stored figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.figures import evidence as stored
from joinedup.figures.compute import refresh, refresh_these
from joinedup.figures.models import PartnershipFigures
from joinedup.figures.replica import from_replica
from joinedup.figures.rows import Row
from joinedup.figures.signals import changed_since
from joinedup.health.evidence import PartnershipEvidence, window_end
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
    # Not the network's figures (betweenness by organisation), the stages nor the evidence: a
    # row needs none of them, and decoding them was most of the query's time at 500 partnerships.
    qs = partnerships.select_related("hub", "figures").defer(
        "figures__network", "figures__stages", "figures__evidence"
    )
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


def stored_evidence(partnership: Partnership) -> tuple[PartnershipEvidence, dt.datetime]:
    """(The partnership's evidence, the time it was computed) from its stored figures, read in
    one query, if they are current: computed for the window that ends today (or at the
    partnership's end), in this format, and with no evidence-changing action audited for the
    partnership since (`signals.changed_since`, one more query). Otherwise the figures are
    computed afresh and stored, and those are returned. The evidence comes with the network's
    betweenness as stored, so that the network is not computed again; `partnership` (the
    page's own object) is attached to it."""
    end, _ = window_end(partnership, timezone.localdate())
    row = (
        PartnershipFigures.objects.filter(partnership_id=partnership.pk)
        .only("computed_at", "window_end", "evidence", "network", "shape")
        .first()
    )
    if (
        row is None
        or row.window_end != end
        or not stored.readable(row.evidence, partnership)
        or changed_since(partnership.pk, row.computed_at)
    ):
        row = refresh_these([partnership])[partnership.pk]
    ev = stored.from_dict(row.evidence, partnership)
    betweenness = row.network.get("betweenness", {})
    ev.known_betweenness = (row.shape, {int(k): v for k, v in betweenness.items()})
    return ev, row.computed_at
