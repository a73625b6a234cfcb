"""Pages that do not grow with the partnership (issue 19): the decision log and the ratings
page weigh the same, give or take a few bytes a member, at 60 members as at 120, because
what grows with the members (each organisation's position, every pair's rating) is counted,
or shown a page of 50 at a time.

The members, positions and ratings are written in bulk: the tests are about reading."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from joinedup.conftest import START, client_for
from joinedup.decisions.models import Position, Proposal
from joinedup.decisions.tests.test_decisions import propose
from joinedup.health.models import Rating
from joinedup.partnerships.models import MemberRole, Membership, Organisation, Sector


def grow(world: SimpleNamespace, n: int) -> list[Organisation]:
    """Core members up to `n` in all, named alike (so names do not change the sizes)."""
    have = Membership.objects.current().filter(partnership=world.partnership).count()
    start = Organisation.objects.count()
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Partner organisation {start + i:04}", sector=Sector.VOLUNTARY)
        for i in range(n - have)
    )
    Membership.objects.bulk_create(
        Membership(
            partnership=world.partnership,
            organisation=o,
            role=MemberRole.CORE,
            at_delivery=True,
            joined_on=START,
        )
        for o in orgs
    )
    return orgs


def page(world: SimpleNamespace, name: str, user: str = "cora") -> str:
    response = client_for(getattr(world, user)).get(reverse(name, args=[world.partnership.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_decision_log_counts_positions_rather_than_listing_them(world) -> None:
    closed = propose(world, deciders="all", title="Share a venue")
    propose(world, deciders="all", title="Open on Saturdays")

    def everyone_agrees(orgs: list[Organisation]) -> None:
        Position.objects.bulk_create(
            Position(proposal=closed, organisation=o, stance="agree") for o in orgs
        )

    everyone_agrees(grow(world, 60))  # 57 more than the world's three
    Proposal.objects.filter(pk=closed.pk).update(status="closed", outcome="passed")
    at_60 = page(world, "decisions")
    everyone_agrees(grow(world, 120))
    at_120 = page(world, "decisions")
    assert "57 agree" in at_60 and "117 agree" in at_120  # the count, not 117 names
    assert abs(len(at_120) - len(at_60)) < 50, (len(at_60), len(at_120))


def test_the_ratings_page_shows_the_summary_not_every_pair(world) -> None:
    def rate_around(orgs: list[Organisation]) -> None:
        """Each new member rates the next and the one after at 4; the next says 1 back:
        every member is in two asymmetric pairs."""
        Rating.objects.bulk_create(
            Rating(partnership=world.partnership, rater=a, rated=b, level=level)
            for i, a in enumerate(orgs)
            for b, level in ((orgs[(i + 1) % len(orgs)], 4), (orgs[i - 1], 1))
        )

    rate_around(grow(world, 60))
    at_60 = page(world, "health_ratings")
    rate_around(grow(world, 120))
    at_120 = page(world, "health_ratings")
    # Only the form's list of partners to rate grows: a line a member.
    assert len(at_120) - len(at_60) < 60 * 100, (len(at_60), len(at_120))
    # 57 + 60 asymmetric pairs: a page of 50 shown, with the way to the next.
    assert "117 of them asymmetrically" in at_120
    assert at_120.count('<span class="flag">Asymmetric</span>') == 50
    assert 'rel="next"' in at_120


def test_a_role_of_more_than_50_members_is_listed_50_at_a_time(world) -> None:
    grow(world, 60)  # 57 more core partners: 58 with Riverside Mind
    first = page(world, "partnership", "will")  # a wider partner: no membership history
    assert 'Core partners <span class="count">(58)</span>' in first
    members, balance = first.split('<section aria-labelledby="balance-title">')
    assert members.count("Partner organisation ") == 50
    assert balance.split("</section>")[0].count('<tr><th scope="row">') == 50
    url = reverse("partnership", args=[world.partnership.pk])
    rest = client_for(world.will).get(url, {"core": "2"}).content.decode()
    members = rest.split('<section aria-labelledby="balance-title">')[0]
    assert members.count("Partner organisation ") == 7  # the last of the core partners


def test_the_membership_history_on_the_partnership_page_is_paged(world) -> None:
    grow(world, 60)
    first = page(world, "partnership")  # Cora, a core partner: she sees the history
    history = first.split('id="history-title"')[1]
    assert history.count("joined as a") == 50
    assert 'rel="next"' in history
    assert reverse("partnership_history", args=[world.partnership.pk]) in history
    url = reverse("partnership", args=[world.partnership.pk])
    rest = client_for(world.cora).get(url, {"history": "2"}).content.decode()
    assert rest.split('id="history-title"')[1].count("joined as a") == 10  # 60 in all


def test_the_report_lists_every_member_in_one_row_with_the_conditions_not_met(world) -> None:
    grow(world, 60)
    report = page(world, "health_report", "otis")
    members = report.split('id="members-title"')[1].split('id="reciprocity-title"')[0]
    # Every member, none paged away: the report is printed whole.
    assert members.count('<tr><th scope="row">') == 60
    # The nine conditions numbered once; a new member with no evidence meets none of them.
    assert members.count("<li>") == 9
    assert "<li>Collaborating: Signed an agreement</li>" in members
    assert "<td>1, 2, 3, 4, 5, 6, 7, 8, 9</td>" in members
    assert 'class="placement"' not in members  # the depth page's sections are its own


def test_a_cached_chart_shows_changed_figures_at_once() -> None:
    """The rendered SVG is kept under a digest of the chart: new figures are a new key."""
    from django.template.loader import render_to_string

    from joinedup.lib.charts import Series, bar_chart

    def drawn(value: float) -> str:
        chart = bar_chart([("Trust", [value])], id="c", title="t", series=[Series("S", "s")])
        return render_to_string("charts/chart.html", {"chart": chart})

    assert "3.0" in drawn(3.0)
    assert drawn(3.0) == drawn(3.0)
    again = drawn(4.0)
    assert "4.0" in again and ">3.0<" not in again
