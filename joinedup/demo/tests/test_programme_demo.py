"""The programme view's demo: Help through Crisis at 69 partnerships, one of them on paper."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joinedup.demo import loader
from joinedup.demo import programme as demo_programme
from joinedup.demo.tests.conftest import Demo
from joinedup.figures.models import PartnershipFigures
from joinedup.figures.queries import stored_evidence
from joinedup.figures.rows import Row
from joinedup.health.depth import Stage
from joinedup.health.evidence import gather, network_ties
from joinedup.health.programme import rows as programme_rows
from joinedup.health.views_evidence import depth_context
from joinedup.partnerships.models import Organisation, Partnership
from joinedup.programmes.models import Programme
from joinedup.referrals import queries
from joinedup.referrals.queries import Flows, Tally, UnmetNeeds
from joinedup.resources.actions import exchange_record
from joinedup.resources.forms import twelve_months_to

pytestmark = pytest.mark.django_db


def test_help_through_crisis_has_69_partnerships_generated_ones_marked_and_one_on_paper(
    demo: Demo, django_capture_on_commit_callbacks: Any, jobs_run_at_once: None
) -> None:
    sign_ins, steps, made = demo.sign_ins, demo.steps, demo.generated
    programme = Programme.objects.get(name="Help through Crisis")
    partnerships = programme.partnerships.all()
    assert partnerships.count() == 69
    generated = partnerships.filter(name__contains="(generated)")
    families = Programme.objects.get(name="Reaching Out, Supporting Families")
    generated_families = families.partnerships.filter(name__contains="(generated)")
    assert families.partnerships.count() == 36  # seed 003's 36 projects
    assert made == generated.count() + 1 + generated_families.count()  # and the one on paper
    assert all(p.shared_goal.startswith("Generated for the demo") for p in generated)
    generated_members = Organisation.objects.filter(memberships__partnership__in=generated)
    assert all("(generated)" in o.name for o in generated_members.distinct())
    assert (generated.count(), generated.count()) in steps  # the progress bar finished
    assert steps[-1] == (generated_families.count(), generated_families.count())
    assert families.officers.filter(email="aoife.mcgrath@demo.joinedup.example").exists()

    on_paper = Partnership.objects.get(name=demo_programme.ON_PAPER)
    ev = gather([on_paper])[on_paper.pk]
    assert ev.stage == Stage.ON_PAPER
    assert len(ev.in_name_only()) == 3  # everyone but the lead, though all signed
    assert all(m.agreements_signed == 1 for m in ev.members)

    stages = {e.stage for e in gather(generated).values()}
    assert {Stage.ON_PAPER, Stage.NETWORKING, Stage.COOPERATING, Stage.INTEGRATED} <= stages

    client = Client()
    client.post(
        reverse("login"),
        {"username": sign_ins["programme_officer"].email, "password": loader.PASSWORD},
    )
    page = client.get(reverse("programme_health", args=[programme.pk]))
    assert page.status_code == 200 and len(page.context["rows"]) == 69

    assert demo_programme.load("unusable-password", lambda *_: None) == 0  # nothing twice
    assert programme.partnerships.count() == 69
    stored_figures_equal_live_ones(django_capture_on_commit_callbacks)


def stored_figures_equal_live_ones(capture: Any) -> None:
    """On the demo as loaded (seed partnerships and both programmes): the nightly refresh, then
    a write whose job refreshes one partnership, and every stored figure is what the pages
    compute live — the programme view's row, depth, and the network page's metrics. (Part of
    the test above, so that the demo is loaded once.)"""
    call_command("refresh_figures", stdout=io.StringIO())
    partnerships = list(Partnership.objects.select_related("hub"))
    assert PartnershipFigures.objects.count() == len(partnerships) > 100

    axis = next(p for p in partnerships if p.name == "Axis Youth Hub")
    before = PartnershipFigures.objects.get(partnership=axis)
    giver, receiver = [m.organisation for m in axis.memberships.current()[:2]]
    with capture(execute=True):
        exchange_record(
            by=None,
            partnership=axis,
            giver=giver,
            receiver=receiver,
            kind="venue",
            description="A room for the evening",
            on=timezone.localdate(),
        )
    after = PartnershipFigures.objects.get(partnership=axis)
    assert after.computed_at > before.computed_at  # the job ran after the write committed
    assert after.row["activity"]["resources"] == before.row["activity"]["resources"] + 1

    stored = {f.partnership_id: f for f in PartnershipFigures.objects.all()}
    live_rows = programme_rows(partnerships)
    evidence = {r.partnership.pk: r.evidence for r in live_rows}
    network_ties(evidence)
    for r in live_rows:
        figures = stored[r.partnership.pk]
        assert figures.row == Row.live(r).to_dict(), r.partnership.name
        counts = r.evidence.stage_counts()
        assert figures.stages == {s.slug: n for s, n in counts.items()}
        live = r.evidence.network().metrics
        network = figures.network
        assert (network["nodes"], network["ties"]) == (live.nodes, live.ties)
        assert network["density"] == pytest.approx(live.density)
        assert network["centralisation"] == pytest.approx(live.centralisation)
        assert network["reciprocity"] == pytest.approx(live.reciprocity)
        assert network["brokers"] == live.brokers and network["isolates"] == live.isolates
        assert {int(k): v for k, v in network["betweenness"].items()} == pytest.approx(
            live.betweenness
        )
    # The evidence the depth, network, gaps and report pages read from the stored figures:
    # read, not computed again, and equal to gathering it live; so are the depth page's
    # context and the network's metrics computed from it.
    for r in live_rows:
        ev, as_of = stored_evidence(r.partnership)
        assert as_of == stored[r.partnership.pk].computed_at, r.partnership.name
        assert ev == r.evidence, r.partnership.name
        assert depth_context(ev) == depth_context(r.evidence), r.partnership.name
        assert ev.network().metrics == r.evidence.network().metrics, r.partnership.name
    assert any(f.row["flags"] for f in stored.values())  # the comparison had figures to compare
    assert any(f.network["ties"] for f in stored.values())
    stored_flows_equal_live_ones()


def _shown(t: Tally) -> tuple[object, ...]:
    """What the page shows of a tally, the medians among them."""
    return (t.sent, t.accepted, t.declined, t.expired, t.signposts, t.acceptance, t.median_days)


def stored_flows_equal_live_ones() -> None:
    """The referral flows stored with the figures are the flows the page computes live, on
    every partnership of the demo (on SQLite and PostgreSQL: each stores what its own database
    computed). Part of the test above, after its nightly refresh: the demo is loaded once."""
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
