"""Starting a partnership, editing its details and measurable outcomes, registering an
organisation: for each page, who may, what is saved, and what a bad input is told."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from joinedup.audit.models import AuditEvent
from joinedup.conftest import api_for, client_for, make_user
from joinedup.partnerships.models import (
    Affiliation,
    MemberRole,
    Organisation,
    OrgRole,
    Partnership,
)

NEW = reverse("partnership_new")
REGISTER = reverse("organisation_register")


def outcome_rows(*rows: tuple[str, str, str], initial: int = 0, **extra: str) -> dict[str, str]:
    """The formset's fields for `rows` of (title, measure, target)."""
    data = {
        "outcomes-TOTAL_FORMS": str(len(rows)),
        "outcomes-INITIAL_FORMS": str(initial),
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "50",
    }
    for i, (title, measure, target) in enumerate(rows):
        data |= {
            f"outcomes-{i}-title": title,
            f"outcomes-{i}-measure": measure,
            f"outcomes-{i}-target": target,
        }
    return data | extra


def start(w: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Riverside Warm Spaces",
        "shared_goal": "Nobody in Riverside is cold this winter.",
        "lead": w.lead_org.pk,
        "start_on": "2025-10-01",
        "model": "co_location",
        "area": "Riverside",
        **outcome_rows(
            ("Warm spaces open", "Spaces open five days a week", "12 by December"),
            ("People kept warm", "Visits to warm spaces", "2,000 this winter"),
            ("", "", ""),
        ),
        **changes,
    }


def edit_url(w: SimpleNamespace) -> str:
    return reverse("partnership_edit", args=[w.partnership.pk])


# --- starting a partnership ------------------------------------------------------------------


