"""Four homes at 1280 pixels, each leading with what its person comes for, and the programme
view: its first column stays in place, the columns the officer chooses fit without scrolling
sideways, and every column can be added back."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.conftest import make_user
from joinedup.events.tests.conftest import events_world
from joinedup.health.tests import activity
from joinedup.meetings.tests.helpers import meetings_world
from joinedup.programmes.models import Hub
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}


def fits_across(visitor: Visitor) -> bool:
    """The programme view's table shows every column without scrolling sideways."""
    return visitor.page.evaluate(
        "(() => { const w = document.querySelector('.table-wrap');"
        " return w.scrollWidth <= w.clientWidth })()"
    )


def first_column_left(visitor: Visitor) -> float:
    return visitor.page.evaluate(
        "document.querySelector('.programme-view tbody th').getBoundingClientRect().left"
    )


def test_four_homes_and_the_programme_view_at_1280_pixels(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    meetings_world(world)  # an action and a concern for the lead
    for i in range(3):
        activity.small_partnership(world, i)
    # Hana coordinates the North hub; its coming event and a topic request are on the homes.
    hana = make_user("hana@crisis-fund.example", "Hana Hub")
    Hub.objects.filter(pk=world.hub.pk).update(coordinator=hana)
    events_world(world)
    leading = {
        world.lena.email: "What is due",
        world.cora.email: "People you support",
        world.otis.email: "Your programmes",
        hana.email: "Hubs you coordinate",
    }
    for email, heading in leading.items():
        context = browser.new_context(viewport=WIDE)
        visitor = Visitor(context.new_page(), live_server.url)
        try:
            visitor.sign_in(email, with_the_form=True)
            main = visitor.page.get_by_role("main")
            assert main.get_by_role("heading", level=2).first.inner_text() == heading
            if email == world.cora.email:
                assert main.get_by_role("link", name="Ask your hub for a topic").is_visible()
            if email != world.otis.email:
                continue
            main.get_by_role("link", name="The programme view").click()
            visitor.check()
            page = visitor.page
            sticky = page.evaluate(
                "getComputedStyle(document.querySelector('.programme-view tbody th')).position"
            )
            assert sticky == "sticky"
            assert fits_across(visitor)  # the columns shown until the officer chooses

            page.locator("summary", has_text="Choose the columns").click()
            for name in ("Hub", "Referrals", "Cadence kept"):
                page.get_by_label(name, exact=True).uncheck()
            for name in ("Reciprocity", "Joined", "Left"):
                page.get_by_label(name, exact=True).check()
            page.get_by_role("button", name="Show these columns").click()
            page.get_by_text("Your choice is kept for next time.").wait_for()
            visitor.check()
            table = page.get_by_role("region", name="Partnerships side by side")
            assert table.get_by_role("columnheader", name="Reciprocity").is_visible()
            assert table.get_by_role("columnheader", name="Hub").count() == 0
            assert fits_across(visitor)

            page.locator("summary", has_text="Choose the columns").click()
            page.get_by_role("button", name="Show every column").click()
            page.get_by_text("Showing 16 of 16 columns.").wait_for()
            visitor.check()
            assert table.get_by_role("columnheader", name="Hub").is_visible()
            # Wider than the screen now: scrolled sideways, the partnership's name stays put.
            left = first_column_left(visitor)
            page.evaluate("document.querySelector('.table-wrap').scrollLeft = 400")
            assert page.evaluate("document.querySelector('.table-wrap').scrollLeft") > 0
            assert first_column_left(visitor) == left
        finally:
            context.close()
