"""Writing through the referrals API: what may be shared even by a crafted request, every step
of the workflow, and bad bodies answered with a 4xx naming the field, never a 500."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.conftest import api_for
from joinedup.referrals.models import Access, AccessKind, Person, Referral, Signpost
from joinedup.referrals.tests.conftest import PAT, refer

# Within the three years a consent may run for (joinedup/dates.py).
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()

V1 = "/api/v1"


def fields_at_fault(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    return [e["field"] for e in response.json()["errors"]]


def referral_body(world: SimpleNamespace, r: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    return {
        "partnership_id": world.partnership.pk,
        "person_id": r.pat.pk,
        "consent_id": r.consent.pk,
        "service_id": str(r.therapy.pk),
        "fields": ["name", "contact", "needs"],
        "need": "mental_health",
        "summary": "Pat would like talking therapy.",
        **changes,
    }


def test_stan_refers_pat_and_cora_takes_it_to_an_outcome(world, referring):
    stan, cora = api_for(world.stan), api_for(world.cora)
    response = stan.post(f"{V1}/referrals", referral_body(world, referring))
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["status"], made["to_organisation_id"], made["fields"]) == (
        "sent",
        world.core_org.pk,
        ["name", "contact", "needs"],
    )
    assert made["person"]["name"] == PAT["name"] and made["person_id"] == referring.pat.pk
    address = f"{V1}/referrals/{made['id']}"
    assert cora.post(f"{address}/accept", {"note": "We'll ring her"}).json()["status"] == "accepted"
    assert cora.post(f"{address}/start", {}).json()["status"] == "in_progress"
    done = cora.post(f"{address}/complete", {"outcome": "got_help", "note": "Six sessions"})
    assert done.status_code == 200
    seen_by_stan = stan.get(address).json()
    assert (seen_by_stan["status"], seen_by_stan["outcome"]) == ("completed", "got_help")
    assert [e["status"] for e in seen_by_stan["events"]] == [
        "draft",
        "sent",
        "accepted",
        "in_progress",
        "completed",
    ]
    assert seen_by_stan["events"][-1]["note"] == "Six sessions"
    shared = Access.objects.get(kind=AccessKind.SHARE, referral_id=made["id"])
    assert shared.actor == world.stan


def test_a_decline_reaches_the_referrer_with_its_reason(world, referring):
    referral = refer(world, referring)
    address = f"{V1}/referrals/{referral.pk}"
    cora = api_for(world.cora)
    assert fields_at_fault(cora.post(f"{address}/decline", {"reason": "busy"})) == ["reason"]
    assert fields_at_fault(cora.post(f"{address}/decline", {"reason": "other"})) == ["note"]
    assert cora.post(f"{address}/decline", {"reason": "not_eligible"}).status_code == 200
    body = api_for(world.stan).get(address).json()
    assert (body["status"], body["decline_reason"]) == ("declined", "not_eligible")
    # A declined referral cannot then be accepted.
    assert fields_at_fault(cora.post(f"{address}/accept", {})) == ["__all__"]


def test_a_net_of_support_sends_one_referral_per_service(world, referring):
    body = referral_body(world, referring, fields=["name", "contact", "born_on"])
    del body["service_id"], body["need"]
    body["services"] = [
        {"service_id": str(referring.therapy.pk), "need": "mental_health"},
        {"service_id": str(referring.parcels.pk), "need": "money_debt"},
    ]
    response = api_for(world.stan).post(f"{V1}/referrals/net", body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert [r["to_organisation_id"] for r in made] == [world.core_org.pk, world.wider_org.pk]
    assert len({r["batch"] for r in made}) == 1 and made[0]["batch"]
    # The date of birth goes only where the protocol lets it.
    assert [r["fields"] for r in made] == [["name", "contact", "born_on"], ["name", "contact"]]
    assert fields_at_fault(
        api_for(world.stan).post(f"{V1}/referrals/net", body | {"services": []})
    ) == ["services"]


def test_the_receiver_passes_it_on_sharing_no_more_than_she_was_given(world, referring):
    referral = refer(world, referring)
    address = f"{V1}/referrals/{referral.pk}"
    cora = api_for(world.cora)
    more = {"service_id": str(referring.parcels.pk), "fields": ["name", "postcode"]}
    assert fields_at_fault(cora.post(f"{address}/pass-on", more)) == ["fields"]
    response = cora.post(f"{address}/pass-on", {"service_id": str(referring.parcels.pk)})
    assert response.status_code == 201
    onward = response.json()
    assert (onward["from_organisation_id"], onward["to_organisation_id"]) == (
        world.core_org.pk,
        world.wider_org.pk,
    )
    assert onward["passed_from_id"] == referral.pk
    will = api_for(world.will).get(f"{V1}/referrals/{onward['id']}").json()
    assert will["person"]["name"] == PAT["name"]
    original = api_for(world.stan).get(address).json()
    assert (original["status"], original["note"]) == ("closed", "Passed on to Hillside Food Bank")
    # Will sees the onward referral only, not the one it came from.
    assert api_for(world.will).get(address).status_code == 404


def test_the_receiver_asks_for_more_information_and_the_referrer_answers(world, referring):
    referral = refer(world, referring)
    address = f"{V1}/referrals/{referral.pk}/messages"
    asked = api_for(world.cora).post(
        address, {"text": "Mornings or evenings?", "asks_for_info": True}
    )
    assert asked.status_code == 201
    assert asked.json()["organisation_id"] == world.core_org.pk
    assert api_for(world.stan).post(address, {"text": "Evenings."}).status_code == 201
    thread = api_for(world.stan).get(address).json()
    assert [(m["text"], m["asks_for_info"]) for m in thread] == [
        ("Mornings or evenings?", True),
        ("Evenings.", False),
    ]
    assert Access.objects.filter(
        kind=AccessKind.VIEW, referral=referral, record__startswith="messages"
    ).exists()
    assert fields_at_fault(api_for(world.stan).post(address, {"text": ""})) == ["text"]
    assert fields_at_fault(
        api_for(world.stan).post(address, {"text": "x", "asks_for_info": 1})
    ) == ["asks_for_info"]


# --- a crafted request cannot share more than the protocol and the consent allow ------------


@pytest.mark.parametrize(
    ("fields", "service", "why"),
    [
        (["name", "notes"], "therapy", "Notes cannot be shared: The protocol does not"),
        (["name", "age_band"], "therapy", "Age band cannot be shared: The person did not consent"),
        (["name", "born_on"], "parcels", "Date of birth cannot be shared: The protocol does not"),
    ],
)
def test_a_field_outside_the_protocol_or_the_consent_is_refused_naming_it(
    world, referring, fields, service, why
):
    body = referral_body(
        world, referring, fields=fields, service_id=str(getattr(referring, service).pk)
    )
    response = api_for(world.stan).post(f"{V1}/referrals", body)
    assert fields_at_fault(response) == ["fields"]
    assert response.json()["errors"][0]["message"].startswith(why)
    assert not Referral.objects.exists()


def test_a_field_that_is_not_a_field_or_is_smuggled_beside_them_is_refused(world, referring):
    stan = api_for(world.stan)
    unknown = referral_body(world, referring, fields=["name", "religion"])
    assert fields_at_fault(stan.post(f"{V1}/referrals", unknown)) == ["fields.1"]
    smuggled = referral_body(world, referring, notes=PAT["notes"])
    assert fields_at_fault(stan.post(f"{V1}/referrals", smuggled)) == ["notes"]
    assert not Referral.objects.exists()


def test_a_withdrawn_consent_shares_nothing(world, referring):
    stan = api_for(world.stan)
    stan.post(f"{V1}/consents/{referring.consent.pk}/withdraw", {})
    response = stan.post(f"{V1}/referrals", referral_body(world, referring))
    assert fields_at_fault(response) == ["fields"]
    assert "withdrew this consent" in response.json()["errors"][0]["message"]


# --- bad bodies: 4xx naming the field --------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"partnership_id": 999999}, "partnership_id"),
        ({"person_id": 999999}, "person_id"),
        ({"consent_id": 999999}, "consent_id"),
        ({"service_id": "not-a-uuid"}, "service_id"),
        ({"service_id": "00000000-0000-0000-0000-000000000001"}, "service_id"),
        ({"service_id": None}, "service_id"),
        ({"fields": []}, "fields"),
        ({"purpose": "marketing"}, "purpose"),
        ({"purpose": "safeguarding"}, "fields"),
        ({"need": "lonely"}, "need"),
        ({"summary": "a\x00b"}, "summary"),
        ({"send": "yes"}, "send"),
        ({"to_organisation_id": 999999, "service_id": None}, "to_organisation_id"),
    ],
)
def test_a_bad_referral_body_is_a_422_naming_the_field(world, referring, changes, field):
    response = api_for(world.stan).post(
        f"{V1}/referrals", referral_body(world, referring, **changes)
    )
    assert field in fields_at_fault(response)


def test_a_partnership_without_a_protocol_in_force_cannot_refer(world, referring):
    from joinedup.agreements.models import Agreement

    Agreement.objects.filter(partnership=world.partnership).delete()
    response = api_for(world.stan).post(f"{V1}/referrals", referral_body(world, referring))
    assert fields_at_fault(response) == ["partnership_id"]


def test_the_workflow_steps_refuse_bad_bodies(world, referring):
    referral = refer(world, referring)
    address = f"{V1}/referrals/{referral.pk}"
    cora = api_for(world.cora)
    assert fields_at_fault(cora.post(f"{address}/close", {"note": ""})) == ["note"]
    assert fields_at_fault(cora.post(f"{address}/complete", {"outcome": "fine"})) == ["outcome"]
    assert fields_at_fault(cora.post(f"{address}/pass-on", {"service_id": 7})) == ["service_id"]
    assert fields_at_fault(cora.post(f"{address}/accept", {"note": 3})) == ["note"]
    assert (
        cora.client.post(
            f"{address}/accept", "{", content_type="application/json", headers=cora.headers
        ).status_code
        == 400
    )
    # Steps out of order are a 422 too.
    assert fields_at_fault(cora.post(f"{address}/start", {})) == ["__all__"]


def test_stan_records_a_person_and_edits_them(world, referring):
    stan = api_for(world.stan)
    body = {
        "organisation_id": world.lead_org.pk,
        "name": "  Sam Example ",
        "postcode": "rv3 4ef",
        "needs": ["housing"],
        "age_band": "25_34",
    }
    response = stan.post(f"{V1}/people", body)
    assert response.status_code == 201
    sam = response.json()
    assert (sam["name"], sam["postcode"], sam["born_on"]) == ("Sam Example", "RV3 4EF", None)
    assert Access.objects.filter(person_id=sam["id"], kind=AccessKind.CREATE).exists()
    changed = stan.patch(f"{V1}/people/{sam['id']}", {"contact": "07700 900999", "age_band": None})
    assert (changed.json()["contact"], changed.json()["age_band"]) == ("07700 900999", None)
    assert Access.objects.filter(person_id=sam["id"], kind=AccessKind.CHANGE).exists()
    assert fields_at_fault(stan.patch(f"{V1}/people/{sam['id']}", {"name": None})) == ["name"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"organisation_id": "CORE"}, "organisation_id"),
        ({"name": ""}, "name"),
        ({"born_on": 0}, "born_on"),
        ({"born_on": "2999-01-01"}, "born_on"),
        ({"age_band": "old"}, "age_band"),
        ({"needs": ["cake"]}, "needs.0"),
        ({"postcode": "RV1 2AB RV1 2AB"}, "postcode"),
        ({"invented": True}, "invented"),
        ({"erased_at": None}, "erased_at"),
    ],
)
def test_a_bad_person_body_is_a_422_naming_the_field(world, changes, field):
    body = {"organisation_id": world.lead_org.pk, "name": "Sam"} | changes
    assert fields_at_fault(api_for(world.stan).post(f"{V1}/people", body)) == [field]
    assert not Person.objects.exists()


def test_no_one_records_a_person_for_an_organisation_they_do_not_act_for(world):
    body = {"organisation_id": world.lead_org.pk, "name": "Sam"}
    assert fields_at_fault(api_for(world.cora).post(f"{V1}/people", body)) == ["organisation_id"]
    assert fields_at_fault(api_for(world.otis).post(f"{V1}/people", body)) == ["organisation_id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"method": "telepathy"}, "method"),
        ({"purposes": []}, "purposes"),
        ({"fields": ["shoe_size"]}, "fields.0"),
        ({"recipient_ids": [999999]}, "recipient_ids"),
        ({"recipient_ids": "all"}, "recipient_ids"),
        ({"expires_on": "2001-01-01"}, "expires_on"),
        ({"expires_on": 1}, "expires_on"),
    ],
)
def test_a_bad_consent_is_a_422_naming_the_field(world, referring, changes, field):
    body = {
        "method": "verbal",
        "purposes": ["referral"],
        "fields": ["name"],
        "recipient_ids": [world.core_org.pk],
        "expires_on": NEXT_YEAR,
    } | changes
    response = api_for(world.stan).post(f"{V1}/people/{referring.pat.pk}/consents", body)
    assert fields_at_fault(response) == [field]


def test_the_holder_is_not_a_recipient_of_its_own_consent(world, referring):
    body = {
        "method": "verbal",
        "purposes": ["referral"],
        "fields": ["name"],
        "recipient_ids": [world.lead_org.pk],
        "expires_on": NEXT_YEAR,
    }
    response = api_for(world.stan).post(f"{V1}/people/{referring.pat.pk}/consents", body)
    assert fields_at_fault(response) == ["recipient_ids"]


# --- signposting -----------------------------------------------------------------------------


def test_signposting_keeps_nothing_about_the_person(world, referring):
    address = f"{V1}/partnerships/{world.partnership.pk}/signposts"
    body = {"organisation_id": world.wider_org.pk, "service_id": str(referring.therapy.pk)}
    response = api_for(world.will).post(address, body | {"area": "rv1 2ab"})
    assert response.status_code == 201
    made = response.json()
    assert (made["to_organisation_id"], made["area"]) == (world.core_org.pk, "RV1")
    assert fields_at_fault(api_for(world.will).post(address, body | {"name": "Pat"})) == ["name"]
    assert fields_at_fault(
        api_for(world.will).post(address, {"organisation_id": world.wider_org.pk})
    ) == ["service_id"]
    # Otis oversees but acts for no member; Olive does not see the partnership.
    assert fields_at_fault(api_for(world.otis).post(address, body)) == ["organisation_id"]
    assert api_for(world.olive).post(address, body).status_code == 404
    assert Signpost.objects.count() == 1


def test_the_receiver_cannot_write_on_a_referral_whose_details_it_no_longer_sees(world, referring):
    """As on the page: once the consent is withdrawn the receiver neither reads nor writes
    the thread."""
    from joinedup.referrals import actions
    from joinedup.referrals.models import Message

    referral = refer(world, referring)
    actions.consent_withdraw(consent=referring.consent, by=world.stan)
    address = f"{V1}/referrals/{referral.pk}/messages"
    response = api_for(world.cora).post(address, {"text": "Is Pat still at 12 Mill Lane?"})
    assert 400 <= response.status_code < 500, response.content
    assert not Message.objects.filter(referral=referral).exists()


def test_the_area_reaches_the_receiver_only_with_the_postcode(world, referring):
    """A referral's area is the outward part of the person's postcode: a receiver the
    postcode was not shared with does not get part of it either."""
    without = refer(world, referring)  # name, contact, needs
    with_postcode = refer(world, referring, fields=["name", "postcode"])
    cora = api_for(world.cora)
    assert cora.get(f"{V1}/referrals/{without.pk}").json()["area"] == ""
    listed = {r["id"]: r["area"] for r in cora.get(f"{V1}/referrals").json()["items"]}
    assert listed == {without.pk: "", with_postcode.pk: "RV1"}
    assert api_for(world.stan).get(f"{V1}/referrals/{without.pk}").json()["area"] == "RV1"


def test_a_net_names_each_service_once(world, referring):
    body = referral_body(world, referring)
    del body["service_id"], body["need"]
    therapy = {"service_id": str(referring.therapy.pk), "need": "mental_health"}
    response = api_for(world.stan).post(
        f"{V1}/referrals/net", body | {"services": [therapy, therapy, therapy]}
    )
    assert response.status_code == 201, response.content
    assert len(response.json()) == 1
    assert Referral.objects.filter(service=referring.therapy).count() == 1


def test_a_name_of_spaces_does_not_empty_a_persons_name(world, referring):
    address = f"{V1}/people/{referring.pat.pk}"
    assert fields_at_fault(api_for(world.stan).patch(address, {"name": "   "})) == ["name"]
    referring.pat.refresh_from_db()
    assert referring.pat.name == "Pat Example"
