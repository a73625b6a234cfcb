"""A referral's summary holding a phone number, email or date the consent does not cover is
not sent until the worker confirms they have checked it: on the page and in the API."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.api import api
from joinedup.conftest import api_for, client_for
from joinedup.referrals import actions
from joinedup.referrals.models import ConsentMethod, Purpose, Referral
from joinedup.referrals.summary import summary_warning
from joinedup.referrals.tests.conftest import refer
from joinedup.referrals.tests.test_api_writes import referral_body
from joinedup.referrals.tests.test_referral_steps import send

V1 = "/api/v1"
LEAKY = "Ring Pat on 07700 900123 or pat@example.org; born 3/4/1990."


@pytest.fixture
def names_only(world: SimpleNamespace, referring: SimpleNamespace) -> Any:
    """Pat's consent to share her name and needs, not how to reach her or her birthday."""
    return actions.consent_record(
        person=referring.pat,
        by=world.stan,
        method=ConsentMethod.VERBAL,
        purposes=[Purpose.REFERRAL],
        fields=["name", "needs"],
        recipients=[world.core_org, world.wider_org],
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )


def test_the_warning_names_what_the_consent_does_not_cover(
    referring: SimpleNamespace, names_only: Any
) -> None:
    warning = summary_warning(LEAKY, names_only)
    for found in ("a phone number (07700 900123)", "an email address (pat@example.org)"):
        assert found in warning
    assert "a date (3/4/1990)" in warning
    assert "How to contact them, Date of birth" in warning
    assert summary_warning(LEAKY, referring.consent) == ""  # that consent covers all three
    assert summary_warning("Anxious since losing her job.", names_only) == ""


def test_the_page_warns_and_sends_only_once_the_worker_confirms(
    world: SimpleNamespace, referring: SimpleNamespace, names_only: Any
) -> None:
    kept = {"consent": names_only.pk, "share": ["name"], "summary": LEAKY}
    warned = send(world, referring, **kept)
    assert warned.status_code == 422
    page = warned.content.decode()
    assert "07700 900123" in page and "does not cover" in page
    assert 'name="summary_acknowledged"' in page
    assert not Referral.objects.exists()

    confirmed = send(world, referring, **kept, summary_acknowledged="on")
    assert confirmed.status_code == 302
    assert Referral.objects.get().summary == LEAKY


def test_the_api_answers_422_unless_the_summary_is_acknowledged(
    world: SimpleNamespace, referring: SimpleNamespace, names_only: Any
) -> None:
    stan = api_for(world.stan)
    body = referral_body(world, referring, consent_id=names_only.pk, fields=["name"])
    refused = stan.post(f"{V1}/referrals", {**body, "summary": LEAKY})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "summary" and "07700 900123" in error["message"]
    net = {k: v for k, v in body.items() if k not in ("service_id", "need")}
    one = {"service_id": body["service_id"], "need": body["need"]}
    refused = stan.post(f"{V1}/referrals/net", {**net, "services": [one], "summary": LEAKY})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "summary"
    assert not Referral.objects.exists()

    sent = stan.post(f"{V1}/referrals", {**body, "summary": LEAKY, "summary_acknowledged": True})
    assert sent.status_code == 201, sent.content
    assert stan.post(f"{V1}/referrals", body).status_code == 201  # a plain summary needs nothing


def test_the_acknowledgement_is_in_the_openapi_document() -> None:
    schema = api.get_openapi_schema()["components"]["schemas"]
    flag = schema["ReferralIn"]["properties"]["summary_acknowledged"]
    assert flag["type"] == "boolean" and "422" in flag["description"]


def test_passing_on_warns_the_same_way_on_the_page_and_in_the_api(
    world: SimpleNamespace, referring: SimpleNamespace, names_only: Any
) -> None:
    referral = refer(world, referring, consent=names_only, fields=["name"], summary="")
    page = reverse("referral_pass_on", args=[referral.pk])
    data = {"service": referring.parcels.pk, "share": ["name"], "summary": LEAKY}
    warned = client_for(world.cora).post(page, data)
    assert warned.status_code == 422 and "does not cover" in warned.content.decode()
    api = f"{V1}/referrals/{referral.pk}/pass-on"
    body = {"service_id": str(referring.parcels.pk), "fields": ["name"], "summary": LEAKY}
    refused = api_for(world.cora).post(api, body)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "summary"
    assert Referral.objects.count() == 1

    passed = client_for(world.cora).post(page, {**data, "summary_acknowledged": "on"})
    assert passed.status_code == 302
    assert Referral.objects.get(to_org=world.wider_org).summary == LEAKY
