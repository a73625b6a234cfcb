"""Learning fixtures on top of the named test characters (joinedup/conftest.py):

Eve, evaluator   evaluates the programme (not an officer, not a member)
Ezra, evaluator  a second coder, for agreement
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from joinedup.conftest import make_user
from joinedup.learning import actions
from joinedup.learning.sources import SourceText
from joinedup.partnerships import actions as partnership_actions


@pytest.fixture
def learning(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    w.eve = make_user("eve@evaluators.example", "Eve Evaluator")
    w.ezra = make_user("ezra@evaluators.example", "Ezra Evaluator")
    actions.evaluator_add(by=None, programme=w.programme, user=w.eve)
    actions.evaluator_add(by=None, programme=w.programme, user=w.ezra)
    w.framework = actions.framework_revise(
        by=None,
        programme=w.programme,
        codes=actions.parse_outline(
            "# Working together\nTrust: relying on each other\nCommunication\n"
            "# Capacity\nStaff turnover and capacity: people leaving"
        ),
    )
    w.trust, w.comms, w.turnover = (
        w.framework.themes.get(name=n)
        for n in ("Trust", "Communication", "Staff turnover and capacity")
    )
    w.second = partnership_actions.partnership_create(
        by=None,
        name="Hillside Families",
        shared_goal="Families in Hillside get help early.",
        lead=w.wider_org,
        start_on=dt.date(2024, 4, 1),
        programme=w.programme,
    )
    w.interview = actions.source_take(
        by=w.eve,
        programme=w.programme,
        text=SourceText(
            kind="document",
            key="interview-1",
            title="Interview with the lead",
            # NFD accents and CRLF newlines: the copy is NFC with \n.
            text="We trust each other now 🤝.\r\nThe cafe\u0301 meetings helped communication.\r\n"
            "Staff turnover hurt: two coordinators left.",
            written_at=timezone.now() - dt.timedelta(days=3),
            partnership_id=w.partnership.pk,
        ),
    )
    return w


def code(w: Any, who: Any, passage: str, theme: Any, source: Any = None) -> Any:
    source = source or w.interview
    start = source.text.index(passage)
    return actions.highlight_create(
        by=who, source=source, theme=theme, start=start, end=start + len(passage)
    )
