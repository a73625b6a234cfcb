"""The must-dos checklist and the yearly review of agreements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.agreements import actions, mustdos
from joinedup.agreements.models import AgreementVersion
from joinedup.conftest import add_member, client_for, make_org
from joinedup.partnerships.tests.test_query_budget import terms_in_force


def item(partnership: Any, key: str) -> mustdos.MustDo:
    return next(i for i in mustdos.checklist(partnership).items if i.key == key)


def test_terms_signed_by_every_member_tick_their_must_do_until_someone_new_joins(
    world: SimpleNamespace,
) -> None:
    assert not item(world.partnership, "terms").done
    terms_in_force(world)
    terms = item(world.partnership, "terms")
    assert terms.done and "signed by every current member" in (terms.evidence or "")
    assert item(world.partnership, "goals").done  # the terms set out the shared goal
    assert item(world.partnership, "boards").done  # every signatory told its board
    assert not item(world.partnership, "decisions").done  # that section is still empty
    add_member(world.partnership, make_org("Newcomer"))
    assert not item(world.partnership, "terms").done


def test_the_lead_attests_what_the_app_cannot_see(world: SimpleNamespace) -> None:
    url = reverse("must_dos", args=[world.partnership.pk])
    assert client_for(world.cora).post(url, {"item": "trust", "note": "x"}).status_code == 403
    response = client_for(world.lena).post(url, {"item": "trust", "note": "Two away days in 2025."})
    assert response.status_code == 302
    assert item(world.partnership, "trust").done
    response = client_for(world.lena).post(url, {"item": "terms", "note": "Trust me"})
    assert response.status_code == 422  # ticked from evidence only
    with pytest.raises(ValidationError, match="ticked from evidence"):
        actions.attest(partnership=world.partnership, by=world.lena, item="terms", note="x")
    page = client_for(world.will).get(url).content.decode()
    assert "Two away days in 2025." in page


def test_an_overdue_review_is_flagged_until_the_lead_reviews_it(world: SimpleNamespace) -> None:
    terms_in_force(world)
    version = AgreementVersion.objects.get()
    AgreementVersion.objects.filter(pk=version.pk).update(
        review_on=timezone.localdate() - dt.timedelta(days=3)
    )
    page = (
        client_for(world.cora)
        .get(reverse("partnership", args=[world.partnership.pk]))
        .content.decode()
    )
    assert "overdue for review" in page
    assert "overdue for review" in client_for(world.lena).get(reverse("home")).content.decode()
    assert not item(world.partnership, "review").done

    review = reverse("agreement_review", args=[world.partnership.pk, version.agreement_id, 1])
    assert client_for(world.cora).post(review, {"outcome": "no_change"}).status_code == 403
    response = client_for(world.lena).post(
        review,
        {
            "organisation": world.core_org.pk,
            "note": "Happy with the terms; wants quarterly one-to-ones.",
        },
    )
    assert response.status_code == 302
    assert version.review_notes.get().organisation == world.core_org
    assert client_for(world.lena).post(review, {"outcome": "no_change"}).status_code == 302
    reviewed = AgreementVersion.objects.get(pk=version.pk)
    assert (
        reviewed.review_on is not None
        and reviewed.review_on > timezone.localdate() + dt.timedelta(days=360)
    )
    assert item(world.partnership, "review").done
    assert "overdue for review" not in client_for(world.lena).get(reverse("home")).content.decode()


def test_a_consultation_note_needs_words_and_a_version_in_force(world: SimpleNamespace) -> None:
    agreement = actions.agreement_create(
        by=world.lena, partnership=world.partnership, kind="other", title="Draft"
    )
    review = reverse("agreement_review", args=[world.partnership.pk, agreement.pk, 1])
    response = client_for(world.lena).post(
        review, {"organisation": world.core_org.pk, "note": "Fine"}
    )
    assert response.status_code == 422
    assert "Only an agreement in force is reviewed." in response.content.decode()


def test_naming_every_members_hours_ticks_the_resources_must_do(world: SimpleNamespace) -> None:
    from joinedup.partnerships import actions as partnership_actions

    assert not item(world.partnership, "resources").done
    url = reverse("member_change", args=[world.partnership.pk, world.core_membership.pk])
    response = client_for(world.lena).post(
        url, {"role": "core", "funded": "on", "committed_hours": "12"}
    )
    assert response.status_code == 302
    for membership in (world.lead_membership, world.wider_membership):
        partnership_actions.membership_change(
            membership=membership, by=world.lena, committed_hours=Decimal(4)
        )
    assert item(world.partnership, "resources").done


def test_the_leads_home_warns_of_a_review_due_soon(world: SimpleNamespace) -> None:
    terms_in_force(world)
    AgreementVersion.objects.update(review_on=timezone.localdate() + dt.timedelta(days=10))
    assert "due for review soon" in client_for(world.lena).get(reverse("home")).content.decode()
