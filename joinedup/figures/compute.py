"""Computing and storing the figures (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from joinedup.figures.evidence import to_dict as evidence_to_dict
from joinedup.figures.models import PartnershipFigures
from joinedup.figures.rows import Row
from joinedup.health import programme
from joinedup.health.evidence import PartnershipEvidence, network_ties
from joinedup.health.network import Network, shape_key
from joinedup.partnerships.models import Partnership
from joinedup.referrals import queries as referrals
from joinedup.resources.forms import twelve_months_to

BATCH = 100  # partnerships gathered together: a fixed number of queries per batch


def network_figures(network: Network) -> dict[str, Any]:
    m = network.metrics
    return {
        "nodes": m.nodes,
        "ties": m.ties,
        "density": m.density,
        "centralisation": m.centralisation,
        "reciprocity": m.reciprocity,
        "brokers": list(m.brokers),
        "isolates": list(m.isolates),
        "sample": m.sample,
        # JSON keys are strings: organisation ids as text.
        "betweenness": {str(k): v for k, v in sorted(m.betweenness.items())},
    }


def stage_figures(ev: PartnershipEvidence) -> dict[str, int]:
    return {stage.slug: n for stage, n in ev.stage_counts().items()}


def flows_figures(partnership: Partnership, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    """The referral flows page's default period (the twelve months to `today`), as stored:
    the flows and the unmet needs, computed by `referrals.queries` exactly as the page computes
    them live, with `computed_at`, the time taken before reading (`now`): a write committed
    while they were computed is then newer than them, and the page does not trust them (`queries.
    referral_flows`). Seven queries a partnership, whatever its referrals; in a job."""
    start, end = twelve_months_to(today)
    return {
        "computed_at": now.isoformat(),
        **referrals.flows(partnership, start, end).to_dict(),
        "unmet": referrals.unmet_needs(partnership, start).to_dict(),
    }


def compute(
    partnerships: Iterable[Partnership], today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """{partnership id: its figures}, computed live from the evidence, as stored."""
    now = timezone.now()
    today = today or timezone.localdate()
    rows = programme.rows(partnerships, today)
    evidence = {r.partnership.pk: r.evidence for r in rows}
    network_ties(evidence)  # the decisions carried together: one query for all
    return {
        r.partnership.pk: {
            "window_end": r.evidence.end,
            "row": Row.live(r).to_dict(),
            "stages": stage_figures(r.evidence),
            "network": network_figures(network := r.evidence.network()),
            "shape": shape_key(network.graph),
            "flows": flows_figures(r.partnership, today, now),
            "evidence": evidence_to_dict(r.evidence),
        }
        for r in rows
    }


def refresh(partnership_ids: Sequence[int], today: dt.date | None = None) -> int:
    """Compute and store the figures of these partnerships, in batches; the number stored."""
    ids = sorted(set(partnership_ids))
    stored = 0
    for i in range(0, len(ids), BATCH):
        batch = list(Partnership.objects.filter(pk__in=ids[i : i + BATCH]).select_related("hub"))
        stored += len(refresh_these(batch, today))
    return stored


def refresh_these(
    partnerships: Sequence[Partnership], today: dt.date | None = None
) -> dict[int, PartnershipFigures]:
    """Compute and store the figures of these partnerships (already read); what was stored.
    They are stamped with the time computing *started*: a change committed while the evidence
    was being read may be missing from them, and its audit row, later than that time, makes
    them stale (`signals.changed_since`)."""
    started = timezone.now()
    return _store(compute(partnerships, today), started)


def _store(
    figures: dict[int, dict[str, Any]], computed_at: dt.datetime
) -> dict[int, PartnershipFigures]:
    """Replace the stored figures of these partnerships with `figures`, in one statement: an
    upsert, so that two requests computing the same partnership's figures at once both succeed
    (the last one written stands, stamped with its own start). Derived figures, not a
    person's act: not audited."""
    rows = {
        pid: PartnershipFigures(partnership_id=pid, computed_at=computed_at, **f)
        for pid, f in figures.items()
    }
    PartnershipFigures.objects.bulk_create(
        rows.values(),
        update_conflicts=True,
        unique_fields=["partnership"],
        update_fields=[
            "computed_at",
            "window_end",
            "row",
            "stages",
            "network",
            "shape",
            "flows",
            "evidence",
        ],
    )
    return rows


def refresh_all(today: dt.date | None = None) -> int:
    """The nightly refresh: every partnership (closed ones too; their window is fixed)."""
    return refresh(list(Partnership.objects.values_list("pk", flat=True)), today)
