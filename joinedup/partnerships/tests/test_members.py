"""The lead manages members: adding, changing, handing over the lead, recording leaving."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from joinedup.audit.models import AuditEvent
from joinedup.conftest import client_for, make_org
from joinedup.partnerships import actions
from joinedup.partnerships.models import MemberRole, Membership, Organisation


def manage_url(w: SimpleNamespace) -> str:
    return reverse("members_manage", args=[w.partnership.pk])


def test_the_lead_adds_an_existing_organisation_as_a_wider_partner(world: SimpleNamespace) -> None:
    newcomer = make_org("Riverside Foodbank Network", by=world.lena)
    response = client_for(world.lena).post(
        manage_url(world),
        {
            "organisation": newcomer.pk,
            "role": "wider",
            "levels": ["delivery"],
            "joined_on": "2025-02-01",
        },
    )
    assert response.status_code == 302
    membership = world.partnership.memberships.current().get(organisation=newcomer)
    assert (membership.role, membership.funded, membership.levels) == ("wider", False, ["delivery"])
    assert membership.joined_on == dt.date(2025, 2, 1)
    event = AuditEvent.objects.filter(action="membership.add", object_id=str(membership.pk)).get()
    assert (event.actor, event.partnership, event.after["role"]) == (
        world.lena,
        world.partnership,
        "wider",
    )


def test_the_lead_adds_a_new_organisation_by_name(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(
        manage_url(world),
        {
            "new_name": "Valley Credit Union",
            "new_sector": "social_enterprise",
            "role": "core",
            "funded": "on",
            "joined_on": "2025-02-01",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Valley Credit Union")
    assert world.partnership.memberships.current().get(organisation=organisation).role == "core"


def test_with_htmx_the_members_panel_comes_back_updated(world: SimpleNamespace) -> None:
    newcomer = make_org("Riverside Foodbank Network", by=world.lena)
    response = client_for(world.lena).post(
        manage_url(world),
        {"organisation": newcomer.pk, "role": "wider", "joined_on": "2025-02-01"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="members-panel">')
    assert "Riverside Foodbank Network added." in body
    assert "<html" not in body


def test_a_bad_add_form_is_refused_with_422_naming_the_field(world: SimpleNamespace) -> None:
    client = client_for(world.lena)
    response = client.post(manage_url(world), {"role": "wider", "joined_on": "not a date"})
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"organisation", "joined_on"}
    # Naming a new organisation without its sector names the sector.
    response = client.post(
        manage_url(world), {"new_name": "X", "role": "wider", "joined_on": "2025-01-01"}
    )
    assert set(response.context["form"].errors) == {"new_sector"}
    # A wider partner cannot be funded.
    newcomer = make_org("Newcomer", by=world.lena)
    response = client.post(
        manage_url(world),
        {"organisation": newcomer.pk, "role": "wider", "funded": "on", "joined_on": "2025-01-01"},
    )
    assert response.status_code == 422
    assert "funded" in response.context["form"].errors
    assert not Membership.objects.filter(organisation=newcomer).exists()


def test_a_failed_add_of_a_new_organisation_leaves_nothing_behind(world: SimpleNamespace) -> None:
    before = Organisation.objects.count()
    response = client_for(world.lena).post(
        manage_url(world),
        {
            "new_name": "Half Made",
            "new_sector": "voluntary",
            "role": "wider",
            "funded": "on",
            "joined_on": "2025-02-01",
        },
    )
    assert response.status_code == 422
    assert Organisation.objects.count() == before


def test_an_organisation_already_in_cannot_be_added_again(world: SimpleNamespace) -> None:
    with pytest.raises(Exception, match="already a current member"):
        actions.membership_add(
            by=None, partnership=world.partnership, organisation=world.core_org, role="wider"
        )


def test_the_database_holds_one_current_lead_per_partnership(world: SimpleNamespace) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            partnership=world.partnership,
            organisation=make_org("Usurper"),
            role=MemberRole.LEAD,
            joined_on=dt.date(2025, 1, 1),
        )


def test_the_database_refuses_leaving_before_joining_and_funded_wider_partners(
    world: SimpleNamespace,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=world.wider_membership.pk).update(left_on=dt.date(2000, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=world.wider_membership.pk).update(funded=True)


def test_making_a_member_the_lead_hands_the_lead_over(world: SimpleNamespace) -> None:
    url = reverse("member_change", args=[world.partnership.pk, world.core_membership.pk])
    response = client_for(world.lena).post(
        url, {"role": "lead", "funded": "on", "levels": ["strategic"]}
    )
    assert response.status_code == 302
    roles = dict(world.partnership.memberships.current().values_list("organisation__name", "role"))
    assert roles == {
        "Riverside Mind": "lead",
        "Riverside Citizens Advice": "core",
        "Hillside Food Bank": "wider",
    }


def test_the_lead_cannot_be_demoted_without_a_new_lead(world: SimpleNamespace) -> None:
    url = reverse("member_change", args=[world.partnership.pk, world.lead_membership.pk])
    response = client_for(world.lena).post(url, {"role": "core", "funded": "on"})
    assert response.status_code == 422
    assert "role" in response.context["form"].errors
    assert world.partnership.memberships.current().get(role="lead") == world.lead_membership


def test_recording_leaving_keeps_the_history_and_the_reason(world: SimpleNamespace) -> None:
    url = reverse("member_leave", args=[world.partnership.pk, world.wider_membership.pk])
    client = client_for(world.lena)
    leaving = {"left_on": "2025-03-31", "reason": "Its funding ended."}
    asked = client.post(url, leaving)  # a leaving cannot be undone: it is confirmed first
    assert asked.status_code == 200 and "This cannot be undone." in asked.content.decode()
    assert Membership.objects.get(pk=world.wider_membership.pk).is_current
    response = client.post(url, {**leaving, "confirmed": "yes"})
    assert response.status_code == 302
    membership = Membership.objects.get(pk=world.wider_membership.pk)
    assert (membership.left_on, membership.leaving_reason) == (
        dt.date(2025, 3, 31),
        "Its funding ended.",
    )
    history = client.get(
        reverse("partnership_history", args=[world.partnership.pk])
    ).content.decode()
    assert "Its funding ended." in history
    assert "Hillside Food Bank" in history


def test_leaving_needs_a_reason_and_a_date_after_joining(world: SimpleNamespace) -> None:
    url = reverse("member_leave", args=[world.partnership.pk, world.wider_membership.pk])
    client = client_for(world.lena)
    response = client.post(url, {"left_on": "2025-03-31", "reason": ""})
    assert response.status_code == 422 and "reason" in response.context["form"].errors
    response = client.post(url, {"left_on": "2001-01-01", "reason": "Gone"})
    assert response.status_code == 422 and "left_on" in response.context["form"].errors
    assert Membership.objects.get(pk=world.wider_membership.pk).is_current


def test_the_lead_cannot_leave_without_handing_over(world: SimpleNamespace) -> None:
    with pytest.raises(Exception, match="lead cannot leave"):
        actions.membership_end(
            by=None, membership=world.lead_membership, left_on=dt.date(2025, 1, 1), reason="Done"
        )


def test_a_member_who_left_cannot_be_changed(world: SimpleNamespace) -> None:
    actions.membership_end(
        by=None, membership=world.wider_membership, left_on=dt.date(2025, 1, 1), reason="Done"
    )
    url = reverse("member_change", args=[world.partnership.pk, world.wider_membership.pk])
    response = client_for(world.lena).post(url, {"role": "core"})
    assert response.status_code == 422


def test_the_audit_log_shows_who_changed_what(world: SimpleNamespace) -> None:
    actions.membership_change(
        by=world.lena, membership=world.wider_membership, role="core", funded=True
    )
    page = (
        client_for(world.lena)
        .get(reverse("partnership_audit", args=[world.partnership.pk]))
        .content.decode()
    )
    assert "membership.change" in page
    assert "Lena Lead" in page
    assert "wider → core" in page


def test_the_lead_edits_its_organisation_and_bad_numbers_are_named(world: SimpleNamespace) -> None:
    url = reverse("organisation_edit", args=[world.lead_org.pk])
    client = client_for(world.lena)
    response = client.post(
        url, {"name": "Riverside CA", "sector": "voluntary", "charity_number": "12AB"}
    )
    assert response.status_code == 422
    assert "charity_number" in response.context["form"].errors
    assert Organisation.objects.get(pk=world.lead_org.pk).name == "Riverside Citizens Advice"
    response = client.post(
        url,
        {
            "name": "Riverside CA",
            "sector": "voluntary",
            "charity_number": "1123456",
            "specialisms": ["advice", "money_debt"],
            "areas": "Riverside, Hillside",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=world.lead_org.pk)
    assert (organisation.name, organisation.charity_number, organisation.areas) == (
        "Riverside CA",
        "1123456",
        ["Riverside", "Hillside"],
    )


def test_charity_numbers_are_unique_when_given(world: SimpleNamespace) -> None:
    actions.organisation_update(organisation=world.core_org, by=None, charity_number="1123456")
    with pytest.raises(Exception, match="already exists"):
        actions.organisation_update(organisation=world.wider_org, by=None, charity_number="1123456")
    # Many organisations have no number at all.
    actions.organisation_update(organisation=world.wider_org, by=None, charity_number="")
    assert Organisation.objects.filter(charity_number__isnull=True).count() >= 2


def test_the_lead_names_a_members_contacts_from_its_own_staff(world: SimpleNamespace) -> None:
    url = reverse("member_change", args=[world.partnership.pk, world.wider_membership.pk])
    client = client_for(world.lena)
    response = client.post(url, {"role": "wider", "contacts": [world.will.pk]})
    assert response.status_code == 302
    assert list(Membership.objects.get(pk=world.wider_membership.pk).contacts.all()) == [world.will]
    # Someone from another organisation is not offered, and is refused if sent anyway.
    response = client.post(url, {"role": "wider", "contacts": [world.cora.pk]})
    assert response.status_code == 422
    assert "contacts" in response.context["form"].errors
    assert list(Membership.objects.get(pk=world.wider_membership.pk).contacts.all()) == [world.will]
