"""The meetings and decisions API: what it returns and refuses, for the named characters."""

from __future__ import annotations

from types import SimpleNamespace

from joinedup.conftest import api_for, make_user
from joinedup.decisions.models import Position
from joinedup.meetings.models import Attendance
from joinedup.meetings.tests.helpers import days_from_today, meetings_world

V = "/api/v1"


def test_series_list_carries_cadence_and_hides_the_core_tier_from_wider_partners(
    world: SimpleNamespace,
) -> None:
    m = meetings_world(world)
    url = f"{V}/partnerships/{world.partnership.pk}/series"
    lead = api_for(world.lena).get(url).json()
    assert {s["title"] for s in lead} == {"Core partners", "Wider partners"}
    core = next(s for s in lead if s["tier"] == "core")
    assert core["cadence"]["last_held"] == m.past.starts_at.date().isoformat()
    assert core["cadence"]["overdue"] is False
    assert set(core["invited_organisation_ids"]) == {world.lead_org.pk, world.core_org.pk}
    assert [s["title"] for s in api_for(world.will).get(url).json()] == ["Wider partners"]
    assert api_for(world.will).get(f"{V}/series/{m.core.pk}").status_code == 404


def test_scheduling_attendance_and_actions_through_the_api(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    lena = api_for(world.lena)
    created = lena.post(
        f"{V}/series/{m.core.pk}/meetings",
        {
            "starts_at": "2030-01-01T12:00:00Z",
            "ends_at": "2030-01-01T10:00:00Z",
            "purpose": "delivery",
            "place": "Hall",
        },
    )
    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "ends_at"
    assert (
        lena.post(
            f"{V}/series/{m.core.pk}/meetings",
            {"starts_at": "2030-01-01T10:00:00", "ends_at": "2030-01-01T12:00:00Z", "purpose": "x"},
        ).status_code
        == 422
    )  # a naive time and an unknown purpose
    url = f"{V}/meetings/{m.past.pk}/attendance"
    body = {"organisation_id": world.core_org.pk, "presence": "present"}
    refused = lena.post(url, body)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "person_name"
    assert lena.post(url, {**body, "person_name": "Cora Core"}).status_code == 200
    assert Attendance.objects.get().person_name == "Cora Core"
    assert api_for(world.cora).post(url, {**body, "person_name": "Me"}).status_code == 403
    actions_url = f"{V}/meetings/{m.next.pk}/actions"
    carried = api_for(world.cora).get(actions_url).json()
    assert [a["description"] for a in carried] == ["Share the referral form"]
    done = api_for(world.cora).post(f"{V}/actions/{m.action.pk}/status", {"status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert api_for(world.cora).get(actions_url).json() == []


def test_concerns_through_the_api(world: SimpleNamespace) -> None:
    m = meetings_world(world)
    url = f"{V}/partnerships/{world.partnership.pk}/concerns"
    assert [c["title"] for c in api_for(world.cora).get(url).json()] == [m.concern.title]
    assert api_for(world.will).get(url).json() == []  # it went to the lead only
    raised = api_for(world.will).post(
        url,
        {"organisation_id": world.wider_org.pk, "audience": "all", "title": "T", "text": "x"},
    )
    assert raised.status_code == 201
    assert len(api_for(world.cora).get(url).json()) == 2
    answer = f"{V}/concerns/{m.concern.pk}/answer"
    assert api_for(world.cora).post(answer, {"status": "resolved"}).status_code == 403
    refused = api_for(world.lena).post(answer, {"status": "resolved"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "note"
    assert (
        api_for(world.lena).post(answer, {"status": "resolved", "note": "Fixed"}).json()["status"]
        == "resolved"
    )


def test_proposals_and_positions_through_the_api(world: SimpleNamespace) -> None:
    from joinedup.decisions.actions import lead_time_set

    lead_time_set(by=None, organisation=world.core_org, days=30)
    url = f"{V}/partnerships/{world.partnership.pk}/proposals"
    body = {
        "organisation_id": world.core_org.pk,
        "title": "Saturdays",
        "question": "Open on Saturdays?",
        "kind": "consensus",
        "deciders": "core",
        "closes_on": days_from_today(10).isoformat(),
    }
    cora = api_for(world.cora)
    refused = cora.post(url, body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "closes_on"
    assert "Riverside Mind needs 30 days" in refused.json()["errors"][0]["message"]
    created = cora.post(url, {**body, "closes_on": days_from_today(30).isoformat()})
    assert created.status_code == 201
    positions = f"{V}/proposals/{created.json()['id']}/positions"
    no_reason = cora.post(positions, {"organisation_id": world.core_org.pk, "stance": "block"})
    assert no_reason.status_code == 422
    assert (
        cora.post(positions, {"organisation_id": world.core_org.pk, "stance": "agree"}).status_code
        == 201
    )
    assert (
        cora.post(
            positions,
            {"organisation_id": world.core_org.pk, "stance": "disagree", "reason": "Staffing"},
        ).status_code
        == 201
    )
    listed = cora.get(positions).json()
    assert [(p["stance"], p["current"]) for p in listed] == [("agree", False), ("disagree", True)]
    stan = api_for(world.stan)
    denied = stan.post(positions, {"organisation_id": world.lead_org.pk, "stance": "agree"})
    assert denied.status_code == 422 and "Only an admin or manager" in denied.text
    wendy = make_user("wendy@hillside.example", "Wendy", world.wider_org, "manager")
    outside = api_for(wendy).post(
        positions, {"organisation_id": world.wider_org.pk, "stance": "agree"}
    )
    assert outside.status_code == 422  # the wider partner does not decide this one
    assert Position.objects.count() == 2
