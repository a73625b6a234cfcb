"""The demo's partnerships have measurable outcomes: each with a measure and a target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from joinedup.demo import loader
from joinedup.partnerships.models import Partnership, validate_outcomes

SEEDS = Path(loader.__file__).parent / "data" / "seeds.json"


def test_every_seeded_outcome_has_a_measure_and_a_target() -> None:
    for partnership in json.loads(SEEDS.read_text("utf-8"))["partnerships"]:
        validate_outcomes(partnership["outcomes"])
        assert partnership["outcomes"], partnership["name"]
        assert all(o["measure"] and o["target"] for o in partnership["outcomes"])
        # The sources name the outcomes; the measures and targets were made up for the demo.
        assert partnership["outcome_measures_invented"] is True


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_loaded_partnerships_show_their_measures_and_targets() -> None:
    axis = Partnership.objects.get(name="Axis Youth Hub")
    first = axis.outcomes[0]
    assert first == {
        "title": "Young people in crisis given emergency or temporary accommodation",
        "measure": "Young people housed in the Hub's emergency or temporary beds",
        "target": "60 a year",
    }
    assert all(o["measure"] for p in Partnership.objects.all() for o in p.outcomes)
