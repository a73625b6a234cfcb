"""Agreements through the API, under the same rules as the pages."""

from __future__ import annotations

from types import SimpleNamespace

from joinedup.conftest import api_for, make_user

P = "/api/v1"


def test_draft_send_sign_and_refuse_to_edit_in_force(world: SimpleNamespace) -> None:
    lena = api_for(world.lena)
    created = lena.post(
        f"{P}/partnerships/{world.partnership.pk}/agreements",
        {"kind": "terms_of_reference", "title": "Terms", "sections": {"goal": "Together."}},
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["versions"][0]["status"] == "draft"
    assert (
        lena.put(f"{P}/agreements/{pk}/versions/1", {"goal": "Together, always."}).status_code
        == 200
    )
    assert (
        api_for(world.cora)
        .post(f"{P}/agreements/{pk}/versions/1/step", {"to": "signoff"})
        .status_code
        == 403
    )
    assert lena.post(f"{P}/agreements/{pk}/versions/1/step", {"to": "signoff"}).status_code == 200
    refused = api_for(world.cora).post(
        f"{P}/agreements/{pk}/versions/1/signatures",
        {"organisation_id": world.core_org.pk, "board_informed": True},
    )
    assert refused.status_code == 422
    assert "Only an admin or manager of Riverside Mind" in refused.json()["errors"][0]["message"]
    signers = [
        (world.lena, world.lead_org),
        (make_user("mo@riverside-mind.example", "Mo", world.core_org, "manager"), world.core_org),
        (make_user("wendy@hillside.example", "Wendy", world.wider_org, "manager"), world.wider_org),
    ]
    for user, organisation in signers:
        response = api_for(user).post(
            f"{P}/agreements/{pk}/versions/1/signatures",
            {"organisation_id": organisation.pk, "board_informed": True},
        )
        assert response.status_code == 201, response.json()
    agreement = api_for(world.will).get(f"{P}/agreements/{pk}").json()
    assert agreement["versions"][0]["status"] == "in_force"
    assert len(agreement["versions"][0]["signatures"]) == 3
    in_force = lena.put(f"{P}/agreements/{pk}/versions/1", {"goal": "Changed"})
    assert in_force.status_code == 422
    assert "in force cannot be edited" in in_force.json()["errors"][0]["message"]
    assert lena.post(f"{P}/agreements/{pk}/versions", {}).json()["number"] == 2


def test_unknown_sections_and_fields_are_refused(world: SimpleNamespace) -> None:
    response = api_for(world.lena).post(
        f"{P}/partnerships/{world.partnership.pk}/agreements",
        {"kind": "other", "title": "T", "sections": {"preamble": "x"}},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sections.preamble"
