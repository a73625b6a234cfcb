"""Reading the stored figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.figures import evidence as stored
from joinedup.figures.compute import flows_figures, refresh, refresh_these
from joinedup.figures.models import PartnershipFigures
from joinedup.figures.replica import from_replica
from joinedup.figures.rows import Row
from joinedup.figures.signals import changed_since
from joinedup.health.evidence import PartnershipEvidence, window_end
from joinedup.partnerships.models import Partnership
from joinedup.referrals import queries as referrals
from joinedup.referrals.queries import Flows, UnmetNeeds
from joinedup.resources.forms import twelve_months_to


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
    # Not the network's figures (betweenness by organisation), the stages, the referral flows
    # nor the evidence: a row needs none of them, and decoding them was most of the query's
    # time at 500 partnerships.
    qs = partnerships.select_related("hub", "figures").defer(
        "figures__network", "figures__stages", "figures__flows", "figures__evidence"
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


@dataclass
class FoundFlows:
    """The referral flows page's figures and, for its default period, the time they were
    computed (`as_of`); None for a period the person chose, computed on the request."""

    flows: Flows
    unmet: UnmetNeeds
    as_of: dt.datetime | None


def _found(data: dict[str, Any]) -> FoundFlows:
    return FoundFlows(
        Flows.from_dict(data),
        UnmetNeeds.from_dict(data["unmet"]),
        dt.datetime.fromisoformat(data["computed_at"]),
    )


def _current(partnership_id: int, data: dict[str, Any] | None, today: dt.date) -> bool:
    """Whether stored flows cover the twelve months to `today` and no evidence-changing action
    was recorded in the partnership since they were computed (one query, if it gets that far)."""
    if not data or data.get("end") != today.isoformat():
        return False
    return not changed_since(partnership_id, dt.datetime.fromisoformat(data["computed_at"]))


def _recompute(partnership: Partnership, today: dt.date, store: bool) -> FoundFlows:
    """The default period's flows computed now, and stored in the partnership's figures when
    it has a row (`store`). Only the flows and their own time are written: the row's
    `computed_at` is the job's, and the job skips partnerships computed since a change."""
    data = flows_figures(partnership, today, timezone.now())
    if store:
        PartnershipFigures.objects.filter(partnership=partnership).update(flows=data)
    return _found(data)


def referral_flows(partnership: Partnership, start: dt.date, end: dt.date) -> FoundFlows:
    """The flows page's figures for `start` to `end`. The default period (the twelve months to
    today) is read from the stored figures in one query when they are current (`_current`, one
    more); otherwise computed and stored, so that the next request reads them. A partnership
    with no figures yet is not given a row here: its creation was audited, and the job that
    followed makes the row (flows with it). Any other period is computed on the request: people
    choose periods too rarely, and too variously, to store them."""
    today = timezone.localdate()
    if (start, end) != twelve_months_to(today):
        return FoundFlows(
            referrals.flows(partnership, start, end),
            referrals.unmet_needs(partnership, start),
            None,
        )
    data = (
        PartnershipFigures.objects.filter(partnership=partnership)
        .values_list("flows", flat=True)
        .first()
    )  # None when the partnership has no row, {} when its row predates the flows
    if data and _current(partnership.pk, data, today):
        return _found(data)
    return _recompute(partnership, today, store=data is not None)


def refresh_flows(partnership: Partnership, every: dt.timedelta) -> bool:
    """Compute and store the flows of the default period afresh (all the partnership's figures
    if it has none yet), unless the stored ones are current and less than `every` old: then
    nothing, and False."""
    today = timezone.localdate()
    data = (
        PartnershipFigures.objects.filter(partnership=partnership)
        .values_list("flows", flat=True)
        .first()
    )
    if data is None:
        refresh([partnership.pk], today)
        return True
    if (
        data
        and _current(partnership.pk, data, today)
        and timezone.now() - dt.datetime.fromisoformat(data["computed_at"]) < every
    ):
        return False
    _recompute(partnership, today, store=True)
    return True


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
