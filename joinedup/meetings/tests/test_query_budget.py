"""The meetings and decisions pages run a fixed number of queries as the data grows."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.meetings import actions
from joinedup.meetings.tests.helpers import days_from_today, meet
from joinedup.partnerships.tests.test_query_budget import count_queries, grow, grow_meetings


def grow_all(w: SimpleNamespace, m: SimpleNamespace, n: int) -> None:
    grow(w, n)
    grow_meetings(w, n)
    for i in range(n):
        actions.agenda_item_add(by=None, meeting=m.next, title=f"More {i}", owner=w.lead_org)
        actions.action_add(
            by=None,
            meeting=m.past,
            description=f"Action {i}",
            owner=w.core_org,
            due_on=days_from_today(i),
        )
        actions.attendance_record(
            by=None, meeting=m.past, organisation=w.lead_org, presence="present", person_name="L"
        )
        actions.concern_raise(
            by=None,
            partnership=w.partnership,
            organisation=w.wider_org,
            audience="all",
            title=f"Concern {i}",
            text="x",
        )
        meet(m.wider, days_from_today(40 + i))


def test_the_meetings_and_decisions_pages_keep_their_budget(world: SimpleNamespace) -> None:
    from joinedup.decisions.models import Proposal
    from joinedup.partnerships.tests.test_access import resources

    m = resources(world).meetings

    p = world.partnership.pk
    grow_all(world, m, 2)
    proposal = Proposal.objects.get(partnership=world.partnership, title="Open on Saturdays")
    assert proposal.deciders == "all"  # every member decides: the page grows with them
    urls = [
        reverse("meetings", args=[p]),
        reverse("meeting_series", args=[p, m.core.pk]),
        reverse("meeting", args=[p, m.next.pk]),
        reverse("meeting", args=[p, m.past.pk]),
        reverse("concerns", args=[p]),
        reverse("decisions", args=[p]),
        reverse("proposal", args=[p, proposal.pk]),
        reverse("lead_time", args=[p]),
        reverse("communication_review", args=[p]),
        reverse("all_concerns"),
    ]
    for character in ("lena", "cora"):
        client = client_for(getattr(world, character))
        before = {url: count_queries(client, url) for url in urls}
        grow_all(world, m, 6)
        after = {url: count_queries(client, url) for url in urls}
        assert after == before, character


def test_the_meetings_page_budget_in_numbers(
    world: SimpleNamespace, django_assert_num_queries: object
) -> None:
    from joinedup.partnerships.tests.test_access import resources

    resources(world)  # meetings, a concern, an open proposal
    client = client_for(world.cora)
    url = reverse("meetings", args=[world.partnership.pk])
    # session, user, partnership, the user's organisations, their memberships here and the
    # programmes they oversee (standing), series, cadence (meetings held), concerns,
    # communication reviews, attendance rates (series, meetings with a register, their
    # attendance), the header's programme, upcoming meetings, current members
    with django_assert_num_queries(15):  # type: ignore[operator]
        client.get(url)
    decisions = reverse("decisions", args=[world.partnership.pk])
    # session, user, partnership, organisations, standing (2), proposals due to close,
    # proposals with their meeting and their positions counted by stance, current members,
    # the agreement naming who holds delegated authority (to record an urgent decision), whether
    # the user acts for a member (to propose), the header's programme
    with django_assert_num_queries(12):  # type: ignore[operator]
        client.get(decisions)
