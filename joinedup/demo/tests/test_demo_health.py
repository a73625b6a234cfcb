"""The demo's partnership health: one healthy partnership and one divided."""

from __future__ import annotations

import pytest

from joinedup.health import queries
from joinedup.health.models import Round, RoundStatus
from joinedup.health.scoring import Band
from joinedup.partnerships.models import MemberRole, Partnership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _latest_closed(name: str) -> Round:
    return Round.objects.filter(partnership__name=name, status=RoundStatus.CLOSED).latest(
        "opened_on"
    )


def test_the_divided_partnership_shows_the_lead_and_the_wider_partners_apart() -> None:
    axis = Partnership.objects.get(name="Axis Youth Hub")
    results = queries.results(_latest_closed("Axis Youth Hub"))
    lead = axis.memberships.current().get(role=MemberRole.LEAD).organisation_id
    divided = results.scores.divided
    assert {"power", "decisions"} <= {f.code for f in divided}
    for f in divided:
        assert f.highest is not None and f.by_organisation[lead] == f.highest[1]  # lead: best
    assert axis.health_rounds.filter(status=RoundStatus.OPEN).exists()  # one open now
    ratings = queries.ratings_view(axis).ratings
    assert ratings.asymmetric  # wider partners say 1 where the lead says 3


def test_the_healthy_partnership_is_strong_and_improving() -> None:
    results = queries.results(_latest_closed("Rossendale Crisis Support"))
    bands = [f.band for f in results.scores.factors]
    assert bands.count(Band.STRENGTH) >= 8 and Band.CONCERN not in bands
    assert results.previous is not None
    assert all(change is not None and change > 0 for change in results.change.values())
    assert not results.scores.divided
