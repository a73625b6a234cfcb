"""The lead drafts terms of reference and sends them for sign-off; a core partner signs; the
lead sees what changed between versions and the must-do ticked."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.agreements import actions
from joinedup.agreements.models import AgreementVersion
from joinedup.conftest import make_user
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_draft_sign_diff_and_must_do(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    mo = make_user("mo@riverside-mind.example", "Mo Manager", world.core_org, "manager")
    wendy = make_user("wendy@hillside.example", "Wendy Manager", world.wider_org, "manager")
    lead_context, core_context = browser.new_context(), browser.new_context()
    lena = Visitor(lead_context.new_page(), live_server.url)
    core = Visitor(core_context.new_page(), live_server.url)
    p = world.partnership.pk
    try:
        lena.sign_in(world.lena.email)
        lena.visit(f"/partnerships/{p}/agreements/")
        lena.page.get_by_role("link", name="Draft an agreement").click()
        lena.check()
        lena.page.get_by_label("Terms of reference").check()
        lena.page.get_by_label("Title").fill("Riverside terms of reference")
        lena.page.get_by_label("Shared goal and outcomes").fill(
            "No one in Riverside faces a crisis alone."
        )
        lena.page.get_by_role("button", name="Save the draft").click()
        lena.page.get_by_role("heading", name="Riverside terms of reference").wait_for()
        lena.check()
        lena.page.get_by_role("button", name="Send out for sign-off").click()
        lena.page.get_by_role("heading", name="Sign", exact=True).wait_for()
        lena.page.get_by_label("Our board or management committee has been told").check()
        lena.page.get_by_role("button", name="Sign the agreement").click()
        lena.page.get_by_text("Signed.").wait_for()
        lena.check()

        core.sign_in(mo.email, "a-long-test-password")
        core.visit(f"/partnerships/{p}/agreements/")
        core.page.get_by_role("link", name="Riverside terms of reference").click()
        core.page.get_by_label("Our board or management committee has been told").check()
        core.page.get_by_role("button", name="Sign the agreement").click()
        core.page.get_by_text("Signed.").wait_for()
        core.check()

        version = AgreementVersion.objects.get()
        actions.sign(version=version, by=wendy, organisation=world.wider_org, board_informed=True)
        second = actions.version_new(agreement=version.agreement, by=world.lena)
        actions.version_edit(
            version=second,
            by=world.lena,
            sections={"goal": "No one in Riverside or Hillside faces a crisis alone."},
        )

        lena.visit(f"/partnerships/{p}/agreements/{version.agreement_id}/diff/")
        assert lena.page.locator("ins").first.inner_text() == "or Hillside"
        lena.visit(f"/partnerships/{p}/must-dos/")
        terms = lena.page.get_by_role("listitem").filter(has_text="Clear terms of reference")
        assert "(done)" in terms.inner_text()
        assert "signed by every current member" in terms.inner_text()
    finally:
        lead_context.close()
        core_context.close()
