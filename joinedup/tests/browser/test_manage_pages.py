"""Starting a partnership with measurable outcomes, editing one, adding a hub and opening its
page, registering an organisation: in a real browser, wide and 320 pixels narrow, axe on every
page."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.partnerships.models import Affiliation, Partnership
from joinedup.programmes.models import Hub
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


@pytest.fixture(params=[1280, 320], ids=["wide", "narrow"])
def sized(request: Any, browser: Any, live_server: Any) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    visitor = Visitor(context.new_page(), live_server.url)
    visitor.width = request.param  # type: ignore[attr-defined]
    yield visitor
    context.close()


def fits(visitor: Visitor) -> None:
    """The page as it is now passes axe and does not scroll sideways."""
    visitor.check()
    width = visitor.page.evaluate("document.documentElement.scrollWidth")
    assert width <= visitor.width, f"{visitor.page.url} scrolls sideways: {width}px"  # type: ignore[attr-defined]


def test_the_lead_starts_a_partnership_with_two_outcomes_and_edits_one(
    world: SimpleNamespace, sized: Visitor
) -> None:
    page = sized.page
    sized.sign_in(world.lena.email)
    page.get_by_role("link", name="Start a partnership").click()
    fits(sized)
    page.get_by_label("Name").fill("Riverside Warm Spaces")
    page.get_by_label("Shared goal").fill("Nobody in Riverside is cold this winter.")
    page.get_by_label("Lead partner").select_option(label="Riverside Citizens Advice")
    page.locator("#id_outcomes-0-title").fill("Warm spaces open")
    page.locator("#id_outcomes-0-measure").fill("Spaces open five days a week")
    page.locator("#id_outcomes-0-target").fill("12 by December")
    page.get_by_role("button", name="Add another outcome").click()
    page.locator("#id_outcomes-1-title").wait_for()
    fits(sized)
    # The page comes back at the new row, ready to type in, with no error for what is to come.
    assert page.evaluate("document.activeElement.id") == "id_outcomes-1-title"
    assert page.get_by_role("alert").count() == 0
    assert page.locator("#id_outcomes-0-title").input_value() == "Warm spaces open"
    page.locator("#id_outcomes-1-title").fill("People kept warm")
    page.locator("#id_outcomes-1-measure").fill("Visits to warm spaces")
    page.locator("#id_outcomes-1-target").fill("2,000 this winter")
    page.get_by_role("button", name="Start the partnership").click()
    page.get_by_role("heading", level=1, name="Riverside Warm Spaces").wait_for()
    fits(sized)
    assert page.get_by_text("Visits to warm spaces").is_visible()

    page.get_by_role("link", name="Edit details").click()
    fits(sized)
    page.locator("#id_outcomes-1-target").fill("2,500 this winter")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Partnership details saved.").wait_for()
    fits(sized)
    assert page.get_by_text("Target: 2,500 this winter").is_visible()
    partnership = Partnership.objects.get(name="Riverside Warm Spaces")
    assert [o["target"] for o in partnership.outcomes] == ["12 by December", "2,500 this winter"]


def test_a_bad_outcome_is_explained_on_the_page(world: SimpleNamespace, sized: Visitor) -> None:
    sized.sign_in(world.lena.email)
    sized.visit(f"/partnerships/{world.partnership.pk}/edit/")
    sized.page.locator("#id_outcomes-1-measure").fill("A measure with no outcome")
    sized.page.get_by_role("button", name="Save").click()
    sized.page.get_by_role("alert").wait_for()
    fits(sized)
    assert "Outcome 2, outcome: Say what the outcome is" in (
        sized.page.get_by_role("alert").inner_text()
    )


def test_the_officer_adds_a_hub_and_opens_its_page(world: SimpleNamespace, sized: Visitor) -> None:
    page = sized.page
    sized.sign_in(world.otis.email)
    sized.visit(f"/programmes/{world.programme.pk}/")
    fits(sized)
    page.get_by_role("link", name="Add a hub").click()
    fits(sized)
    page.get_by_label("Name").fill("South")
    page.get_by_label("Region").fill("South East")
    page.get_by_label("Coordinator's email address").fill(world.lena.email)
    page.get_by_role("button", name="Add the hub").click()
    page.get_by_role("heading", level=1, name="South hub").wait_for()
    fits(sized)
    assert page.get_by_text("Lena Lead").is_visible()
    assert Hub.objects.get(name="South").coordinator == world.lena

    sized.visit(f"/hubs/{world.hub.pk}/")
    fits(sized)
    assert page.get_by_role("link", name="Riverside Crisis Partnership").is_visible()


def test_someone_registers_an_organisation_after_seeing_a_likely_duplicate(
    world: SimpleNamespace, sized: Visitor
) -> None:
    page = sized.page
    sized.sign_in(world.will.email)
    page.get_by_role("link", name="Register an organisation").click()
    fits(sized)
    page.get_by_label("Name").fill("Hillside Foodbank Ltd")
    page.get_by_label("Sector").select_option(label="Faith")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Is it one of these?").wait_for()
    fits(sized)
    page.get_by_label("It is a different organisation").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", level=1, name="Hillside Foodbank Ltd").wait_for()
    fits(sized)
    assert Affiliation.objects.get(organisation__name="Hillside Foodbank Ltd").user == world.will


def test_a_hubs_coordinator_goes_from_home_to_the_hub_and_sees_its_partnerships(
    world: SimpleNamespace, visitor: Visitor
) -> None:
    from joinedup.conftest import make_user

    nina = make_user("nina@northern.example", "Nina North")
    Hub.objects.filter(pk=world.hub.pk).update(coordinator=nina)
    visitor.sign_in(nina.email)
    visitor.visit("/")
    visitor.page.get_by_role("link", name=world.hub.label, exact=True).click()
    visitor.page.get_by_role("heading", level=1, name=world.hub.label).wait_for()
    visitor.check()
    partnership = visitor.page.get_by_role("heading", level=3, name="Riverside Crisis Partnership")
    assert partnership.is_visible()
