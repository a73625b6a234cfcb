"""Closing the loop: the next event's suggested topics."""

from __future__ import annotations

import sys
import types

from django.urls import reverse

from joinedup.conftest import client_for
from joinedup.events.suggestions import suggested_topics
from joinedup.health.tests.test_anonymity import _answered


def test_the_health_checks_weak_factors_and_the_most_evidenced_themes_are_suggested(
    hub_world, monkeypatch
):
    w = hub_world
    assert suggested_topics(w.hub) == []  # no closed round, no coding yet
    _answered(w)  # every factor 3.7 across the hub's one partnership: borderline
    found = suggested_topics(w.hub)
    assert len(found) == 3 and {s.source for s in found} == {"health"}
    assert found[0].why == "Health check: 3.7 of 5 across 1 partnership"
    # When the coding module offers its most-evidenced themes, they come first.
    module = types.ModuleType("joinedup.learning.queries")
    module.most_evidenced_themes = lambda programme, limit: [("Trust", 7)]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "joinedup.learning.queries", module)
    first = suggested_topics(w.hub)[0]
    assert (first.title, first.why) == (
        "Trust",
        "Learning coded to the framework: 7 passages of evidence",
    )
    page = client_for(w.hana).get(reverse("hub_learning", args=[w.hub.pk])).content.decode()
    assert "Suggested topics for the next event" in page and "7 passages of evidence" in page
    # Projects do not see the coordinator's suggestions.
    assert (
        "Suggested topics"
        not in client_for(w.cora).get(reverse("hub_learning", args=[w.hub.pk])).content.decode()
    )
