"""The API half of the test matrix: every person, consent and referral endpoint, for each of the
referral's characters — Stan refers, Cora receives, Will is the third partner, Otis the
programme officer and Olive the outsider, and the last three get 404 and never Pat's details.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from joinedup.access import acting_for
from joinedup.api import api
from joinedup.conftest import api_for, client_for
from joinedup.referrals import actions
from joinedup.referrals.api_referrals import referrals_visible_to
from joinedup.referrals.models import Access, AccessKind, Referral
from joinedup.referrals.tests.conftest import PAT, refer

# Within the three years a consent may run for (joinedup/dates.py).
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()

V1 = "/api/v1"
CHARACTERS = ["stan", "cora", "will", "otis", "olive"]
PAT_SECRETS = [PAT["name"], PAT["contact"], PAT["safe_contact"], PAT["notes"]]

Body = Callable[[SimpleNamespace, SimpleNamespace], Any] | None


def _consent_body(w: SimpleNamespace, r: SimpleNamespace) -> Any:
    return {
        "method": "written",
        "purposes": ["referral"],
        "fields": ["name", "contact"],
        "recipient_ids": [w.core_org.pk],
        "expires_on": NEXT_YEAR,
    }


# (method, path, body, what Stan gets, what Cora gets) on a referral just sent to Cora;
# Will, Otis and Olive get 404 from every one.
MATRIX: list[tuple[str, str, Body, int, int]] = [
    ("get", "/people/{person}", None, 200, 404),
    ("patch", "/people/{person}", lambda w, r: {"postcode": "RV9 9ZZ"}, 200, 404),
    ("get", "/people/{person}/consents", None, 200, 404),
    ("post", "/people/{person}/consents", _consent_body, 201, 404),
    ("get", "/consents/{consent}", None, 200, 404),
    ("post", "/consents/{consent}/withdraw", lambda w, r: {}, 200, 404),
    ("get", "/referrals/{referral}", None, 200, 200),
    ("post", "/referrals/{referral}/send", lambda w, r: {}, 422, 403),
    ("post", "/referrals/{referral}/accept", lambda w, r: {"note": "We'll call"}, 403, 200),
    (
        "post",
        "/referrals/{referral}/decline",
        lambda w, r: {"reason": "no_capacity", "note": "Full until May"},
        403,
        200,
    ),
    ("post", "/referrals/{referral}/start", lambda w, r: {}, 403, 422),
    ("post", "/referrals/{referral}/complete", lambda w, r: {"outcome": "got_help"}, 403, 422),
    ("post", "/referrals/{referral}/close", lambda w, r: {"note": "Moved away"}, 403, 422),
    ("post", "/referrals/{referral}/withdraw", lambda w, r: {"note": "Not needed"}, 200, 403),
    (
        "post",
        "/referrals/{referral}/pass-on",
        lambda w, r: {"service_id": str(r.parcels.pk)},
        403,
        201,
    ),
    ("get", "/referrals/{referral}/messages", None, 200, 200),
    ("post", "/referrals/{referral}/messages", lambda w, r: {"text": "Any news?"}, 201, 201),
]


def url(path: str, r: SimpleNamespace) -> str:
    return V1 + path.format(person=r.pat.pk, consent=r.consent.pk, referral=r.referral.pk)


def send(client: Any, method: str, address: str, body: Any = None) -> Any:
    return client.get(address) if method == "get" else getattr(client, method)(address, body)


@pytest.fixture
def sent(world: SimpleNamespace, referring: SimpleNamespace) -> SimpleNamespace:
    """Stan has referred Pat to Cora's talking therapies, sharing name, contact and needs."""
    referring.referral = refer(world, referring)
    return referring


def test_the_matrix_covers_every_person_consent_and_referral_endpoint() -> None:
    ours = re.compile(r"^/api/v1/(people/\{pk\}|consents/|referrals/\{pk\})")
    documented = {
        (method, path.removeprefix(V1))
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
        if ours.match(path)
    }
    matrix = {
        (method, re.sub(r"\{(person|consent|referral)\}", "{pk}", path))
        for method, path, *_ in MATRIX
    }
    assert matrix == documented


@pytest.mark.parametrize("character", CHARACTERS)
@pytest.mark.parametrize(
    ("method", "path", "body", "stan", "cora"), MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX]
)
def test_each_character_gets_what_the_rules_say(
    world: SimpleNamespace,
    sent: SimpleNamespace,
    character: str,
    method: str,
    path: str,
    body: Body,
    stan: int,
    cora: int,
) -> None:
    expected = {"stan": stan, "cora": cora}.get(character, 404)
    response = send(
        api_for(getattr(world, character)),
        method,
        url(path, sent),
        body(world, sent) if body else None,
    )
    assert response.status_code == expected, response.content
    if expected == 404:
        assert response.json() == {"detail": "Not found.", "errors": []}
    if character not in ("stan", "cora"):
        assert not any(secret in response.content.decode() for secret in PAT_SECRETS)


