"""Flows between partners: counts for everyone who sees the partnership, nothing personal."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import add_member, client_for, make_org
from joinedup.directory.actions import service_create
from joinedup.referrals import actions, queries
from joinedup.referrals.models import DeclineReason, Outcome, Referral, Signpost
from joinedup.referrals.tests.conftest import PAT, refer


def answered_world(world: SimpleNamespace, r: SimpleNamespace) -> list[Referral]:
    """Three referrals to Riverside Mind (one accepted and completed, one declined for
    capacity, one waiting) and one to Hillside Food Bank declined as not eligible."""
    done = refer(world, r)
    actions.referral_accept(referral=done, by=world.cora)
    actions.referral_complete(referral=done, by=world.cora, outcome=Outcome.GOT_HELP)
    full = refer(world, r, need="mental_health")
    actions.referral_decline(referral=full, by=world.cora, reason=DeclineReason.NO_CAPACITY)
    waiting = refer(world, r)
    food = refer(world, r, service=r.parcels, fields=["name"], need="food")
    actions.referral_decline(referral=food, by=world.will, reason=DeclineReason.NOT_ELIGIBLE)
    actions.signpost_record(
        partnership=world.partnership, by=world.will, from_org=world.wider_org, need="housing"
    )
    actions.signpost_record(
        partnership=world.partnership, by=world.stan, from_org=world.lead_org, service=r.therapy
    )
    return [done, full, waiting, food]


def test_the_flows_count_sent_received_acceptance_reasons_and_signposts(world, referring):
    answered_world(world, referring)
    today = timezone.localdate()
    flows = queries.flows(world.partnership, today - dt.timedelta(days=7), today)
    t = flows.totals
    assert (t.sent, t.accepted, t.declined, t.signposts) == (4, 1, 2, 2)
    assert t.acceptance == 33 and t.median_days is not None and t.median_days < 1
    pairs = {(p.from_org.name, p.to_org.name): p.tally for p in flows.pairs}
    to_mind = pairs[("Riverside Citizens Advice", "Riverside Mind")]
    assert (to_mind.sent, to_mind.accepted, to_mind.declined, to_mind.signposts) == (3, 1, 1, 1)
    assert to_mind.acceptance == 50
    rows = {r.organisation.name: r for r in flows.rows}
    assert rows["Riverside Citizens Advice"].sent.sent == 4
    assert rows["Hillside Food Bank"].received.declined == 1
    assert rows["Hillside Food Bank"].sent.signposts == 1
    assert dict(flows.reasons)["No capacity"] == 1 and dict(flows.outcomes)["Got help"] == 1
    unmet = queries.unmet_needs(world.partnership, today - dt.timedelta(days=7))
    assert [(u.need, u.count) for u in unmet.no_capacity] == [("mental_health", 1)]
    assert [(u.label, u.count) for u in unmet.not_eligible] == [("Food", 1)]
    assert [(u.label, u.count) for u in unmet.no_service] == [("Housing and homelessness", 1)]


def test_waits_are_counted_by_the_database_in_hours_and_their_medians_kept_by_pair_and_side(
    world, referring
):
    from django.db.models import F

    food = answered_world(world, referring)[3]  # three answered, one waiting
    Referral.objects.filter(responded_at__isnull=False).update(
        sent_at=F("responded_at") - dt.timedelta(hours=36)
    )
    Referral.objects.filter(pk=food.pk).update(sent_at=F("responded_at") - dt.timedelta(hours=12))
    today = timezone.localdate()
    flows = queries.flows(world.partnership, today - dt.timedelta(days=7), today)
    # Waits of 36, 36 and 12 hours in all; 36 and 36 to Riverside Mind; 12 to the food bank.
    assert flows.totals.median_days == 1.5
    rows = {r.organisation.name: r for r in flows.rows}
    assert rows["Riverside Mind"].received.median_days == 1.5
    assert rows["Hillside Food Bank"].received.median_days == 0.5
    assert rows["Riverside Citizens Advice"].sent.median_days == 1.5
    assert rows["Riverside Mind"].sent.median_days is None  # sent none
    pairs = {(p.from_org.name, p.to_org.name): p.tally for p in flows.pairs}
    assert pairs[("Riverside Citizens Advice", "Hillside Food Bank")].median_days == 0.5
    if connection.vendor == "sqlite":  # PostgreSQL computes the medians itself
        assert flows.totals.waits == {36: 2, 12: 1}
    # The median of [1, 3, 48, 48] hours is the mean of the middle two: 25.5 h, 1.1 days.
    assert queries.Tally(waits=Counter({48: 2, 1: 1, 3: 1})).median_days == 1.1
    assert queries.Tally(waits=Counter({5: 1, 48: 1, 72: 1})).median_days == 2.0
    assert queries.Tally().median_days is None


def test_a_referral_passed_on_unaccepted_is_not_counted_as_accepted(world, referring):
    referral = refer(world, referring)
    actions.referral_pass_on(referral=referral, by=world.cora, service=referring.parcels)
    rates = queries.acceptance_rates([referring.therapy.pk, referring.parcels.pk])
    assert rates == {}
    today = timezone.localdate()
    assert queries.flows(world.partnership, today, today).totals.accepted == 0


@pytest.mark.parametrize("character", ["will", "otis", "lena", "cora"])
def test_the_flows_page_shows_counts_to_everyone_in_the_partnership_and_no_one_personal(
    world, referring, character
):
    answered_world(world, referring)
    page = client_for(getattr(world, character)).get(
        reverse("referral_flows", args=[world.partnership.pk])
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="flows-chart"' in body and 'id="reasons-chart"' in body
    assert "Riverside Mind" in body and "No capacity" in body
    for personal in (PAT["name"], PAT["contact"], PAT["postcode"], "anxious", "violent"):
        assert personal not in body
    assert "/referrals/people/" not in body and f'href="/referrals/{referring.pat.pk}/"' not in body


def test_the_outsider_gets_404_from_the_flows_and_signposting(world, referring):
    olive = client_for(world.olive)
    assert olive.get(reverse("referral_flows", args=[world.partnership.pk])).status_code == 404
    assert olive.get(reverse("signpost_new", args=[world.partnership.pk])).status_code == 404


def test_a_bad_period_is_named_on_the_form(world, referring):
    page = client_for(world.will).get(
        reverse("referral_flows", args=[world.partnership.pk]), {"start": "last spring"}
    )
    assert page.status_code == 422 and "start" in page.context["form"].errors


def test_the_flows_page_keeps_its_query_budget_as_referrals_grow(world, referring):
    client = client_for(world.otis)
    url = reverse("referral_flows", args=[world.partnership.pk])
    refer(world, referring)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    answered_world(world, referring)
    for i in range(5):
        org = make_org(f"Partner {i}")
        add_member(world.partnership, org)
        service = service_create(organisation=org, by=None, name=f"Service {i}", needs=[])
        referring.consent.recipients.add(org)
        refer(world, referring, service=service, fields=["name"])
        actions.signpost_record(
            partnership=world.partnership, by=None, from_org=org, to_org=world.core_org
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_a_member_records_a_signposting_and_it_counts(world, referring):
    url = reverse("signpost_new", args=[world.partnership.pk])
    assert client_for(world.otis).get(url).status_code == 403  # sees the flows, acts for none
    client = client_for(world.will)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"from_org": world.wider_org.pk, "on": "2026-01-05"})
    assert bad.status_code == 422  # neither service, organisation nor need
    crafted = client.post(url, {"from_org": world.lead_org.pk, "need": "food", "on": "2026-01-05"})
    assert crafted.status_code == 422 and "from_org" in crafted.context["form"].errors
    spaced = client.post(
        url, {"from_org": world.wider_org.pk, "need": "food", "area": "RV1 2AB", "on": "2026-01-05"}
    )
    assert spaced.status_code == 422 and "area" in spaced.context["form"].errors
    done = client.post(
        url,
        {
            "from_org": world.wider_org.pk,
            "service": referring.therapy.pk,
            "need": "mental_health",
            "area": "rv1",
            "on": timezone.localdate().isoformat(),
        },
    )
    assert done.status_code == 302
    signpost = Signpost.objects.get()
    assert (signpost.to_org, signpost.area, signpost.by) == (world.core_org, "RV1", world.will)
    today = timezone.localdate()
    assert queries.flows(world.partnership, today, today).totals.signposts == 1


def test_the_directory_search_shows_each_services_acceptance_rate(world, referring):
    answered_world(world, referring)
    client = client_for(world.will)
    body = client.get(reverse("directory_search"), {"words": "talking"}).content.decode()
    assert "Talking therapies" in body
    assert "50%" in body and "(of 2 answered)" in body
    body = client.get(reverse("directory_search"), {"words": "parcels"}).content.decode()
    assert "0%" in body and "(of 1 answered)" in body
