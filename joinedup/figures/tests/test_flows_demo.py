"""The referral flows stored with the figures are the flows the page computes live, on the
demo's partnerships (on SQLite and PostgreSQL: each stores what its own database computed)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from joinedup.demo import loader
from joinedup.figures.compute import refresh_all
from joinedup.figures.models import PartnershipFigures
from joinedup.partnerships.models import Partnership
from joinedup.referrals import queries
from joinedup.referrals.queries import Flows, Tally, UnmetNeeds
from joinedup.resources.forms import twelve_months_to

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def _shown(t: Tally) -> tuple[object, ...]:
    """What the page shows of a tally, the medians among them."""
    return (t.sent, t.accepted, t.declined, t.expired, t.signposts, t.acceptance, t.median_days)


def test_the_stored_flows_equal_the_live_flows_on_the_demo() -> None:
    loader.load()
    refresh_all()  # the nightly refresh
    start, end = twelve_months_to(timezone.localdate())
    stored = {f.partnership_id: f.flows for f in PartnershipFigures.objects.all()}
    partnerships = list(Partnership.objects.all())
    assert len(stored) == len(partnerships) > 1
    with_pairs = with_medians = 0
    for p in partnerships:
        data = stored[p.pk]
        live = queries.flows(p, start, end)
        back = Flows.from_dict(data)
        assert (back.start, back.end) == (live.start, live.end) == (start, end)
        assert back.totals == live.totals, p.name  # counts, waits and medians
        assert _shown(back.totals) == _shown(live.totals)
        assert [(r.organisation.pk, r.organisation.name) for r in back.rows] == [
            (r.organisation.pk, r.organisation.name) for r in live.rows
        ], p.name
        assert [(r.sent, r.received) for r in back.rows] == [
            (r.sent, r.received) for r in live.rows
        ]
        assert [(_shown(r.sent), _shown(r.received)) for r in back.rows] == [
            (_shown(r.sent), _shown(r.received)) for r in live.rows
        ]
        assert [(q.from_org.pk, q.to_org.pk, q.tally) for q in back.pairs] == [
            (q.from_org.pk, q.to_org.pk, q.tally) for q in live.pairs
        ], p.name
        assert [_shown(q.tally) for q in back.pairs] == [_shown(q.tally) for q in live.pairs]
        assert back.reasons == live.reasons and back.outcomes == live.outcomes
        assert back.to_dict() == live.to_dict()
        assert UnmetNeeds.from_dict(data["unmet"]) == queries.unmet_needs(p, start), p.name
        # The chart the page draws from them.
        assert back.chart() == live.chart() and back.reasons_chart() == live.reasons_chart()
        with_pairs += bool(live.pairs)
        with_medians += live.totals.median_days is not None
    assert with_pairs > 1 and with_medians > 1  # the comparison had figures to compare
