"""What a referral may share: only what both the protocol and the consent allow."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.referrals import actions
from joinedup.referrals.models import Purpose, Status
from joinedup.referrals.rules import sees_details
from joinedup.referrals.sharing import offers
from joinedup.referrals.tests.conftest import refer


def offered(world: SimpleNamespace, r: SimpleNamespace, to_org: Any) -> dict[str, str]:
    return {
        o.field: o.why_not
        for o in offers(
            protocol=r.protocol,
            consent=r.consent,
            person=r.pat,
            to_org=to_org,
            purpose=Purpose.REFERRAL,
        )
    }


def test_only_fields_both_the_protocol_and_the_consent_allow_are_offered(world, referring):
    why = offered(world, referring, world.core_org)
    assert {f for f, reason in why.items() if not reason} == {
        "name",
        "contact",
        "safe_contact",
        "born_on",
        "postcode",
        "needs",
    }
    assert "did not consent" in why["age_band"]
    assert "protocol does not let notes" in why["notes"]


def test_the_form_says_why_a_field_is_not_offered_to_one_partner(world, referring):
    why = offered(world, referring, world.wider_org)
    assert (
        why["born_on"]
        == f"The protocol does not let date of birth be shared with {world.wider_org}."
    )
    assert why["name"] == ""


@pytest.mark.parametrize("field", ["notes", "age_band"])
def test_a_field_outside_the_protocol_or_the_consent_cannot_be_sent(world, referring, field):
    with pytest.raises(ValidationError) as error:
        refer(world, referring, fields=["name", field])
    assert "cannot be shared" in str(error.value)
    assert not referring.pat.referrals.exists()


def test_a_field_only_for_one_partner_cannot_be_sent_to_another(world, referring):
    with pytest.raises(ValidationError, match="date of birth"):
        refer(world, referring, service=referring.parcels, fields=["name", "born_on"])


def test_nothing_goes_to_an_organisation_the_person_did_not_name(world, referring):
    referring.consent.recipients.set([world.wider_org])
    with pytest.raises(ValidationError, match="did not consent to share their data with"):
        refer(world, referring)


def test_nothing_goes_under_a_consent_that_has_expired(world, referring):
    referring.consent.expires_on = timezone.localdate() - dt.timedelta(days=1)
    referring.consent.save()
    with pytest.raises(ValidationError, match="expired"):
        refer(world, referring)


def test_withdrawing_consent_hides_the_details_from_the_receiver_at_once(world, referring):
    referral = refer(world, referring)
    assert sees_details(world.cora, referral)
    actions.consent_withdraw(consent=referring.consent, by=world.stan)
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert not sees_details(world.cora, referral)
    # The holder still sees its own record, and the fact of the referral remains.
    assert sees_details(world.stan, referral)
    assert referral.to_org == world.core_org


def test_a_passed_on_referral_shares_no_more_than_the_first(world, referring):
    referral = refer(world, referring, fields=["name", "needs"])
    with pytest.raises(ValidationError, match="Pass on only what was shared"):
        actions.referral_pass_on(
            referral=referral, by=world.cora, service=referring.parcels, fields=["name", "contact"]
        )
    onward = actions.referral_pass_on(referral=referral, by=world.cora, service=referring.parcels)
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED
    assert onward.from_org == world.core_org and onward.fields == ["name", "needs"]
    assert sees_details(world.will, onward)
