"""The Charter adopted in the world's programme, and a third member organisation so that a
peer view can reach three raters from two organisations."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.charter import actions
from joinedup.conftest import add_member, make_org, make_user
from joinedup.partnerships.models import MemberRole


@pytest.fixture
def charter(world: SimpleNamespace) -> SimpleNamespace:
    c = SimpleNamespace()
    draft = actions.charter_start(by=world.otis, programme=world.programme)
    c.version = actions.charter_advance(version=draft, by=world.otis, to="adopted")
    return c


@pytest.fixture
def peers(world: SimpleNamespace, charter: SimpleNamespace) -> SimpleNamespace:
    """A fourth member, Dale's Drop-in; a peer view open; one rater in each organisation."""
    p = SimpleNamespace()
    p.drop_in = make_org("Dale Drop-in")
    add_member(world.partnership, p.drop_in, MemberRole.WIDER)
    p.dale = make_user("dale@dropin.example", "Dale Drop", p.drop_in)
    p.mo = make_user("mo@riverside-mind.example", "Mo Mind", world.core_org)
    p.view = actions.peer_view_open(
        partnership=world.partnership, by=world.lena, version=charter.version, year=2026
    )
    return p


def rate(peers: Any, by: Any, rater_org: Any, rated_org: Any, score: int | None) -> None:
    actions.peer_rate(
        peer_view=peers.view,
        by=by,
        rater_org=rater_org,
        rated_org=rated_org,
        scores={"present": score, "honest": score},
        comment=f"comment by {by}",
    )


def close(peers: Any) -> None:
    """The lead closes the peer view: its results show from now."""
    peers.view = actions.peer_view_close(peer_view=peers.view, by=None)
