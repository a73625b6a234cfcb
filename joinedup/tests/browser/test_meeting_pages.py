"""A core partner raises a concern and gives a position on a proposal; the lead sees both."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.decisions import actions as decision_actions
from joinedup.meetings.tests.helpers import days_from_today
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_a_core_partner_raises_a_concern_and_casts_a_position_and_the_lead_sees_both(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    proposal = decision_actions.proposal_create(
        by=world.lena,
        partnership=world.partnership,
        organisation=world.lead_org,
        title="Open on Saturday mornings",
        question="Shall the hub open on Saturday mornings?",
        kind="consensus",
        deciders="core",
        closes_on=days_from_today(14),
    )
    core_context, lead_context = browser.new_context(), browser.new_context()
    cora = Visitor(core_context.new_page(), live_server.url)
    lena = Visitor(lead_context.new_page(), live_server.url)
    p = world.partnership.pk
    try:
        cora.sign_in(world.cora.email)
        cora.visit(f"/partnerships/{p}/meetings/")
        cora.page.get_by_role("main").get_by_role("link", name="Concerns").click()
        cora.page.get_by_role("link", name="Raise a concern").click()
        cora.check()
        cora.page.get_by_label("Title").fill("Referrals go unanswered")
        cora.page.get_by_label("What concerns you").fill("Three referrals had no reply last month.")
        cora.page.get_by_label("The lead only").check()
        cora.page.get_by_role("button", name="Raise the concern").click()
        cora.page.get_by_text("Concern raised.").wait_for()
        cora.check()

        cora.visit(f"/partnerships/{p}/decisions/")
        cora.page.get_by_role("link", name="Open on Saturday mornings").click()
        cora.check()
        cora.page.get_by_label("Disagree").check()
        cora.page.get_by_role("button", name="Give the position").click()
        cora.page.get_by_role("alert").wait_for()  # a reason is needed to disagree
        cora.check()
        cora.page.get_by_label("Disagree").check()
        cora.page.get_by_label("Reason").fill("We have no staff on Saturdays yet.")
        cora.page.get_by_role("button", name="Give the position").click()
        cora.page.get_by_text("Position recorded.").wait_for()
        cora.check()

        lena.sign_in(world.lena.email)
        lena.visit(f"/partnerships/{p}/concerns/")
        lena.page.get_by_role("link", name="Referrals go unanswered").click()
        lena.page.get_by_text("Three referrals had no reply last month.").wait_for()
        lena.check()
        lena.visit(proposal.get_absolute_url())
        row = lena.page.get_by_role("row").filter(has_text="Riverside Mind")
        assert "Disagree" in row.inner_text()
        assert "We have no staff on Saturdays yet." in row.inner_text()
        lena.visit("/notices/")
        lena.page.get_by_role("link", name="Concern raised by Riverside Mind").wait_for()
        lena.check()
    finally:
        core_context.close()
        lead_context.close()
