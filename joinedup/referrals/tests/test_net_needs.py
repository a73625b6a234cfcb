"""A net of support carries a need per referral: each service is chosen for one of the
person's needs, and the counts read that need.

Pat (see conftest) needs mental health support and help with money and debt. Stan sends her to
Riverside Mind's talking therapies for her mental health and to Hillside Food Bank's parcels
for money and debt."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import api_for, client_for
from joinedup.referrals import actions, queries
from joinedup.referrals.models import DeclineReason, Person, Purpose, Referral

V1 = "/api/v1"


def net(world: SimpleNamespace, r: SimpleNamespace, therapy: str, parcels: str) -> list[Referral]:
    return actions.referral_net(
        person=r.pat,
        consent=r.consent,
        protocol=r.protocol,
        by=world.stan,
        from_org=world.lead_org,
        services=[(r.therapy, therapy), (r.parcels, parcels)],
        fields=["name", "contact"],
    )


def test_each_referral_of_a_net_carries_the_need_its_service_was_chosen_for(world, referring):
    therapy, parcels = net(world, referring, "mental_health", "money_debt")
    assert (therapy.need, parcels.need) == ("mental_health", "money_debt")
    # The food bank has no room: the unmet need is money and debt, not mental health.
    actions.referral_decline(referral=parcels, by=world.will, reason=DeclineReason.NO_CAPACITY)
    unmet = queries.unmet_needs(world.partnership, timezone.localdate() - dt.timedelta(days=1))
    assert [(u.need, u.count) for u in unmet.no_capacity] == [("money_debt", 1)]
    # Acceptance is counted per service: the food bank answered one and accepted none.
    rates = queries.acceptance_rates([referring.parcels.pk])
    assert (rates[referring.parcels.pk].answered, rates[referring.parcels.pk].accepted) == (1, 0)


def test_a_need_that_is_not_one_of_the_persons_is_refused_naming_the_service(world, referring):
    with pytest.raises(ValidationError) as error:
        net(world, referring, "mental_health", "food")
    assert error.value.message_dict == {
        "needs": [
            "Emergency food parcels: choose the need it is for among the person's needs "
            "(Mental health, Money and debt)."
        ]
    }
    assert not Referral.objects.exists()


def test_when_no_need_is_recorded_any_need_or_none_is_taken(world, referring):
    Person.objects.filter(pk=referring.pat.pk).update(needs=[])
    referring.pat.refresh_from_db()
    therapy, parcels = net(world, referring, "", "food")
    assert (therapy.need, parcels.need) == ("", "food")
    with pytest.raises(ValidationError, match="'cake' is not a need on our list"):
        net(world, referring, "cake", "food")


def test_the_api_takes_a_need_per_service_and_names_the_field_at_fault(world, referring):
    body = {
        "partnership_id": world.partnership.pk,
        "person_id": referring.pat.pk,
        "consent_id": referring.consent.pk,
        "fields": ["name", "contact"],
        "services": [
            {"service_id": str(referring.therapy.pk), "need": "mental_health"},
            {"service_id": str(referring.parcels.pk), "need": "food"},
        ],
    }
    stan = api_for(world.stan)
    refused = stan.post(f"{V1}/referrals/net", body)
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "services" and "Emergency food parcels" in error["message"]
    body["services"][1]["need"] = "money_debt"
    made = stan.post(f"{V1}/referrals/net", body)
    assert made.status_code == 201, made.content
    assert [r["need"] for r in made.json()] == ["mental_health", "money_debt"]
    unknown = stan.post(
        f"{V1}/referrals/net",
        body | {"services": [{"service_id": str(referring.therapy.pk), "need": "cake"}]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"].startswith("services.0.need")


def test_the_page_asks_the_need_for_each_service_chosen(world, referring):
    url = reverse("referral_new", args=[referring.pat.pk])
    client = client_for(world.stan)
    query = f"?service={referring.therapy.pk}&service={referring.parcels.pk}&confirm=1"
    page = client.get(url + query).content.decode()
    assert (
        "Which need Talking therapies is for" in page
        and "Which need Emergency food parcels is for" in page
    )
    assert f'name="need_{referring.parcels.pk}"' in page
    payload = {
        "service": [referring.therapy.pk, referring.parcels.pk],
        "consent": referring.consent.pk,
        "protocol": referring.protocol.pk,
        "purpose": Purpose.REFERRAL,
        "share": ["name", "contact"],
        f"need_{referring.therapy.pk}": "mental_health",
        f"need_{referring.parcels.pk}": "food",
    }
    refused = client.post(url + query, payload)
    assert refused.status_code == 422
    assert "Select a valid choice. food is not one of the available choices." in (
        refused.content.decode()
    )
    assert not Referral.objects.exists()
    payload[f"need_{referring.parcels.pk}"] = "money_debt"
    assert client.post(url + query, payload).status_code == 302
    assert dict(Referral.objects.values_list("to_org__name", "need")) == {
        "Riverside Mind": "mental_health",
        "Hillside Food Bank": "money_debt",
    }
