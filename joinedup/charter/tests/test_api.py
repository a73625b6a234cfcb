"""The Charter's API: the same rules and thresholds as the pages, and in the OpenAPI document."""

from __future__ import annotations

from types import SimpleNamespace

from joinedup.api import api
from joinedup.charter import actions
from joinedup.charter.tests.conftest import close, rate
from joinedup.conftest import api_for


def test_every_endpoint_is_documented() -> None:
    paths = api.get_openapi_schema()["paths"]
    for path in [
        "/api/v1/programmes/{pk}/charter",
        "/api/v1/programmes/{pk}/charter/signatures",
        "/api/v1/charter/signatures/{pk}/reaffirm",
        "/api/v1/charter/signatures/{pk}/withdraw",
        "/api/v1/programmes/{pk}/charter/framework",
        "/api/v1/programmes/{pk}/charter/self-assessments/mine",
        "/api/v1/programmes/{pk}/charter/organisations/{org_pk}/skills",
        "/api/v1/partnerships/{pk}/charter/evidence/{org_pk}",
        "/api/v1/partnerships/{pk}/charter/peer-view",
        "/api/v1/partnerships/{pk}/charter/peer-view/ratings",
        "/api/v1/partnerships/{pk}/charter/plans/{org_pk}",
        "/api/v1/partnerships/{pk}/charter",
        "/api/v1/partnerships/{pk}/charter/signatures",
    ]:
        assert path in paths, path


def test_signing_reaffirming_and_withdrawing(
    world: SimpleNamespace, charter: SimpleNamespace
) -> None:
    base = f"/api/v1/programmes/{world.programme.pk}/charter"
    assert api_for(world.olive).get(base).status_code == 404
    body = {"organisation_id": world.lead_org.pk, "board_informed": True}
    assert api_for(world.stan).post(f"{base}/signatures", body).status_code == 403
    assert (
        api_for(world.lena).post(f"{base}/signatures", {**body, "board_informed": 1}).status_code
        == 422
    )
    signed = api_for(world.lena).post(f"{base}/signatures", body)
    assert signed.status_code == 201, signed.content
    again = api_for(world.lena).post(f"{base}/signatures", body)
    assert again.status_code == 422 and "already signed" in again.json()["errors"][0]["message"]
    pk = signed.json()["id"]
    assert (
        api_for(world.stan)
        .post(f"/api/v1/charter/signatures/{pk}/withdraw", {"reason": "x"})
        .status_code
        == 403
    )
    assert (
        api_for(world.olive)
        .post(f"/api/v1/charter/signatures/{pk}/reaffirm", {"board_informed": True})
        .status_code
        == 404
    )
    gone = api_for(world.lena).post(
        f"/api/v1/charter/signatures/{pk}/withdraw", {"reason": "Closing."}
    )
    assert gone.status_code == 200 and gone.json()["withdrawn_reason"] == "Closing."
    listed = api_for(world.will).get(f"{base}/signatures").json()
    assert [s["withdrawn_reason"] for s in listed] == ["Closing."]


def test_self_assessments_are_your_own_and_aggregates_need_three(
    world: SimpleNamespace,
) -> None:
    base = f"/api/v1/programmes/{world.programme.pk}/charter"
    body = {"organisation_id": world.lead_org.pk, "answers": {"present": {"level": 2}}}
    assert api_for(world.stan).post(f"{base}/self-assessments/mine", body).status_code == 201
    assert api_for(world.lena).post(f"{base}/self-assessments/mine", body).status_code == 201
    assert (
        api_for(world.lena)
        .get(f"{base}/self-assessments/mine")
        .json()[0]["answers"]["present"]["level"]
        == 2
    )
    assert len(api_for(world.lena).get(f"{base}/self-assessments/mine").json()) == 1
    skills = f"{base}/organisations/{world.lead_org.pk}/skills"
    assert api_for(world.lena).get(skills).json() == {"people": 2, "rows": None}
    assert api_for(world.cora).get(skills).status_code == 404
    bad = api_for(world.stan).post(
        f"{base}/self-assessments/mine", {**body, "answers": {"present": {"level": 4}}}
    )
    assert bad.status_code == 422