def test_a_manager_starts_a_partnership_with_measurable_outcomes(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(NEW, start(world))
    partnership = Partnership.objects.get(name="Riverside Warm Spaces")
    assert response.status_code == 302 and response["Location"] == partnership.get_absolute_url()
    assert partnership.memberships.current().get().organisation == world.lead_org
    assert partnership.memberships.get().role == MemberRole.LEAD
    assert [(o["title"], o["measure"], o["target"]) for o in partnership.outcomes] == [
        ("Warm spaces open", "Spaces open five days a week", "12 by December"),
        ("People kept warm", "Visits to warm spaces", "2,000 this winter"),
    ]
    event = AuditEvent.objects.get(action="partnership.create", object_id=str(partnership.pk))
    assert event.actor == world.lena and event.after["outcomes"][1]["target"] == "2,000 this winter"
    page = client_for(world.lena).get(partnership.get_absolute_url()).content.decode()
    assert "Visits to warm spaces" in page and "2,000 this winter" in page


def test_the_lead_must_be_an_organisation_the_creator_manages(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(NEW, start(world, lead=world.core_org.pk))
    assert response.status_code == 422
    assert "Lead partner: Select a valid choice" in response.content.decode()
    assert not Partnership.objects.filter(name="Riverside Warm Spaces").exists()
    form = client_for(world.lena).get(NEW).context["form"]
    assert list(form.fields["lead"].queryset) == [world.lead_org]


@pytest.mark.parametrize("character", ["stan", "cora", "will", "otis"])
def test_only_admins_and_managers_start_partnerships(
    world: SimpleNamespace, character: str
) -> None:
    client = client_for(getattr(world, character))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, start(world)).status_code == 403
    assert not Partnership.objects.filter(name="Riverside Warm Spaces").exists()


def test_the_outsider_starts_one_for_her_own_organisation_only(world: SimpleNamespace) -> None:
    client = client_for(world.olive)
    assert client.post(NEW, start(world)).status_code == 422  # not her organisation
    assert client.post(NEW, start(world, lead=world.outside_org.pk)).status_code == 302


def test_the_start_page_refuses_other_methods_and_strangers(world: SimpleNamespace) -> None:
    from django.test import Client

    assert client_for(world.lena).put(NEW).status_code == 405
    assert Client().get(NEW)["Location"].startswith(reverse("login"))


def test_a_bad_start_names_the_field(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(NEW, start(world, name=""))
    assert response.status_code == 422
    assert "Name: This field is required." in response.content.decode()
    response = client_for(world.lena).post(
        NEW, start(world, **{"outcomes-1-title": "", "outcomes-1-measure": "Visits"})
    )
    assert response.status_code == 422
    assert "Outcome 2, outcome: Say what the outcome is" in response.content.decode()
    assert not Partnership.objects.filter(name="Riverside Warm Spaces").exists()


def test_add_another_outcome_works_without_javascript(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(NEW, start(world, add_outcome="1"))
    assert response.status_code == 200
    rows = response.context["outcomes"]
    assert len(rows.forms) == 4  # the three posted, and one more to fill
    assert 'value="Visits to warm spaces"' in response.content.decode()
    assert not Partnership.objects.filter(name="Riverside Warm Spaces").exists()


def test_add_another_outcome_before_the_name_is_no_problem_and_focuses_the_new_row(
    world: SimpleNamespace,
) -> None:
    """Nothing is submitted yet: no "There is a problem" for the boxes still to fill."""
    response = client_for(world.lena).post(NEW, start(world, name="", add_outcome="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" not in page
    assert "This field is required" not in page
    assert 'value="Visits to warm spaces"' in page
    assert re.search(r'<input[^>]*autofocus[^>]*id="id_outcomes-3-title"', page)


# --- editing details and outcomes -----------------------------------------------------------


def test_the_lead_edits_an_outcome_and_adds_another(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(
        edit_url(world),
        {
            "name": "Riverside Crisis Partnership",
            "shared_goal": "No one in Riverside faces a crisis alone.",
            **outcome_rows(
                ("People in crisis get help within a week", "Days to help", "5 days"),
                ("Fewer evictions", "Evictions of people we support", "None"),
                initial=1,
            ),
        },
    )
    assert response.status_code == 302
    world.partnership.refresh_from_db()
    assert [(o["title"], o["measure"], o["target"]) for o in world.partnership.outcomes] == [
        ("People in crisis get help within a week", "Days to help", "5 days"),
        ("Fewer evictions", "Evictions of people we support", "None"),
    ]
    event = AuditEvent.objects.filter(action="partnership.update").latest("pk")
    assert event.actor == world.lena
    assert event.before["outcomes"][0]["measure"] == "Days from first contact to help"
    assert event.after["outcomes"][0]["measure"] == "Days to help"


def test_the_edit_page_shows_the_outcomes_and_removes_one(world: SimpleNamespace) -> None:
    page = client_for(world.lena).get(edit_url(world))
    assert page.status_code == 200
    assert 'value="Days from first contact to help"' in page.content.decode()
    response = client_for(world.lena).post(
        edit_url(world),
        {
            "name": "Riverside Crisis Partnership",
            "shared_goal": "A new goal.",
            **outcome_rows(("People in crisis get help within a week", "", ""), initial=1),
            "outcomes-0-DELETE": "on",
        },
    )
    assert response.status_code == 302
    world.partnership.refresh_from_db()
    assert (world.partnership.shared_goal, world.partnership.outcomes) == ("A new goal.", [])


def test_the_partnership_page_offers_edit_details_to_managers_only(world: SimpleNamespace) -> None:
    url = reverse("partnership", args=[world.partnership.pk])
    assert edit_url(world) in client_for(world.lena).get(url).content.decode()
    assert edit_url(world) not in client_for(world.stan).get(url).content.decode()


@pytest.mark.parametrize(
    ("character", "status"),
    [("lena", 200), ("stan", 403), ("cora", 403), ("will", 403), ("otis", 403), ("olive", 404)],
)
def test_each_character_may_edit_or_not(
    world: SimpleNamespace, character: str, status: int
) -> None:
    client = client_for(getattr(world, character))
    assert client.get(edit_url(world)).status_code == status
    posted = client.post(edit_url(world), {"name": "Taken over", "shared_goal": "x"})
    assert posted.status_code == (422 if status == 200 else status)
    world.partnership.refresh_from_db()
    assert world.partnership.name == "Riverside Crisis Partnership"


def test_the_edit_page_refuses_other_methods(world: SimpleNamespace) -> None:
    assert client_for(world.lena).put(edit_url(world)).status_code == 405
    assert client_for(world.lena).delete(edit_url(world)).status_code == 405


def test_a_bad_edit_names_the_field(world: SimpleNamespace) -> None:
    response = client_for(world.lena).post(
        edit_url(world),
        {"name": "Riverside", "shared_goal": "", **outcome_rows(("x" * 301, "", ""), initial=1)},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Shared goal: This field is required." in body
    assert "Outcome 1, outcome: Ensure this value has at most 300 characters" in body


# --- the outcomes themselves: model, migration, API ------------------------------------------


def test_old_outcome_lines_become_outcomes_with_measures_to_agree(world: SimpleNamespace) -> None:
    migration = importlib.import_module(
        "joinedup.partnerships.migrations.0006_outcomes_with_measure_and_target"
    )
    Partnership.objects.filter(pk=world.partnership.pk).update(
        outcomes=["Help fast", " ", "Less debt"]
    )
    Partnership.objects.filter(pk=world.elsewhere.pk).update(outcomes="One\nTwo\n")
    migration.outcomes_to_structure(apps, None)
    world.partnership.refresh_from_db()
    world.elsewhere.refresh_from_db()
    assert world.partnership.outcomes == [
        {"title": "Help fast", "measure": "", "target": ""},
        {"title": "Less debt", "measure": "", "target": ""},
    ]
    assert [o["title"] for o in world.elsewhere.outcomes] == ["One", "Two"]
    world.partnership.full_clean()  # valid as they are
    page = client_for(world.lena).get(world.partnership.get_absolute_url()).content.decode()
    assert "Measure: to be agreed" in page
    migration.outcomes_to_lines(apps, None)
    world.partnership.refresh_from_db()
    assert world.partnership.outcomes == ["Help fast", "Less debt"]


def test_the_api_reads_and_replaces_outcomes(world: SimpleNamespace) -> None:
    url = f"/api/v1/partnerships/{world.partnership.pk}"
    read = api_for(world.will).get(url).json()
    assert read["outcomes"] == [
        {
            "title": "People in crisis get help within a week",
            "measure": "Days from first contact to help",
            "target": "7 days or fewer for 9 in 10 people",
        }
    ]
    new = [{"title": "Fewer evictions", "measure": "Evictions", "target": "None"}]
    response = api_for(world.lena).patch(url, {"outcomes": new})
    assert response.status_code == 200 and response.json()["outcomes"] == new
    world.partnership.refresh_from_db()
    assert world.partnership.outcomes == new


@pytest.mark.parametrize(
    "outcomes",
    [
        ["A bare line"],
        [{"title": "", "measure": "x", "target": "y"}],
        [{"title": "x", "measure": "y", "target": "z", "colour": "red"}],
    ],
)
def test_the_api_refuses_a_malformed_outcome_naming_the_field(
    world: SimpleNamespace, outcomes: list[Any]
) -> None:
    url = f"/api/v1/partnerships/{world.partnership.pk}"
    response = api_for(world.lena).patch(url, {"outcomes": outcomes})
    assert response.status_code == 422
    assert "outcomes" in response.content.decode()


def test_a_blank_title_is_refused_by_the_action_too(world: SimpleNamespace) -> None:
    from django.core.exceptions import ValidationError

    from joinedup.partnerships import actions

    with pytest.raises(ValidationError) as refused:
        actions.partnership_update(
            partnership=world.partnership,
            by=world.lena,
            outcomes=[{"title": "  ", "measure": "", "target": ""}],
        )
    assert refused.value.message_dict == {"outcomes": ["Outcome 1: say what the outcome is."]}


# --- registering an organisation ------------------------------------------------------------


def register(**changes: Any) -> dict[str, Any]:
    return {"name": "Riverside Warm Homes", "sector": "community", **changes}


def test_anyone_signed_in_registers_an_organisation_and_becomes_its_admin(
    world: SimpleNamespace,
) -> None:
    response = client_for(world.will).post(REGISTER, register(charity_number="1199999"))
    organisation = Organisation.objects.get(name="Riverside Warm Homes")
    assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
    affiliation = Affiliation.objects.get(organisation=organisation)
    assert (affiliation.user, affiliation.role) == (world.will, OrgRole.ADMIN)
    assert AuditEvent.objects.filter(action="affiliation.first_admin", actor=world.will).exists()
    assert client_for(world.will).get(NEW).status_code == 200  # he may now start a partnership


def test_a_taken_charity_number_names_the_organisation_that_has_it(world: SimpleNamespace) -> None:
    Organisation.objects.filter(pk=world.lead_org.pk).update(charity_number="1123456")
    response = client_for(world.olive).post(REGISTER, register(charity_number="1123456"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Charity number: Riverside Citizens Advice is in Joined Up with this number" in body
    assert not Organisation.objects.filter(name="Riverside Warm Homes").exists()


def test_a_similar_name_is_questioned_before_it_is_registered(world: SimpleNamespace) -> None:
    client = client_for(world.olive)
    asked = client.post(REGISTER, register(name="The Riverside Citizens Advice Ltd"))
    assert asked.status_code == 422
    body = asked.content.decode()
    assert "Is it one of these?" in body and "Riverside Citizens Advice" in body
    assert "It is a different organisation" in body
    assert Organisation.objects.filter(name__startswith="The Riverside").count() == 0
    done = client.post(REGISTER, register(name="The Riverside Citizens Advice Ltd", different="on"))
    assert done.status_code == 302
    assert Organisation.objects.filter(name="The Riverside Citizens Advice Ltd").exists()


def test_a_bad_registration_names_the_field(world: SimpleNamespace) -> None:
    response = client_for(world.olive).post(REGISTER, {"name": "New Org", "sector": "pirates"})
    assert response.status_code == 422
    assert "Sector: Select a valid choice" in response.content.decode()
    response = client_for(world.olive).post(REGISTER, register(company_number="12"))
    assert response.status_code == 422
    assert "Company number: Enter a company number" in response.content.decode()


def test_the_register_page_refuses_other_methods_and_strangers(world: SimpleNamespace) -> None:
    from django.test import Client

    assert client_for(world.olive).get(REGISTER).status_code == 200
    assert client_for(world.olive).put(REGISTER).status_code == 405
    assert Client().post(REGISTER, register())["Location"].startswith(reverse("login"))
    assert not Organisation.objects.filter(name="Riverside Warm Homes").exists()


def test_the_home_page_offers_what_each_may_start(world: SimpleNamespace) -> None:
    lena = client_for(world.lena).get(reverse("home")).content.decode()
    assert NEW in lena and REGISTER in lena and reverse("programme_new") not in lena
    stan = client_for(world.stan).get(reverse("home")).content.decode()
    assert NEW not in stan and REGISTER in stan
    otis = client_for(world.otis).get(reverse("home")).content.decode()
    assert reverse("programme_new") in otis


def test_the_home_page_leads_an_admin_to_their_organisations_people(
    world: SimpleNamespace,
) -> None:
    ada = make_user("ada@riverside-ca.example", "Ada Admin", world.lead_org, "admin")
    people = reverse("organisation_people", args=[world.lead_org.pk])
    page = client_for(ada).get(reverse("home")).content.decode()
    assert "Your organisations" in page and people in page
    stan = client_for(world.stan).get(reverse("home")).content.decode()
    assert world.lead_org.get_absolute_url() in stan and people not in stan  # staff: no People


def test_a_name_cut_short_is_questioned_too(world: SimpleNamespace) -> None:
    """Found registering "Wyre Forest Nightstop" beside "... Nightstop and Mediation Scheme"."""
    from joinedup.partnerships.registration import likely_duplicates

    world.lead_org.name = "Riverside Citizens Advice and Money Help"
    world.lead_org.save()
    found = likely_duplicates(name="Riverside Citizens Advice")
    assert [d.organisation for d in found] == [world.lead_org]
    assert likely_duplicates(name="Riverside Food") == []  # two words of six: another one
    assert likely_duplicates(name="Citizens Advice Riverside") == []  # not how it starts


def test_a_similar_name_is_found_however_it_is_written() -> None:
    from joinedup.partnerships.registration import _clean_name

    assert _clean_name("The Riverside Citizens Advice Ltd") == _clean_name(
        "Riverside citizens advice"
    )
    assert _clean_name("Food & Fuel Trust") == "food fuel"


def test_the_very_name_of_an_organisation_in_joined_up_is_not_registered_again(
    world: SimpleNamespace,
) -> None:
    """Saying "it is a different organisation" does not make a second Riverside Mind, whose
    first admin partners (and leads inviting it) would take for the real one's."""
    response = client_for(world.olive).post(
        REGISTER, register(name=" riverside  MIND", different="on")
    )
    assert response.status_code == 422
    assert "Riverside Mind is in Joined Up already" in response.content.decode()
    assert Organisation.objects.filter(name__icontains="riverside mind").count() == 1
    assert (
        not Affiliation.objects.filter(user=world.olive, role=OrgRole.ADMIN)
        .exclude(organisation=world.outside_org)
        .exists()
    )
