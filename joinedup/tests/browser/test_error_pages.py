"""The error pages and help, as someone signed out meets them: axe passes, nothing scrolls
sideways at 320 px, and the 500 page shows its reference and the way on."""

from __future__ import annotations

import re
from typing import Any

import pytest

from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


@pytest.mark.urls("joinedup.ops.tests.boom_urls")
def test_the_404_500_and_help_pages_pass_axe_and_fit_320_pixels(
    db: Any, browser: Any, live_server: Any
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    visitor = Visitor(context.new_page(), live_server.url)
    try:
        assert visitor.visit("/no-such-page/").status == 404
        visitor.page.get_by_role("link", name="Help: where things are and who can help").click()
        visitor.page.get_by_role("heading", name="Help", exact=True).wait_for()
        visitor.check()
        assert visitor.page.evaluate("document.documentElement.scrollWidth") <= 320
        response = visitor.page.goto(live_server.url + "/boom/")
        assert response.status == 500
        # The browser logs the 500 it was answered as a console error: expected here.
        visitor.problems = [p for p in visitor.problems if "status of 500" not in p]
        visitor.check()
        shown = visitor.page.get_by_text(re.compile(r"^Reference: ")).inner_text()
        assert re.fullmatch(r"Reference: [0-9A-F]{4}-[0-9A-F]{4}", shown), shown
        assert visitor.page.evaluate("document.documentElement.scrollWidth") <= 320
        visitor.page.get_by_role("link", name="Go to your partnerships").click()
        visitor.page.wait_for_url(re.compile("/accounts/login/"))  # home asks them to sign in
    finally:
        context.close()
