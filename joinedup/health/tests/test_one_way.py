"""One-way streets per pair and per flow, from real referrals: taking referrals is giving."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from joinedup.conftest import api_for, client_for
from joinedup.health.evidence import gather
from joinedup.referrals.actions import referral_accept
from joinedup.referrals.tests.conftest import refer, referring  # noqa: F401 (a fixture)


def test_referrals_one_way_per_pair_with_the_acceptance_rate(
    world: SimpleNamespace,
    referring: SimpleNamespace,  # noqa: F811 (the referrals tests' fixture)
) -> None:
    # The lead refers three people to Riverside Mind, which takes on two, and three to the food
    # bank, which has answered none yet. Neither ever refers anyone to the lead.
    for i in range(3):
        taken = refer(world, referring)
        if i < 2:
            referral_accept(referral=taken, by=world.cora)
        refer(world, referring, service=referring.parcels, need="food")
    ev = gather([world.partnership])[world.partnership.pk]
    lead, core, food = world.lead_org.pk, world.core_org.pk, world.wider_org.pk
    by_receiver = {s.receiver: s for s in ev.one_way()}
    assert set(by_receiver) == {core, food}
    # Riverside Mind took on 2 of 3 (2/3 >= 1/2): it gives, the lead does not give back.
    assert (by_receiver[core].accepted, by_receiver[core].giver) == (2, core)
    # The food bank took on 0 of 3: the lead sends and hears little back.
    assert (by_receiver[food].accepted, by_receiver[food].giver) == (0, lead)
    # Per organisation, a referral taken on is given: the food bank received three referrals,
    # so it gave 3 and received 0; the lead made six, so it received 6 and gave 0.
    r = ev.reciprocity()
    assert (r[food].given, r[food].received) == (3, 0)
    assert (r[lead].given, r[lead].received) == (0, 6)
    body = client_for(world.otis).get(reverse("health_depth", args=[world.partnership.pk]))
    text = body.content.decode()
    assert (
        "Riverside Citizens Advice referred 3 people to Riverside Mind and Riverside Mind "
        "accepted 2 of them, but Riverside Mind never referred anyone to Riverside Citizens "
        "Advice: Riverside Mind gives, Riverside Citizens Advice does not give back"
    ) in text
    assert "receives and does not give" not in text
    flags = api_for(world.otis).get(f"/api/v1/partnerships/{world.partnership.pk}/flags").json()
    assert {
        (f["flow"], f["receiver_id"], f["accepted"], f["giver_id"]) for f in flags["one_way"]
    } == {
        ("referrals", core, 2, core),
        ("referrals", food, 0, lead),
    }
