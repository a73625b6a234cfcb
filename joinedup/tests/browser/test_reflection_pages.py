"""A worker writes a reflection with a template and shares it with the partnership; the lead
starts an action learning set; a successor reads a handover, asks, and confirms it. Axe runs
on every page at 1280 px and at 320 px."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.conftest import make_user
from joinedup.meetings.actions import action_add
from joinedup.meetings.actions_assign import action_assign
from joinedup.meetings.tests.helpers import core_series, days_from_today, meet
from joinedup.organisations.actions import affiliation_end
from joinedup.partnerships.models import Affiliation
from joinedup.reflection import actions
from joinedup.reflection.models import Handover
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser
WIDE = {"width": 1280, "height": 900}


def test_a_reflection_is_shared_and_a_successor_confirms_a_handover(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    w = world
    cody = make_user("cody@riverside-mind.example", "Cody Colleague", w.core_org)
    ada = make_user("ada@riverside-mind.example", "Ada Admin", w.core_org, "admin")
    contexts = [browser.new_context(viewport=WIDE) for _ in range(3)]
    cora, lena, successor = (Visitor(c.new_page(), live_server.url) for c in contexts)
    try:
        _journey(w, cody, ada, cora, lena, successor)
    finally:
        for context in contexts:
            context.close()


def _journey(
    w: SimpleNamespace, cody: Any, ada: Any, cora: Visitor, lena: Visitor, successor: Visitor
) -> None:
    p = w.partnership.pk

    cora.sign_in(w.cora.email)
    cora.visit(f"/partnerships/{p}/reflection/")
    cora.page.get_by_label("Template").select_option("what")
    cora.page.get_by_role("button", name="Write a reflection").click()
    cora.check()
    cora.page.get_by_label("Title").fill("The joint triage pilot")
    cora.page.get_by_label("What? What happened").fill("Our triage pilot ran two weeks late.")
    cora.page.get_by_label("So what?").fill("Nobody had agreed who led it.")
    cora.page.get_by_label("The partnership").check()
    cora.page.get_by_role("button", name="Save the reflection").click()
    cora.page.get_by_text("Your reflection is saved.").wait_for()
    cora.check()

    lena.sign_in(w.lena.email)
    lena.visit(f"/partnerships/{p}/reflection/")
    lena.page.get_by_role("link", name="The joint triage pilot").click()
    lena.page.get_by_text("Nobody had agreed who led it.").wait_for()
    lena.check()
    lena.visit(f"/partnerships/{p}/learning-sets/new/")
    lena.page.get_by_label("Name").fill("Front door set")
    lena.page.get_by_role("button", name="Start the set").click()
    lena.page.get_by_text("Suggested between").or_(
        lena.page.get_by_text("No session yet")
    ).wait_for()
    lena.check()

    # Cora leaves; her admin names Cody her successor. Her open action waits for him.
    point = action_add(
        by=w.lena,
        meeting=meet(core_series(w), days_from_today(-7)),
        description="Draft the shared triage form",
        owner=w.core_org,
        due_on=days_from_today(9),
    )
    action_assign(by=w.lena, point=point, assignee=w.cora)
    affiliation_end(by=ada, affiliation=Affiliation.objects.get(user=w.cora))
    handover = Handover.objects.get(leaver=w.cora)
    actions.handover_update(
        by=ada, handover=handover, successor=cody, leaver_notes="Hillside answers on Mondays."
    )

    successor.sign_in(cody.email)
    successor.visit("/handovers/")
    successor.page.get_by_role("link", name="From Cora Core").click()
    successor.page.get_by_text("Draft the shared triage form").wait_for()
    successor.check()
    successor.page.get_by_label("Ask a question or answer one").fill("Who chairs the core group?")
    successor.page.get_by_role("button", name="Add to the thread").click()
    successor.page.get_by_text("Who chairs the core group?").wait_for()
    successor.page.get_by_role("button", name="Confirm the handover").click()
    successor.page.get_by_text("Handover confirmed").wait_for()
    successor.check()
    point.refresh_from_db()
    assert point.assignee == cody
