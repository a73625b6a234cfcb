"""The health pages run a fixed number of queries however many answers, ratings and hours."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import add_member, client_for, make_org, make_user
from joinedup.health import actions
from joinedup.health.models import Round
from joinedup.health.tests.helpers import answer, colleagues, open_round
from joinedup.partnerships.models import MemberRole
from joinedup.partnerships.tests.test_query_budget import count_queries


def grow(w: SimpleNamespace, round: Round, n: int) -> None:
    """`n` more wider partners, each answering the check, rating the lead and logging time."""
    for _ in range(n):
        org = make_org(f"Partner {w.partnership.memberships.count()}")
        add_member(w.partnership, org, MemberRole.WIDER)
        user = make_user(f"p{org.pk}@example.org", f"Person {org.pk}", org)
        answer(round, user, org, 3, working=f"Working {org.pk}", would_help="More")
        actions.rating_set(
            by=user,
            partnership=w.partnership,
            rater=org,
            rated=w.lead_org,
            level=2,
            reliability=3,
        )
        actions.rating_set(
            by=None,
            partnership=w.partnership,
            rater=w.lead_org,
            rated=org,
            level=1,
        )
        actions.timelog_add(
            by=user,
            partnership=w.partnership,
            organisation=org,
            on=timezone.localdate(),
            hours=Decimal(2),
        )


def test_the_health_pages_keep_their_budget(world: SimpleNamespace) -> None:
    first = open_round(world)
    answer(first, world.cora, world.core_org, 2)
    actions.round_close(by=world.lena, round=first)
    round = open_round(world)
    p = world.partnership.pk
    urls = [
        reverse("health", args=[p]),
        round.get_absolute_url(),
        reverse("health_answer", args=[p, round.pk]),
        reverse("health_ratings", args=[p]),
        reverse("health_time", args=[p]),
    ]
    grow(world, round, 1)
    client = client_for(world.lena)
    before = {url: count_queries(client, url) for url in urls}
    grow(world, round, 5)
    after = {url: count_queries(client, url) for url in urls}
    assert after == before


def test_the_results_page_budget_in_numbers(
    world: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    round = open_round(world)
    grow(world, round, 3)
    for user in (world.lena, world.stan, *colleagues(world.lead_org, 1)):
        answer(round, user, world.lead_org, 4)  # three of the lead's people: shown on its own
    actions.round_close(by=world.lena, round=round)
    client = client_for(world.cora)
    # session, user, the round with its partnership and programme, the user's organisations,
    # their memberships here and the programmes they oversee (standing), rounds due to close,
    # the round's status again; results: the previous round, answers of both rounds,
    # organisations shown on their own, current members, the free text (the round is closed,
    # so nobody may answer it and that costs no query)
    with django_assert_num_queries(13):
        client.get(round.get_absolute_url())
