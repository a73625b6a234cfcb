"""The API's computed figures agree with the pages and keep to the same rules."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from joinedup.conftest import api_for
from joinedup.health.tests import activity

PARTNERSHIP_ENDPOINTS = ["depth", "flags", "reciprocity", "network", "gaps"]


@pytest.fixture
def busy(world: SimpleNamespace) -> SimpleNamespace:
    return activity.busy(world)


@pytest.mark.parametrize("character", ["lena", "stan", "cora", "will", "otis"])
def test_members_and_the_officer_read_every_figure_and_the_outsider_none(
    world: SimpleNamespace, character: str
) -> None:
    p = world.partnership.pk
    for name in PARTNERSHIP_ENDPOINTS:
        path = f"/api/v1/partnerships/{p}/{name}"
        assert api_for(getattr(world, character)).get(path).status_code == 200, name
        assert api_for(world.olive).get(path).status_code == 404, name
    assert (
        api_for(world.olive).get(f"/api/v1/programmes/{world.programme.pk}/health").status_code
        == 404
    )


def test_depth_and_flags_come_with_their_evidence(busy: SimpleNamespace) -> None:
    api = api_for(busy.otis)
    p = busy.partnership.pk
    depth = api.get(f"/api/v1/partnerships/{p}/depth").json()
    assert depth["stage"] == "collaborating"
    assert depth["counts"] == {
        "on_paper": 1,
        "networking": 0,
        "cooperating": 0,
        "collaborating": 2,
        "integrated": 0,
    }
    wider = next(m for m in depth["members"] if m["organisation_id"] == busy.wider_org.pk)
    assert wider["stage"] == "on_paper"
    assert wider["in_name_only"][0] == "Attended none of the last 1 meetings of its tier"
    assert {"stage": "networking", "text": wider["criteria"][0]["text"], "met": False} in (
        wider["criteria"]
    )
    flags = api.get(f"/api/v1/partnerships/{p}/flags").json()
    assert [f["organisation_id"] for f in flags["in_name_only"]] == [busy.wider_org.pk]
    assert flags["one_way"] == []


def test_reciprocity_and_the_network_in_numbers(busy: SimpleNamespace) -> None:
    api = api_for(busy.cora)
    p = busy.partnership.pk
    rows = {
        r["organisation_id"]: r for r in api.get(f"/api/v1/partnerships/{p}/reciprocity").json()
    }
    lead = rows[busy.lead_org.pk]
    assert (lead["resources_given"], lead["resources_received"], lead["hours_given"]) == (2, 1, 3.0)
    assert lead["index"] == pytest.approx(2 / 3)
    assert rows[busy.wider_org.pk]["index"] is None
    net = api.get(f"/api/v1/partnerships/{p}/network").json()
    assert net["metrics"]["isolates"] == [busy.wider_org.pk]
    assert net["metrics"]["density"] == pytest.approx(1 / 3, abs=1e-4)  # one tie of three
    assert net["ties"] == [
        {
            "a": min(busy.lead_org.pk, busy.core_org.pk),
            "b": max(busy.lead_org.pk, busy.core_org.pk),
            "referrals": 0,
            "resources": 3,
            "decisions": 1,  # the core partner agreed to the lead's proposal
            "meetings": 0,  # the meetings layer was not asked for
            "levels": 7,
            "weight": 11,
        }
    ]
    assert net["meetings"] == []


def test_the_programme_view_filters_and_refuses_a_bad_query_naming_the_field(
    busy: SimpleNamespace,
) -> None:
    api = api_for(busy.otis)
    path = f"/api/v1/programmes/{busy.programme.pk}/health"
    rows = api.get(path).json()
    assert [r["name"] for r in rows] == ["Riverside Crisis Partnership"]
    assert rows[0]["stage"] == "collaborating" and rows[0]["band"] == "strength"
    assert rows[0]["in_name_only"] == 1
    assert api.get(path, stage="integrated").json() == []
    for field, value in (("sort", "colour"), ("stage", "deep"), ("hub", "999999"), ("order", "x")):
        response = api.get(path, **{field: value})
        assert response.status_code == 422, field
        assert [e["field"] for e in response.json()["errors"]] == [field]
