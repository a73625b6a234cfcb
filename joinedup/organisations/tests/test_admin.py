"""The site administrator is not a back door: a superuser cannot add anyone to an organisation
in the Django admin, cannot delete its people's or a partnership's history there, and every
change made there is in the audit log."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import User
from joinedup.audit.models import AuditEvent
from joinedup.partnerships.models import Affiliation, Membership


@pytest.fixture
def root(world: SimpleNamespace) -> Client:
    user = User.objects.create_superuser("root@example.org", "a-long-test-password", name="Root")
    client = Client()
    client.force_login(user)
    return client


def _organisation_form(world: SimpleNamespace, **extra: str) -> dict[str, str]:
    """Elsewhere Trust's change form as the admin posts it: Olive is its one person."""
    org = world.outside_org
    olive = world.olive.affiliations.get()
    return {
        "affiliations-TOTAL_FORMS": "1",
        "affiliations-INITIAL_FORMS": "1",
        "affiliations-0-id": str(olive.pk),
        "affiliations-0-organisation": str(org.pk),
        "past_affiliations-TOTAL_FORMS": "0",
        "past_affiliations-INITIAL_FORMS": "0",
        "name": org.name,
        "sector": org.sector,
        "size": "",
        "specialisms": "[]",
        "areas": "[]",
        "communities": "[]",
        "website": "",
        "description": "Edited in the admin",
        "charity_number": "",
        "company_number": "",
        "added_by": "",
        **extra,
    }


def test_a_superuser_cannot_add_anyone_to_an_organisation_in_the_admin(
    world: SimpleNamespace, root: Client
) -> None:
    url = reverse("admin:partnerships_organisation_change", args=[world.outside_org.pk])
    page = root.get(url).content.decode()
    assert 'name="affiliations-0-role"' not in page  # shown, not editable
    # A hand-made inline row, as if the form had one, is not saved.
    root.post(
        url,
        _organisation_form(
            world,
            **{
                "affiliations-TOTAL_FORMS": "2",
                "affiliations-1-user": str(world.lena.pk),
                "affiliations-1-role": "admin",
                "affiliations-1-organisation": str(world.outside_org.pk),
            },
        ),
    )
    assert not Affiliation.objects.filter(user=world.lena, organisation=world.outside_org).exists()


def test_every_admin_change_is_in_the_audit_log(world: SimpleNamespace, root: Client) -> None:
    url = reverse("admin:partnerships_organisation_change", args=[world.outside_org.pk])
    response = root.post(url, _organisation_form(world))
    assert response.status_code == 302, response.content.decode()[-3000:]
    event = AuditEvent.objects.filter(action="admin.change").get()
    assert event.object_type == "partnerships.organisation"
    assert event.object_id == str(world.outside_org.pk)
    assert event.actor is not None and event.actor.email == "root@example.org"


def test_history_cannot_be_deleted_in_the_admin(world: SimpleNamespace, root: Client) -> None:
    for name, pk in [
        ("partnerships_partnership", world.partnership.pk),
        ("partnerships_organisation", world.lead_org.pk),
    ]:
        assert root.get(reverse(f"admin:{name}_delete", args=[pk])).status_code == 403
    page = root.get(
        reverse("admin:partnerships_partnership_change", args=[world.partnership.pk])
    ).content.decode()
    assert "memberships-0-DELETE" not in page
    assert Membership.objects.filter(partnership=world.partnership).count() == 3
    changelist = root.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "delete_selected" not in changelist  # one at a time, each audited
