"""The events API: the same rules as the pages."""

from __future__ import annotations

from joinedup.conftest import api_for
from joinedup.events import actions

API = "/api/v1"


def test_a_project_asks_and_votes_within_its_budget(hub_world):
    w = hub_world
    cora = api_for(w.cora)
    made = cora.post(
        f"{API}/hubs/{w.hub.pk}/topics", {"organisation_id": w.core_org.pk, "title": "Funding"}
    )
    assert made.status_code == 201 and made.json()["requesters"] == [w.core_org.pk]
    topics = [
        actions.request_topic(by=None, hub=w.hub, organisation=w.lead_org, title=f"T{i}")
        for i in range(actions.VOTE_BUDGET + 1)
    ]
    for t in topics[:-1]:
        assert (
            cora.post(f"{API}/topics/{t.pk}/votes", {"organisation_id": w.core_org.pk}).status_code
            == 201
        )
    over = cora.post(f"{API}/topics/{topics[-1].pk}/votes", {"organisation_id": w.core_org.pk})
    assert over.status_code == 422 and over.json()["errors"][0]["field"] == "organisation"
    # An organisation Cora does not act for cannot vote through her.
    other = cora.post(f"{API}/topics/{topics[-1].pk}/votes", {"organisation_id": w.lead_org.pk})
    assert other.status_code == 422


def test_feedback_is_aggregates_only_and_hidden_below_five(hub_world):
    w = hub_world
    body = api_for(w.will).get(f"{API}/events/{w.event.pk}/feedback").json()
    assert body["event"] == {"answers": 0, "shown": False, "mean": None, "counts": []}
    assert body["minimum"] == 5 and "texts" not in body["event"]


def test_only_those_who_run_the_event_read_its_registrations(hub_world):
    w = hub_world
    assert api_for(w.cora).get(f"{API}/events/{w.event.pk}/registrations").status_code == 403
    assert api_for(w.hana).get(f"{API}/events/{w.event.pk}/registrations").status_code == 200
    assert api_for(w.olive).get(f"{API}/events/{w.event.pk}/registrations").status_code == 404


def test_an_event_cannot_be_made_to_start_in_the_past(hub_world):
    w = hub_world
    made = api_for(w.hana).post(
        f"{API}/hubs/{w.hub.pk}/events",
        {"title": "Back", "starts_at": "2020-01-01T10:00:00Z", "ends_at": "2020-01-01T12:00:00Z"},
    )
    assert made.status_code == 422 and made.json()["errors"][0]["field"] == "starts_at"
