"""Holes a review found, held shut: reaching into others' programmes and organisations,
seeing history meant for core partners, and changes decided on stale copies."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from joinedup.conftest import api_for, client_for
from joinedup.partnerships import actions
from joinedup.partnerships.models import MemberRole, Membership


def test_only_a_programmes_officer_places_a_partnership_in_it(world: SimpleNamespace) -> None:
    body = {
        "name": "Trojan",
        "shared_goal": "x",
        "lead_organisation_id": world.outside_org.pk,
        "start_on": "2024-04-01",
        "programme_id": world.programme.pk,
        "hub_id": world.hub.pk,
    }
    response = api_for(world.olive).post("/api/v1/partnerships", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "programme_id"
    assert (
        client_for(world.olive).get(reverse("programme", args=[world.programme.pk])).status_code
        == 404
    )
    # The same message whether the programme exists or not.
    missing = api_for(world.olive).post("/api/v1/partnerships", {**body, "programme_id": 987654})
    assert missing.json()["errors"][0]["message"].replace("987654", "N") == response.json()[
        "errors"
    ][0]["message"].replace(str(world.programme.pk), "N")


def test_the_lead_is_offered_only_organisations_it_can_see(world: SimpleNamespace) -> None:
    page = client_for(world.lena).get(reverse("members_manage", args=[world.partnership.pk]))
    assert b"Elsewhere Trust" not in page.content
    response = api_for(world.lena).post(
        f"/api/v1/partnerships/{world.partnership.pk}/memberships",
        {"organisation_id": world.outside_org.pk, "role": "wider"},
    )
    assert response.status_code == 422
    assert "Elsewhere" not in response.content.decode()
    response = client_for(world.lena).post(
        reverse("members_manage", args=[world.partnership.pk]),
        {"organisation": world.outside_org.pk, "role": "wider", "joined_on": "2025-01-01"},
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(
        organisation=world.outside_org, partnership=world.partnership
    ).exists()


def test_a_wider_partner_does_not_learn_who_left(world: SimpleNamespace) -> None:
    actions.membership_end(
        by=None,
        membership=world.core_membership,
        left_on=dt.date(2025, 3, 1),
        reason="Funding ended",
    )
    will = client_for(world.will)
    assert will.get(reverse("organisation", args=[world.core_org.pk])).status_code == 404
    names = [o["name"] for o in api_for(world.will).get("/api/v1/organisations").json()["items"]]
    assert "Riverside Mind" not in names
    assert b"Have left" not in will.get(reverse("programme", args=[world.programme.pk])).content
    # Lead and core partners and the programme officer still see the history.
    assert (
        client_for(world.lena).get(reverse("organisation", args=[world.core_org.pk])).status_code
        == 200
    )
    assert (
        b"Have left"
        in client_for(world.otis).get(reverse("programme", args=[world.programme.pk])).content
    )


def test_a_leaving_decided_on_a_stale_copy_cannot_remove_the_new_lead(
    world: SimpleNamespace,
) -> None:
    stale = Membership.objects.get(pk=world.core_membership.pk)
    actions.membership_change(
        by=world.lena, membership=Membership.objects.get(pk=stale.pk), role=MemberRole.LEAD
    )
    with pytest.raises(ValidationError, match="lead cannot leave"):
        actions.membership_end(
            by=world.lena, membership=stale, left_on=dt.date(2025, 1, 1), reason="r"
        )
    assert world.partnership.memberships.current().filter(role=MemberRole.LEAD).count() == 1


def test_a_change_decided_on_a_stale_copy_does_not_undo_a_leaving(world: SimpleNamespace) -> None:
    stale = Membership.objects.get(pk=world.wider_membership.pk)
    actions.membership_end(
        by=world.lena,
        membership=Membership.objects.get(pk=stale.pk),
        left_on=dt.date(2025, 1, 1),
        reason="r",
    )
    with pytest.raises(ValidationError):
        actions.membership_change(by=world.lena, membership=stale, levels=["strategic"])
    assert Membership.objects.get(pk=stale.pk).left_on == dt.date(2025, 1, 1)


def test_a_leaving_in_the_future_is_refused(world: SimpleNamespace) -> None:
    url = reverse("member_leave", args=[world.partnership.pk, world.wider_membership.pk])
    response = client_for(world.lena).post(url, {"left_on": "9999-12-31", "reason": "Later"})
    assert response.status_code == 422
    assert "left_on" in response.context["form"].errors
    assert Membership.objects.get(pk=world.wider_membership.pk).is_current
