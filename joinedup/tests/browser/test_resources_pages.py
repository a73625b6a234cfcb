"""One partner offers a room, another books it, the first hears of it in the app and confirms:
both ledgers show it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.resources.tests.conftest import at
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_a_room_is_offered_booked_confirmed_and_in_both_ledgers(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    lead_context, wider_context = browser.new_context(), browser.new_context()
    lena = Visitor(lead_context.new_page(), live_server.url)
    will = Visitor(wider_context.new_page(), live_server.url)
    try:
        lena.sign_in(world.lena.email)
        lena.visit(f"/partnerships/{world.partnership.pk}/")
        lena.page.get_by_role("link", name="Sharing resources").click()
        lena.check()
        lena.page.get_by_role("link", name="Offer something").click()
        lena.check()
        lena.page.get_by_label("Venue or room").check()
        lena.page.get_by_label("Title").fill("Community room")
        lena.page.get_by_label("Capacity").fill("20")
        lena.page.get_by_role("button", name="Offer it").click()
        lena.page.get_by_role("heading", name="Community room").wait_for()
        lena.check()

        will.sign_in(world.will.email)
        will.visit(f"/partnerships/{world.partnership.pk}/resources/")
        will.page.get_by_role("link", name="Community room").click()
        will.check()
        will.page.get_by_label("Day").fill(at(6, 10).date().isoformat())
        will.page.get_by_label("From").fill("10:00")
        will.page.get_by_label("Until").fill("12:30")
        will.page.get_by_label("Note").fill("Food bank advice session")
        will.page.get_by_role("button", name="Ask to book").click()
        will.page.get_by_text("Booking requested").wait_for()
        will.check()

        # Lena hears of it in the app, and the notice leads to the booking.
        lena.visit("/notices/")
        lena.page.get_by_role(
            "link", name="Hillside Food Bank asks to book “Community room”"
        ).click()
        lena.page.get_by_role("heading", name="Community room").wait_for()
        lena.check()
        lena.page.get_by_role("button", name="Confirm Hillside Food Bank's booking").click()
        lena.page.get_by_text("Booking confirmed.").wait_for()
        lena.check()

        for visitor in (lena, will):
            visitor.visit(f"/partnerships/{world.partnership.pk}/ledger/")
            latest = visitor.page.get_by_role("region", name="Latest exchanges")
            assert (
                "Riverside Citizens Advice gave Hillside Food Bank Community room"
                in latest.inner_text()
            )
            table = visitor.page.get_by_role("table", name="Per organisation")
            assert "Hillside Food Bank" in table.inner_text()
    finally:
        lead_context.close()
        wider_context.close()
