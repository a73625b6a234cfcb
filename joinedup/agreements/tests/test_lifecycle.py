"""An agreement's life: drafted, commented on, signed by every party, in force, superseded."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.agreements import actions, queries
from joinedup.agreements.models import AgreementVersion, VersionStatus
from joinedup.conftest import client_for, make_user
from joinedup.partnerships import actions as partnership_actions


@pytest.fixture
def terms(world: SimpleNamespace) -> Any:
    agreement = actions.agreement_create(
        by=world.lena,
        partnership=world.partnership,
        kind="terms_of_reference",
        title="Terms of reference",
        sections={"goal": "No one in Riverside faces a crisis alone."},
    )
    return agreement.versions.get()


@pytest.fixture
def managers(world: SimpleNamespace) -> SimpleNamespace:
    """A manager at the core and at the wider partner, who may sign for them."""
    return SimpleNamespace(
        core=make_user("mo@riverside-mind.example", "Mo Manager", world.core_org, "manager"),
        wider=make_user("wendy@hillside.example", "Wendy Manager", world.wider_org, "manager"),
    )


def sign_all(world: SimpleNamespace, managers: SimpleNamespace, version: Any) -> None:
    actions.sign(version=version, by=world.lena, organisation=world.lead_org, board_informed=True)
    actions.sign(
        version=version, by=managers.core, organisation=world.core_org, board_informed=True
    )
    actions.sign(
        version=version, by=managers.wider, organisation=world.wider_org, board_informed=False
    )


def test_it_comes_into_force_when_every_member_has_signed(
    world: SimpleNamespace, managers: Any, terms: Any
) -> None:
    actions.version_advance(version=terms, by=world.lena, to="comment")
    actions.comment_add(
        version=terms,
        by=world.will,
        organisation=world.wider_org,
        section="goal",
        text="Add 'and its valleys'.",
    )
    actions.version_advance(version=terms, by=world.lena, to="signoff")
    actions.sign(version=terms, by=world.lena, organisation=world.lead_org, board_informed=True)
    actions.sign(version=terms, by=managers.core, organisation=world.core_org, board_informed=True)
    assert AgreementVersion.objects.get(pk=terms.pk).status == VersionStatus.SIGNOFF
    actions.sign(
        version=terms, by=managers.wider, organisation=world.wider_org, board_informed=False
    )
    version = AgreementVersion.objects.get(pk=terms.pk)
    today = timezone.localdate()
    assert (version.status, version.in_force_on) == (VersionStatus.IN_FORCE, today)
    assert version.review_on is not None
    assert (version.review_on.year, version.review_on.month) == (today.year + 1, today.month)


def test_an_agreement_in_force_cannot_be_edited(
    world: SimpleNamespace, managers: Any, terms: Any
) -> None:
    actions.version_advance(version=terms, by=world.lena, to="signoff")
    sign_all(world, managers, terms)
    with pytest.raises(ValidationError, match="in force cannot be edited"):
        actions.version_edit(version=terms, by=world.lena, sections={"goal": "Changed"})
    response = client_for(world.lena).post(
        reverse("agreement_edit", args=[world.partnership.pk, terms.agreement_id, 1]),
        {"goal": "Changed"},
    )
    assert response.status_code == 422
    assert AgreementVersion.objects.get(pk=terms.pk).sections["goal"].startswith("No one")


def test_signing_needs_authority_at_the_organisation(world: SimpleNamespace, terms: Any) -> None:
    actions.version_advance(version=terms, by=world.lena, to="signoff")
    with pytest.raises(
        ValidationError, match="Only an admin or manager of Riverside Mind can sign"
    ):
        actions.sign(version=terms, by=world.cora, organisation=world.core_org, board_informed=True)
    with pytest.raises(ValidationError, match="Only an admin or manager of Riverside Mind"):
        actions.sign(version=terms, by=world.lena, organisation=world.core_org, board_informed=True)


def test_an_organisation_that_has_left_cannot_sign_or_comment(
    world: SimpleNamespace, managers: Any, terms: Any
) -> None:
    actions.version_advance(version=terms, by=world.lena, to="comment")
    partnership_actions.membership_end(
        by=world.lena,
        membership=world.wider_membership,
        left_on=timezone.localdate(),
        reason="Funding ended",
    )
    with pytest.raises(ValidationError, match="has left the partnership"):
        actions.comment_add(
            version=terms, by=world.will, organisation=world.wider_org, section="goal", text="x"
        )
    actions.version_advance(version=terms, by=world.lena, to="signoff")
    with pytest.raises(ValidationError, match="has left the partnership"):
        actions.sign(
            version=terms, by=managers.wider, organisation=world.wider_org, board_informed=True
        )
    # The parties are now the current members only: two signatures bring it into force.
    actions.sign(version=terms, by=world.lena, organisation=world.lead_org, board_informed=True)
    actions.sign(version=terms, by=managers.core, organisation=world.core_org, board_informed=True)
    assert AgreementVersion.objects.get(pk=terms.pk).status == VersionStatus.IN_FORCE


def test_nobody_signs_twice_or_out_of_turn(world: SimpleNamespace, terms: Any) -> None:
    with pytest.raises(ValidationError, match="while a version is out for sign-off"):
        actions.sign(version=terms, by=world.lena, organisation=world.lead_org, board_informed=True)
    actions.version_advance(version=terms, by=world.lena, to="signoff")
    actions.sign(version=terms, by=world.lena, organisation=world.lead_org, board_informed=True)
    with pytest.raises(ValidationError, match="already signed"):
        actions.sign(version=terms, by=world.lena, organisation=world.lead_org, board_informed=True)
    with pytest.raises(ValidationError, match="does not follow"):
        actions.version_advance(version=terms, by=world.lena, to="comment")


def test_a_new_version_supersedes_the_old_and_the_diff_shows_what_changed(
    world: SimpleNamespace, managers: Any, terms: Any
) -> None:
    actions.version_advance(version=terms, by=world.lena, to="signoff")
    sign_all(world, managers, terms)
    second = actions.version_new(agreement=terms.agreement, by=world.lena)
    with pytest.raises(ValidationError, match="already has a version in progress"):
        actions.version_new(agreement=terms.agreement, by=world.lena)
    actions.version_edit(
        version=second,
        by=world.lena,
        sections={"goal": "No one in Riverside or Hillside faces a crisis alone."},
    )
    actions.version_advance(version=second, by=world.lena, to="signoff")
    sign_all(world, managers, second)
    statuses = dict(terms.agreement.versions.values_list("number", "status"))
    assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.IN_FORCE}
    changes = queries.diff(
        AgreementVersion.objects.get(number=1), AgreementVersion.objects.get(number=2)
    )
    assert [(p.kind, p.text) for p in changes[0].pieces] == [
        ("same", "No one in Riverside"),
        ("added", "or Hillside"),
        ("same", "faces a crisis alone."),
    ]
    page = client_for(world.will).get(
        reverse("agreement_diff", args=[world.partnership.pk, terms.agreement_id])
    )
    assert "<ins>or Hillside</ins>" in page.content.decode()


def test_a_service_level_agreement_is_between_the_lead_and_one_partner(
    world: SimpleNamespace, managers: Any
) -> None:
    sla = actions.agreement_create(
        by=world.lena,
        partnership=world.partnership,
        kind="sla",
        title="SLA with Riverside Mind",
        counterparty=world.core_org,
    )
    version = sla.versions.get()
    assert [o.name for o in actions.parties(version)] == [
        "Riverside Citizens Advice",
        "Riverside Mind",
    ]
    url = reverse("agreement", args=[world.partnership.pk, sla.pk])
    assert client_for(world.cora).get(url).status_code == 200
    assert client_for(world.will).get(url).status_code == 404
    with pytest.raises(ValidationError, match="names the partner"):
        actions.agreement_create(
            by=world.lena, partnership=world.partnership, kind="sla", title="SLA"
        )


def test_pages_lead_through_drafting_comment_and_signing(
    world: SimpleNamespace, managers: Any
) -> None:
    lena = client_for(world.lena)
    response = lena.post(
        reverse("agreement_new", args=[world.partnership.pk]),
        {"kind": "terms_of_reference", "title": "Terms of reference", "goal": "Our goal."},
    )
    assert response.status_code == 302
    version = AgreementVersion.objects.get()
    base = [world.partnership.pk, version.agreement_id, 1]
    assert (
        client_for(world.cora).post(reverse("agreement_step", args=[*base, "comment"])).status_code
        == 403
    )
    assert lena.post(reverse("agreement_step", args=[*base, "comment"])).status_code == 302
    response = client_for(world.will).post(
        reverse("agreement_comment", args=base),
        {"organisation": world.wider_org.pk, "section": "goal", "text": "Name the valleys too."},
    )
    assert response.status_code == 302
    assert lena.post(reverse("agreement_step", args=[*base, "signoff"])).status_code == 302
    response = client_for(world.cora).post(
        reverse("agreement_sign", args=base), {"organisation": world.core_org.pk}
    )
    assert response.status_code == 422
    assert "Only an admin or manager" in response.content.decode()
    assert client_for(world.olive).get(reverse("agreement", args=base[:2])).status_code == 404


def test_bad_input_is_named(world: SimpleNamespace, terms: Any) -> None:
    lena = client_for(world.lena)
    response = lena.post(
        reverse("agreement_new", args=[world.partnership.pk]), {"kind": "sla", "title": ""}
    )
    assert response.status_code == 422
    assert {"title", "counterparty"} <= set(response.context["form"].errors)
    bad = lena.get(
        reverse("agreement_diff", args=[world.partnership.pk, terms.agreement_id]),
        {"from": "x", "to": "9"},
    )
    assert bad.status_code == 422
    step = lena.post(
        reverse("agreement_step", args=[world.partnership.pk, terms.agreement_id, 1, "teleport"])
    )
    assert step.status_code == 422


def test_a_version_downloads_as_one_self_contained_page(
    world: SimpleNamespace, managers: Any, terms: Any
) -> None:
    actions.version_advance(version=terms, by=world.lena, to="signoff")
    sign_all(world, managers, terms)
    url = reverse("agreement_download", args=[world.partnership.pk, terms.agreement_id, 1])
    response = client_for(world.will).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="terms-of-reference-v1.html"'
    page = response.content.decode()
    assert "No one in Riverside faces a crisis alone." in page
    assert "Mo Manager" in page and "<style>" in page
    assert 'src="' not in page and 'rel="stylesheet"' not in page  # nothing to fetch
    assert client_for(world.olive).get(url).status_code == 404
