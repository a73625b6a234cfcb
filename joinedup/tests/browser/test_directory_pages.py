"""A service is listed with a confidential address; a partner finds it by two needs, sees no
address, and reports a mistake; the listing's organisation sees the report."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.directory import needs
from joinedup.directory.models import Taxonomy, TaxonomyTerm
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_a_refuge_is_listed_found_by_two_needs_and_its_address_stays_hidden(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    # A browser test's database is emptied after each test, the migration's taxonomy too.
    needs.install(Taxonomy, TaxonomyTerm)
    lead_context, core_context = browser.new_context(), browser.new_context()
    stan = Visitor(lead_context.new_page(), live_server.url)
    cora = Visitor(core_context.new_page(), live_server.url)
    try:
        stan.sign_in(world.stan.email)
        stan.page.get_by_role("link", name="Directory").click()
        stan.check()
        stan.page.get_by_role("link", name="Your listings").click()
        stan.check()
        stan.page.get_by_role("link", name="List a service").click()
        stan.check()
        stan.page.get_by_label(re.compile(r"^Name:?$")).fill("Riverside refuge")
        stan.page.get_by_label("— Refuge").check()
        stan.page.get_by_label("Housing and homelessness").check()
        stan.page.get_by_label("Who may see this listing").select_option("partners")
        stan.page.get_by_label("Referral criteria").fill("Fleeing domestic abuse.")
        stan.page.get_by_label("Areas served").fill("Riverside")
        stan.page.get_by_label(re.compile(r"^Address:?$")).fill("7 Hidden Mews")
        stan.page.get_by_label("Town or city").fill("Riverside")
        stan.page.get_by_label("Postcode").fill("RV9 9ZZ")
        stan.page.get_by_label("Who may see the address").select_option("confidential")
        stan.page.get_by_role("button", name="Save").click()
        stan.page.get_by_role("heading", name="Riverside refuge").wait_for()
        assert "7 Hidden Mews" in stan.page.content()
        stan.check()

        cora.sign_in(world.cora.email)
        cora.visit("/directory/")
        cora.page.get_by_role("checkbox", name="Domestic abuse", exact=True).check()
        cora.page.get_by_label("Women's services").check()
        cora.page.get_by_label("Partnership").select_option(label=world.partnership.name)
        cora.page.get_by_role("button", name="Search").click()
        result = cora.page.get_by_role("listitem").filter(has_text="Riverside refuge")
        result.wait_for()
        assert "Partnership member" in result.inner_text()
        assert "Address confidential" in result.inner_text()
        cora.check()
        result.get_by_role("link", name="Riverside refuge").click()
        cora.page.get_by_role("heading", name="Riverside refuge").wait_for()
        assert "7 Hidden Mews" not in cora.page.content()
        assert "RV9 9ZZ" not in cora.page.content()
        cora.check()
        cora.page.get_by_label("What is wrong with this listing?").fill("Phone number has changed")
        cora.page.get_by_role("button", name="Tell Riverside Citizens Advice").click()
        cora.page.get_by_text("has been told").wait_for()

        stan.visit("/directory/listings/")
        assert "Phone number has changed" in stan.page.content()
        stan.check()
    finally:
        lead_context.close()
        core_context.close()


def test_the_leads_directory_tools_pass_axe(world: SimpleNamespace, visitor: Any) -> None:
    visitor.sign_in(world.lena.email)
    for path in (
        "/directory/import/",
        "/directory/duplicates/",
        "/directory/?words=advice",
        "/directory/?words=zebra&area=Wyre+Forest",  # finds nothing: says so, with what to try
    ):
        visitor.visit(path)
