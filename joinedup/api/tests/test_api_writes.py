"""Writing through the API: the same actions, the same errors, one error shape."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.audit.models import AuditEvent
from joinedup.conftest import add_member, api_for, make_org
from joinedup.partnerships import actions
from joinedup.partnerships.models import Membership, Partnership

PREFIX = "/api/v1"


def test_the_lead_adds_a_member_and_records_its_leaving(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    newcomer = make_org("Valley Credit Union", "social_enterprise", by=world.lena)
    response = lena.post(
        f"{PREFIX}/partnerships/{world.partnership.pk}/memberships",
        {
            "organisation_id": newcomer.pk,
            "role": "wider",
            "levels": ["delivery"],
            "joined_on": "2025-01-10",
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["organisation"]["name"], created["role"], created["levels"]) == (
        "Valley Credit Union",
        "wider",
        ["delivery"],
    )
    response = lena.post(
        f"{PREFIX}/memberships/{created['id']}/leave",
        {"left_on": "2025-06-30", "reason": "Merged with another union"},
    )
    assert response.status_code == 200
    assert response.json()["leaving_reason"] == "Merged with another union"
    assert AuditEvent.objects.filter(object_id=str(created["id"]), action="membership.end").exists()


def test_a_manager_starts_a_partnership_led_by_their_organisation(world: SimpleNamespace) -> None:
    response = api_for(world.lena).post(
        f"{PREFIX}/partnerships",
        {
            "name": "Riverside Warm Spaces",
            "shared_goal": "Nobody cold this winter.",
            "lead_organisation_id": world.lead_org.pk,
            "start_on": "2025-11-01",
            "model": "co_location",
        },
    )
    assert response.status_code == 201, response.json()
    partnership = Partnership.objects.get(pk=response.json()["id"])
    assert partnership.memberships.get().organisation == world.lead_org


def test_bad_bodies_get_422_naming_each_field(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    response = lena.post(f"{PREFIX}/organisations", {"name": "", "sector": "pirate"})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert {e["field"] for e in body["errors"]} == {"name", "sector"}

    response = lena.post(
        f"{PREFIX}/organisations",
        {"name": "Ok", "sector": "voluntary", "charity_number": "nonsense"},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["charity_number"]

    response = lena.post(
        f"{PREFIX}/partnerships/{world.partnership.pk}/memberships",
        {"organisation_id": world.core_org.pk, "role": "wider"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation"

    response = lena.patch(f"{PREFIX}/partnerships/{world.partnership.pk}", {"end_on": "2000-01-01"})
    assert response.status_code == 422
    assert Partnership.objects.get(pk=world.partnership.pk).end_on is None

    response = lena.post(
        f"{PREFIX}/partnerships/{world.partnership.pk}/memberships",
        {"organisation_id": 10**12, "role": "wider"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_id"


def test_malformed_json_and_huge_ids_are_4xx_not_500(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    response = lena.client.post(
        f"{PREFIX}/organisations",
        "{not json",
        content_type="application/json",
        headers=lena.headers,
    )
    assert response.status_code in (400, 422)
    assert lena.get(f"{PREFIX}/partnerships/{2**70}").status_code == 422
    assert lena.get(f"{PREFIX}/partnerships", limit=0).status_code == 422
    response = lena.post(f"{PREFIX}/organisations", {"name": "Nul\u0000Org", "sector": "voluntary"})
    assert response.status_code == 422


def test_the_lead_cannot_be_added_or_removed_except_by_handover(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    response = lena.post(
        f"{PREFIX}/partnerships/{world.partnership.pk}/memberships",
        {"organisation_id": make_org("X", by=world.lena).pk, "role": "lead"},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "role"
    response = lena.post(
        f"{PREFIX}/memberships/{world.lead_membership.pk}/leave",
        {"left_on": "2025-01-01", "reason": "Bye"},
    )
    assert response.status_code == 422
    response = lena.patch(f"{PREFIX}/memberships/{world.core_membership.pk}", {"role": "lead"})
    assert response.status_code == 200
    assert Membership.objects.get(pk=world.lead_membership.pk).role == "core"


def test_the_partnership_list_keeps_its_query_budget(
    world: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    otis = api_for(world.otis)
    url = f"{PREFIX}/partnerships"
    otis.get(url)  # the token's first use is recorded once; later requests only read
    # token with its user, the programmes overseen, the user's organisations, count, page
    with django_assert_num_queries(5):
        otis.get(url)
    for i in range(15):
        p = actions.partnership_create(
            by=None,
            name=f"P{i}",
            shared_goal="G",
            lead=make_org(f"L{i}"),
            start_on=world.partnership.start_on,
            programme=world.programme,
        )
        add_member(p, make_org(f"W{i}"))
    with django_assert_num_queries(5):
        assert otis.get(url).json()["count"] == 16


def test_the_membership_list_keeps_its_query_budget(world: SimpleNamespace) -> None:
    cora = api_for(world.cora)
    url = f"{PREFIX}/partnerships/{world.partnership.pk}/memberships"
    cora.get(url)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as small:
        cora.get(url)
    for i in range(12):
        add_member(world.partnership, make_org(f"More {i}"))
    with CaptureQueriesContext(connection) as large:
        assert len(cora.get(url).json()) == 15
    assert len(large.captured_queries) == len(small.captured_queries)