def test_peer_view_answers_hold_the_threshold(
    world: SimpleNamespace, peers: SimpleNamespace
) -> None:
    url = f"/api/v1/partnerships/{world.partnership.pk}/charter/peer-view"
    rating = {
        "rater_org_id": world.core_org.pk,
        "rated_org_id": world.lead_org.pk,
        "scores": {"present": 2},
    }
    assert api_for(world.cora).post(f"{url}/ratings", rating).status_code == 204
    assert (
        api_for(world.cora)
        .post(f"{url}/ratings", {**rating, "rater_org_id": world.lead_org.pk})
        .status_code
        == 422
    )
    rate(peers, peers.mo, world.core_org, world.lead_org, 3)
    rate(peers, peers.dale, peers.drop_in, world.lead_org, 4)
    lena = api_for(world.lena).get(url).json()
    # Three raters from two organisations, but the peer view is open: nothing yet.
    assert (lena["open"], lena["results"], lena["distribution"]) == (True, [], None)
    assert lena["closes_on"] == peers.view.closes_on.isoformat()
    close(peers)
    lena = api_for(world.lena).get(url).json()
    assert lena["open"] is False and lena["closed_on"] == peers.view.closed_on().isoformat()
    present = next(r for r in lena["results"][0]["rows"] if r["key"] == "present")
    assert present["others"] == 3.0
    assert lena["distribution"] is not None
    assert api_for(world.cora).get(url).json()["distribution"] is None
    late = api_for(world.cora).post(f"{url}/ratings", rating)
    assert late.status_code == 422 and "no longer taken" in late.json()["errors"][0]["message"]
    evidence = api_for(world.lena).get(
        f"/api/v1/partnerships/{world.partnership.pk}/charter/evidence/{world.lead_org.pk}"
    )
    assert evidence.status_code == 200 and evidence.json()[0]["key"] == "attendance"
    assert (
        api_for(world.cora)
        .get(f"/api/v1/partnerships/{world.partnership.pk}/charter/evidence/{world.lead_org.pk}")
        .status_code
        == 404
    )


def test_officers_revise_the_charter_and_the_skills(world: SimpleNamespace) -> None:
    base = f"/api/v1/programmes/{world.programme.pk}/charter"
    assert api_for(world.lena).post(f"{base}/start", {}).status_code == 403
    started = api_for(world.otis).post(f"{base}/start", {})
    assert started.status_code == 201
    themes = started.json()["versions"][0]["themes"]
    themes[0]["title"] = "Working strategically"
    assert api_for(world.lena).put(f"{base}/draft", {"themes": themes}).status_code == 403
    assert (
        api_for(world.otis).put(f"{base}/draft", {"themes": [*themes[:1], {}]}).status_code == 422
    )
    assert api_for(world.otis).put(f"{base}/draft", {"themes": themes}).status_code == 200
    adopted = api_for(world.otis).post(f"{base}/draft/step", {"to": "adopted"})
    assert adopted.json()["versions"][0]["status"] == "adopted"
    assert adopted.json()["versions"][0]["themes"][0]["title"] == "Working strategically"
    assert api_for(world.otis).post(f"{base}/versions", {}).json()["versions"][0]["number"] == 2
    skills = api_for(world.otis).get(f"{base}/framework").json()["skills"][:10]
    edited = api_for(world.otis).put(f"{base}/framework", {"skills": skills})
    assert edited.status_code == 200 and len(edited.json()["skills"]) == 10
    assert api_for(world.lena).put(f"{base}/framework", {"skills": skills}).status_code == 403
    plan = f"/api/v1/partnerships/{world.partnership.pk}/charter/plans/{world.lead_org.pk}"
    item = {"subject": "present", "title": "Turn up", "support": "hub_event"}
    assert api_for(world.stan).post(plan, item).status_code == 403
    assert api_for(world.lena).post(plan, item).status_code == 201
    assert api_for(world.lena).get(plan).json()[0]["support"] == "hub_event"


def test_a_partnerships_own_charter_is_signed_reaffirmed_and_withdrawn(
    world: SimpleNamespace,
) -> None:
    base = f"/api/v1/partnerships/{world.partnership.pk}/charter"
    assert api_for(world.lena).get(base).status_code == 404  # it follows the programme's
    draft = actions.charter_start(by=world.lena, partnership=world.partnership)
    assert api_for(world.cora).get(base).json()["versions"][0]["status"] == "draft"
    body = {"organisation_id": world.lead_org.pk, "board_informed": False}
    assert api_for(world.lena).post(f"{base}/signatures", body).status_code == 404  # a draft
    actions.charter_advance(version=draft, by=world.lena, to="adopted")
    assert api_for(world.stan).post(f"{base}/signatures", body).status_code == 403  # staff
    assert api_for(world.olive).get(f"{base}/signatures").status_code == 404
    signed = api_for(world.lena).post(f"{base}/signatures", body)
    assert signed.status_code == 201, signed.content
    pk = signed.json()["id"]
    again = api_for(world.lena).post(
        f"/api/v1/charter/signatures/{pk}/reaffirm", {"board_informed": True}
    )
    assert again.status_code == 200 and again.json()["board_informed"] is True
    assert (
        api_for(world.stan)
        .post(f"/api/v1/charter/signatures/{pk}/withdraw", {"reason": "x"})
        .status_code
        == 403
    )
    no_reason = api_for(world.lena).post(f"/api/v1/charter/signatures/{pk}/withdraw", {})
    assert no_reason.status_code == 422
    gone = api_for(world.lena).post(
        f"/api/v1/charter/signatures/{pk}/withdraw", {"reason": "Our funding ended."}
    )
    assert gone.status_code == 200
    listed = api_for(world.will).get(f"{base}/signatures").json()
    assert [(s["organisation"], s["withdrawn_reason"]) for s in listed] == [
        ("Riverside Citizens Advice", "Our funding ended.")
    ]
