"""Depth over the right window: the twelve months up to a partnership's end (or today while it
runs); members who joined within 90 days of the window's end are new, never in name only."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from joinedup.conftest import client_for, make_org
from joinedup.health.depth import Stage
from joinedup.health.evidence import gather
from joinedup.health.tests import activity
from joinedup.partnerships import actions as partnership_actions
from joinedup.partnerships.models import Level, Partnership

TODAY = timezone.localdate()


def _close(partnership: Partnership, days_ago: int) -> dt.date:
    end = TODAY - dt.timedelta(days=days_ago)
    Partnership.objects.filter(pk=partnership.pk).update(status="closed", end_on=end)
    partnership.refresh_from_db()
    return end


def test_a_closed_partnership_is_placed_over_its_last_year(world: SimpleNamespace) -> None:
    p, lead, core, wider = world.partnership, world.lead_org, world.core_org, world.wider_org
    # It ended 200 days ago. In its last year (565 to 200 days ago) the lead and the core
    # partner met twice and exchanged resources both ways; the wider partner came to nothing.
    # After the end, 100 days ago, only the wider partner turned up: that does not count.
    core_series = activity.series(p, "core")
    for days in (450, 400):
        activity.held(core_series, days, present=[lead, core])
    activity.exchange(p, lead, core, days_ago=420)
    activity.exchange(p, core, lead, days_ago=410)
    activity.held(activity.series(p, "wider"), 100, present=[wider], absent=[lead, core])
    end = _close(p, 200)
    ev = gather([p])[p.pk]
    assert ev.ended and ev.end == end and ev.start == end - dt.timedelta(days=365)
    placements = ev.placements()
    # Lead and core: 2 of 2 meetings, flows both ways, no position or agreement: cooperating.
    # Wider: no meeting of its tier in the window, nothing else: on paper, in name only.
    # Partnership: ranked (2, 2, 0), the second of three: cooperating.
    assert placements[lead.pk].stage == Stage.COOPERATING
    assert placements[core.pk].stage == Stage.COOPERATING
    assert placements[wider.pk].stage == Stage.ON_PAPER
    assert ev.stage == Stage.COOPERATING and set(ev.in_name_only()) == {wider.pk}
    assert ev.cadence == {}  # nothing is due once it has ended
    # Were the window today's, the same evidence would be over a year old: all on paper.
    Partnership.objects.filter(pk=p.pk).update(status="active", end_on=None)
    p.refresh_from_db()
    assert gather([p])[p.pk].stage == Stage.ON_PAPER
    _close(p, 200)
    body = client_for(world.otis).get(reverse("health_depth", args=[p.pk])).content.decode()
    assert "Closed" in body and "The partnership was <strong>cooperating</strong>" in body
    programme = client_for(world.otis).get(reverse("programme_health", args=[world.programme.pk]))
    assert f"Closed {end:%-d %b %Y}" in programme.content.decode()


def test_a_member_added_today_is_new_not_in_name_only(world: SimpleNamespace) -> None:
    p = world.partnership
    newcomer, older = make_org("Newcomer Trust"), make_org("Older Trust")
    for org, days in ((newcomer, 0), (older, 91)):
        partnership_actions.membership_add(
            by=None,
            partnership=p,
            organisation=org,
            role="wider",
            funded=False,
            levels=[Level.DELIVERY],
            joined_on=TODAY - dt.timedelta(days=days),
        )
    ev = gather([p])[p.pk]
    flagged = ev.in_name_only()
    # Joined today: new. Joined 91 days ago: past the 90 days, and it did nothing.
    assert ev.member(newcomer.pk).new and newcomer.pk not in flagged
    assert not ev.member(older.pk).new and older.pk in flagged
    body = client_for(world.cora).get(reverse("health_depth", args=[p.pk])).content.decode()
    assert "<strong>Newcomer Trust</strong> joined in the last 90 days" in body
    assert "Newcomer Trust: On paper (new)" in body
