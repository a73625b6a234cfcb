"""Who gets what from each health page (the app-wide table in partnerships/tests/test_access.py
holds every page to 404 for the outsider and to sign-in for the signed-out)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.health.tests.helpers import open_round

SEE, OPEN, ANSWER = "health", "health_round_open", "health_answer"


@pytest.mark.parametrize(
    ("character", "expected"),
    [
        ("lena", {SEE: 200, "results": 200, OPEN: 200, ANSWER: 200, "ratings": 200}),
        ("stan", {SEE: 200, "results": 200, OPEN: 403, ANSWER: 200, "ratings": 200}),
        ("cora", {SEE: 200, "results": 200, OPEN: 403, ANSWER: 200, "ratings": 200}),
        ("will", {SEE: 200, "results": 200, OPEN: 403, ANSWER: 200, "ratings": 200}),
        ("otis", {SEE: 200, "results": 200, OPEN: 403, ANSWER: 403, "ratings": 200}),
        ("olive", {SEE: 404, "results": 404, OPEN: 404, ANSWER: 404, "ratings": 404}),
    ],
)
def test_each_character_gets_what_their_role_allows(
    world: SimpleNamespace, character: str, expected: dict[str, int]
) -> None:
    round = open_round(world)
    p = world.partnership.pk
    urls = {
        SEE: reverse(SEE, args=[p]),
        "results": round.get_absolute_url(),
        OPEN: reverse(OPEN, args=[p]),
        ANSWER: reverse(ANSWER, args=[p, round.pk]),
        "ratings": reverse("health_ratings", args=[p]),
    }
    client = client_for(getattr(world, character))
    assert {name: client.get(url).status_code for name, url in urls.items()} == expected


def test_only_people_who_act_for_a_member_see_the_rating_and_time_forms(
    world: SimpleNamespace,
) -> None:
    p = world.partnership.pk
    forms = {"health_ratings": "Save the rating", "health_time": "Log the hours"}
    for name, button in forms.items():
        assert button in client_for(world.will).get(reverse(name, args=[p])).content.decode()
        assert button not in client_for(world.otis).get(reverse(name, args=[p])).content.decode()
