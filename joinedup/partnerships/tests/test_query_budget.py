"""Pages run a fixed number of queries, however many members a partnership has."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.conftest import add_member, client_for, make_org, make_user
from joinedup.partnerships import actions


def grow(w: SimpleNamespace, n: int) -> None:
    """Add `n` wider partners, each with a named contact, and `n` who have left."""
    for i in range(n):
        org = make_org(f"Wider partner {w.partnership.memberships.count()}")
        membership = add_member(w.partnership, org)
        actions.membership_set_contacts(
            by=None,
            membership=membership,
            contacts=[make_user(f"c{org.pk}@example.org", f"Contact {i}", org)],
        )
        gone = add_member(w.partnership, make_org(f"Former partner {org.pk}"))
        actions.membership_end(
            by=None, membership=gone, left_on=gone.joined_on, reason="Funding ended"
        )


def terms_in_force(w: SimpleNamespace) -> None:
    """Terms of reference signed by every member (by a superuser, who may sign for any)."""
    from joinedup.accounts.models import User
    from joinedup.agreements import actions as agreement_actions

    admin = User.objects.create_superuser("root@example.org", "x", name="Root")
    agreement = agreement_actions.agreement_create(
        by=admin,
        partnership=w.partnership,
        kind="terms_of_reference",
        title="ToR",
        sections={"goal": "Ours"},
    )
    version = agreement_actions.version_advance(
        version=agreement.versions.get(), by=admin, to="signoff"
    )
    for membership in w.partnership.memberships.current().select_related("organisation"):
        agreement_actions.sign(
            version=version, by=admin, organisation=membership.organisation, board_informed=True
        )


def grow_meetings(w: SimpleNamespace, n: int) -> None:
    """`n` more meetings with an agenda item and a chair, and `n` closed proposals with
    positions."""
    from joinedup.decisions import actions as decision_actions
    from joinedup.decisions.models import Proposal
    from joinedup.meetings import actions as meeting_actions
    from joinedup.meetings.models import Series
    from joinedup.meetings.tests.helpers import core_series, days_from_today, meet

    series = Series.objects.filter(partnership=w.partnership).first() or core_series(w)
    for i in range(n):
        meeting = meet(series, days_from_today(-7 * (i + 1) - 100 * Series.objects.count()))
        meeting_actions.agenda_item_add(
            by=None, meeting=meeting, title=f"Item {i}", owner=w.core_org
        )
        proposal = decision_actions.proposal_create(
            by=None,
            partnership=w.partnership,
            organisation=w.core_org,
            title=f"Proposal {i}",
            question="Q?",
            kind="vote",
            deciders="core",
            closes_on=days_from_today(1),
        )
        decision_actions.position_cast(
            by=w.lena, proposal=proposal, organisation=w.lead_org, stance="agree"
        )
        Proposal.objects.filter(pk=proposal.pk).update(closes_on=days_from_today(-1))
    decision_actions.close_due(w.partnership.pk)


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_partnership_page_keeps_its_query_budget(
    world: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    grow(world, 3)
    terms_in_force(world)
    url = reverse("partnership", args=[world.partnership.pk])
    client = client_for(world.cora)
    # session, user, partnership (with programme and hub), the user's organisations, the
    # programmes they oversee, their organisations' memberships here, the memberships with
    # organisations, their contacts; for the must-dos and reviews due: agreements in force
    # with their signatures (2), current members, the tiers of meeting series that meet,
    # attestations; for the power balance: proposals per organisation, agenda items per
    # owner, meetings chaired per organisation, current positions on closed proposals
    with django_assert_num_queries(17):
        client.get(url)
    grow(world, 20)
    grow_meetings(world, 5)
    with django_assert_num_queries(17):
        client.get(url)


def test_the_members_page_and_history_keep_their_budget(world: SimpleNamespace) -> None:
    client = client_for(world.lena)
    urls = [
        reverse("members_manage", args=[world.partnership.pk]),
        reverse("partnership_history", args=[world.partnership.pk]),
        reverse("partnership_audit", args=[world.partnership.pk]),
        reverse("organisation", args=[world.lead_org.pk]),
        reverse("programme", args=[world.programme.pk]),
        reverse("home"),
    ]
    grow(world, 2)
    before = {url: count_queries(client, url) for url in urls}
    grow(world, 15)
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