@pytest.mark.parametrize("character", ["will", "otis", "olive"])
def test_the_others_lists_hold_nothing_of_pats(
    world: SimpleNamespace, sent: SimpleNamespace, character: str
) -> None:
    client = api_for(getattr(world, character))
    assert client.get(f"{V1}/people").json()["items"] == []
    assert client.get(f"{V1}/referrals").json()["items"] == []
    assert client.get(f"{V1}/people", organisation_id=world.lead_org.pk).json()["count"] == 0
    # Nor can they name her in a referral of their own.
    body = {
        "partnership_id": world.partnership.pk,
        "person_id": sent.pat.pk,
        "consent_id": sent.consent.pk,
        "service_id": str(sent.therapy.pk),
        "fields": ["name"],
    }
    response = client.post(f"{V1}/referrals", body)
    assert response.status_code == 422
    # Olive does not see the partnership either.
    expected = "partnership_id" if character == "olive" else "person_id"
    assert response.json()["errors"][0]["field"] == expected
    assert not Access.objects.filter(actor=getattr(world, character)).exists()


def test_the_list_of_people_carries_no_personal_data_and_reading_one_is_logged(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    stan = api_for(world.stan)
    before = Access.objects.count()
    listed = stan.get(f"{V1}/people").json()
    assert [p["id"] for p in listed["items"]] == [sent.pat.pk]
    assert set(listed["items"][0]) == {
        "id",
        "organisation_id",
        "invented",
        "created_at",
        "erased_at",
    }
    assert Access.objects.count() == before
    assert stan.get(f"{V1}/people", organisation_id=world.core_org.pk).json()["count"] == 0

    pat = stan.get(f"{V1}/people/{sent.pat.pk}").json()
    assert (pat["name"], pat["safe_contact"], pat["needs"]) == (
        PAT["name"],
        PAT["safe_contact"],
        ["mental_health", "money_debt"],
    )
    read = Access.objects.latest("pk")
    assert (read.kind, read.actor, read.holder, read.person) == (
        AccessKind.VIEW,
        world.stan,
        world.lead_org,
        sent.pat,
    )
    stan.get(f"{V1}/people/{sent.pat.pk}/consents")
    stan.get(f"{V1}/consents/{sent.consent.pk}")
    assert Access.objects.filter(kind=AccessKind.VIEW, person=sent.pat).count() == 3


def test_the_receiver_sees_only_the_fields_shared_and_the_read_is_logged_as_hers(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    response = api_for(world.cora).get(f"{V1}/referrals/{sent.referral.pk}")
    body = response.json()
    assert body["details_hidden_because"] is None
    assert body["person"] == {
        "name": PAT["name"],
        "contact": PAT["contact"],
        "safe_contact": None,
        "born_on": None,
        "age_band": None,
        "postcode": None,
        "needs": ["mental_health", "money_debt"],
        "notes": None,
    }
    assert PAT["notes"] not in response.content.decode()
    # Cora does not hold Pat's record: she gets no way to reach it.
    assert body["person_id"] is None and body["consent_id"] is None
    read = Access.objects.get(kind=AccessKind.VIEW, referral=sent.referral)
    assert (read.actor, read.actor_org, read.holder) == (world.cora, world.core_org, world.lead_org)


def test_reading_it_through_the_api_does_not_mark_it_seen_opening_its_page_does(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    stan = api_for(world.stan)
    address = f"{V1}/referrals/{sent.referral.pk}"
    assert api_for(world.cora).get(address).json()["status"] == "sent"
    listed = api_for(world.cora).get(f"{V1}/referrals").json()["items"]
    assert [r["status"] for r in listed if r["id"] == sent.referral.pk] == ["sent"]
    read = stan.get(address).json()
    assert read["status"] == "sent" and read["seen_at"] is None

    client_for(world.cora).get(reverse("referral", args=[sent.referral.pk]))
    seen = stan.get(address).json()
    assert seen["status"] == "seen" and seen["seen_at"] is not None
    assert [e["status"] for e in seen["events"]] == ["draft", "sent", "seen"]
    assert seen["events"][-1]["organisation_id"] == world.core_org.pk


def test_withdrawing_consent_hides_the_details_from_the_receiver_at_once(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    cora, stan = api_for(world.cora), api_for(world.stan)
    address = f"{V1}/referrals/{sent.referral.pk}"
    cora.post(f"{address}/messages", {"text": "Does Pat prefer mornings?", "asks_for_info": True})
    assert cora.get(address).json()["person"]["name"] == PAT["name"]

    withdrawn = stan.post(f"{V1}/consents/{sent.consent.pk}/withdraw", {})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["stands"] is False and withdrawn.json()["withdrawn_at"]

    response = cora.get(address)
    body = response.json()
    assert response.status_code == 200
    assert body["person"] is None and body["summary"] is None
    assert body["details_hidden_because"] == "The person withdrew their consent."
    assert body["status"] == "withdrawn"
    assert all(e["note"] is None for e in body["events"])
    messages = cora.get(f"{address}/messages").json()
    assert [(m["text"], m["asks_for_info"]) for m in messages] == [(None, True)]
    for secret in [*PAT_SECRETS, "mornings"]:
        assert secret not in response.content.decode()
    # The de-identified fact remains, in her list too.
    assert [r["id"] for r in cora.get(f"{V1}/referrals").json()["items"]] == [sent.referral.pk]
    # The referrer holds the record and still reads it.
    assert stan.get(address).json()["person"]["name"] == PAT["name"]


def test_withdrawing_the_referral_hides_the_details_from_the_receiver(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    address = f"{V1}/referrals/{sent.referral.pk}"
    assert api_for(world.stan).post(f"{address}/withdraw", {}).status_code == 200
    body = api_for(world.cora).get(address).json()
    assert body["person"] is None
    assert body["details_hidden_because"] == "The referral was withdrawn."


def test_nothing_is_shown_once_the_person_is_erased(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    from django.utils import timezone

    from joinedup.referrals.models import Person

    Person.objects.filter(pk=sent.pat.pk).update(
        name="", contact="", needs=[], erased_at=timezone.now()
    )
    for character in ("stan", "cora"):
        body = api_for(getattr(world, character)).get(f"{V1}/referrals/{sent.referral.pk}").json()
        assert body["person"] is None
        assert body["details_hidden_because"] == "The person's data has been erased."


def test_a_draft_is_the_referrers_alone_until_sent(
    world: SimpleNamespace, referring: SimpleNamespace
) -> None:
    draft = refer(world, referring, send=False)
    cora, stan = api_for(world.cora), api_for(world.stan)
    assert cora.get(f"{V1}/referrals/{draft.pk}").status_code == 404
    assert cora.post(f"{V1}/referrals/{draft.pk}/accept", {}).status_code == 404
    assert cora.get(f"{V1}/referrals").json()["count"] == 0
    assert stan.post(f"{V1}/referrals/{draft.pk}/send", {}).json()["status"] == "sent"
    assert cora.get(f"{V1}/referrals/{draft.pk}").status_code == 200


def test_the_lists_filter_by_direction_and_status(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    stan, cora = api_for(world.stan), api_for(world.cora)

    def ids(client: Any, **params: Any) -> list[int]:
        return [r["id"] for r in client.get(f"{V1}/referrals", **params).json()["items"]]

    mine = sent.referral.pk
    assert ids(stan, direction="sent") == [mine]
    assert ids(stan, direction="received") == []
    assert ids(cora, direction="received") == [mine]
    assert ids(cora, direction="sent") == []
    assert ids(cora, status="sent") == [mine]
    assert ids(cora, status="accepted") == []
    assert stan.get(f"{V1}/referrals", status="lost").status_code == 422
    assert stan.get(f"{V1}/referrals", direction="sideways").status_code == 422


def test_the_list_answers_as_the_rule_does(world: SimpleNamespace, sent: SimpleNamespace) -> None:
    refer(world, sent, send=False)
    refer(world, sent, service=sent.parcels, fields=["name"])
    for character in ["lena", *CHARACTERS]:
        user = getattr(world, character)
        listed = set(referrals_visible_to(user))
        ruled = {r for r in Referral.objects.all() if user.has_perm("referrals.view_referral", r)}
        assert listed == ruled, character
    assert acting_for(world.otis) == [world.funder.pk]


def test_the_lists_cost_the_same_whatever_they_hold(
    world: SimpleNamespace, sent: SimpleNamespace
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stan = api_for(world.stan)

    def queries(path: str) -> int:
        # the token, the user's organisations, the count, the page
        with CaptureQueriesContext(connection) as captured:
            assert stan.get(f"{V1}/{path}").status_code == 200
        return len(captured)

    stan.get(f"{V1}/people")  # the token's first use is recorded once
    few = queries("referrals"), queries("people")
    assert few == (4, 4)
    for _ in range(3):
        refer(world, sent, service=sent.parcels, fields=["name"])
        actions.person_create(organisation=world.lead_org, by=world.stan, name="Someone")
    assert (queries("referrals"), queries("people")) == few


def test_a_site_administrator_sees_no_personal_data(world: SimpleNamespace, sent: Any) -> None:
    """Being a superuser grants nothing over the people partners support (`access.may`)."""
    from joinedup.accounts.models import User

    admin = User.objects.create_superuser("root@joinedup.example", "a-long-test-password")
    client = api_for(admin)
    for path in (
        f"{V1}/people/{sent.pat.pk}",
        f"{V1}/people/{sent.pat.pk}/consents",
        f"{V1}/consents/{sent.consent.pk}",
        f"{V1}/referrals/{sent.referral.pk}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert PAT["name"] not in response.content.decode()
