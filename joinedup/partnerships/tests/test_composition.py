"""Membership criteria, a limit on partners, and who the members are against what is asked."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from joinedup.conftest import add_member, client_for, make_org
from joinedup.partnerships import actions


def test_the_composition_highlights_communities_nobody_serves(world: SimpleNamespace) -> None:
    actions.organisation_update(
        organisation=world.wider_org, by=None, communities=["Refugee women"]
    )
    url = reverse("partnership_criteria", args=[world.partnership.pk])
    assert client_for(world.cora).post(url, {"wanted": "x"}).status_code == 403
    response = client_for(world.lena).post(
        url,
        {
            "membership_criteria": "Women's organisations in Riverside.",
            "member_limit": "5",
            "wanted": "refugee women, Black and minority ethnic women",
        },
    )
    assert response.status_code == 302
    page = client_for(world.will).get(
        reverse("partnership_composition", args=[world.partnership.pk])
    )
    body = page.content.decode()
    assert "Nobody among the members serves:</strong> Black and minority ethnic women" in body
    assert "Refugee women: 1" in body
    assert page.context["composition"].sectors == [("Voluntary", 2), ("Faith", 1)]


def test_the_limit_on_partners_is_held_and_the_criteria_shown_when_adding(
    world: SimpleNamespace,
) -> None:
    actions.partnership_update(
        partnership=world.partnership,
        by=world.lena,
        member_limit=4,
        membership_criteria="Local groups only.",
    )
    add_member(world.partnership, make_org("Fourth"))
    with pytest.raises(ValidationError, match="at most 4 partners"):
        add_member(world.partnership, make_org("Fifth"))
    page = (
        client_for(world.lena)
        .get(reverse("members_manage", args=[world.partnership.pk]))
        .content.decode()
    )
    assert "Local groups only." in page and "at most 4 partners" in page


def test_a_bad_limit_is_named(world: SimpleNamespace) -> None:
    url = reverse("partnership_criteria", args=[world.partnership.pk])
    response = client_for(world.lena).post(url, {"member_limit": "-2"})
    assert response.status_code == 422 and "member_limit" in response.context["form"].errors
