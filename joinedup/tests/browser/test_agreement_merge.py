"""Two people edit one draft at once: the second is shown both versions, keeps both changes
with one click, and nothing is lost."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.agreements import actions
from joinedup.agreements.models import AgreementVersion
from joinedup.conftest import make_user
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_the_second_editor_merges_on_the_page(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    lou = make_user("lou@riverside-ca.example", "Lou Lead", world.lead_org, "admin")
    agreement = actions.agreement_create(
        by=world.lena,
        partnership=world.partnership,
        kind="terms_of_reference",
        title="Terms of reference",
        sections={"goal": "No one faces a crisis alone.", "roles": "The lead convenes."},
    )
    edit = f"/partnerships/{world.partnership.pk}/agreements/{agreement.pk}/v1/edit/"
    contexts = [browser.new_context(), browser.new_context()]
    lena, other = (Visitor(c.new_page(), live_server.url) for c in contexts)
    try:
        lena.sign_in(world.lena.email)
        other.sign_in(lou.email)
        lena.visit(edit)
        other.visit(edit)
        lena.page.get_by_label("Shared goal and outcomes").fill("No one in the valleys either.")
        lena.page.get_by_role("button", name="Save the draft").click()
        lena.page.get_by_text("Saved.").wait_for()

        other.page.get_by_label("Roles and responsibilities").fill("Mind chairs the panel.")
        other.page.get_by_role("button", name="Save the draft").click()
        other.page.get_by_role("heading", name="Someone else saved this").wait_for()
        other.check()  # the merge page, under axe
        goal = other.page.get_by_role("group", name="Shared goal and outcomes")
        assert goal.get_by_label("Keep theirs").is_checked()
        roles = other.page.get_by_role("group", name="Roles and responsibilities")
        assert roles.get_by_label("Keep yours, as in the form below").is_checked()
        other.page.get_by_role("button", name="Save the draft").click()
        other.page.get_by_text("Saved.").wait_for()
        other.check()
    finally:
        for context in contexts:
            context.close()
    version = AgreementVersion.objects.get()
    assert version.sections["goal"] == "No one in the valleys either."
    assert version.sections["roles"] == "Mind chairs the panel."
