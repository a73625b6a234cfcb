"""A partner signposts someone and it shows in the flows; the privacy pages pass axe."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from joinedup.referrals.tests import conftest as referral_world
from joinedup.referrals.tests.conftest import PAT, refer
from joinedup.referrals.tests.test_flows import answered_world
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser
referring = referral_world.referring  # the referrals' fixture, for these pages too


def test_a_wider_partner_signposts_someone_and_the_flows_count_it(
    world: SimpleNamespace, referring: SimpleNamespace, visitor: Visitor
) -> None:
    answered_world(world, referring)
    visitor.sign_in(world.will.email)
    visitor.visit(f"/partnerships/{world.partnership.pk}/")
    tabs = visitor.page.get_by_role("navigation", name=world.partnership.name)
    tabs.get_by_role("link", name="Referrals", exact=True).click()
    visitor.check()
    assert visitor.page.locator("#flows-chart").is_visible()
    # On a phone the chart's narrow twin (labels above the bars) stands in for it.
    visitor.page.set_viewport_size({"width": 320, "height": 900})
    assert visitor.page.locator("#flows-chart-narrow").is_visible()
    assert not visitor.page.locator("#flows-chart").is_visible()
    visitor.page.set_viewport_size({"width": 1100, "height": 900})
    visitor.page.get_by_role("link", name="Record a signposting").click()
    visitor.check()
    visitor.page.get_by_label("Need").select_option("food")
    visitor.page.get_by_label("Area").fill("RV1")
    visitor.page.get_by_role("button", name="Record it").click()
    visitor.page.get_by_text("Signposting recorded").wait_for()
    visitor.check()
    assert "People signposted 3" in " ".join(
        visitor.page.locator("#flow-totals").inner_text().split()
    )
    assert PAT["name"] not in visitor.page.content()


def test_the_access_log_and_the_erase_page_pass_axe(
    world: SimpleNamespace, referring: SimpleNamespace, visitor: Visitor
) -> None:
    refer(world, referring)
    visitor.sign_in(world.lena.email)
    visitor.visit(reverse("referral_access_log", args=[world.lead_org.pk]))
    visitor.page.get_by_role("cell", name="Stan Staff").first.wait_for()
    visitor.visit(reverse("person_erase", args=[referring.pat.pk]))
    visitor.page.get_by_role("button", name="Erase the personal data").click()
    visitor.page.get_by_text("There is a problem").wait_for()  # no reason given
    visitor.check()
