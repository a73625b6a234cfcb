"""The evaluator's journey in a browser: code two passages of an interview (and two more
selected with the keyboard), write a cell's summary and read the matrix; axe on every
learning page, at 1280 and 320 px."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from joinedup.learning.models import Highlight
from joinedup.learning.tests.conftest import learning  # noqa: F401  (the fixture)
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_an_evaluator_codes_two_passages_and_reads_the_matrix(
    learning: SimpleNamespace,  # noqa: F811
    visitor: Visitor,
) -> None:
    w, page = learning, visitor.page
    base = f"/programmes/{w.programme.pk}/learning/"
    page.set_viewport_size({"width": 1280, "height": 900})
    visitor.sign_in(w.eve.email)
    visitor.visit(base + "sources/")
    # At 320 px each source's action is in view, without scrolling sideways.
    page.set_viewport_size({"width": 320, "height": 900})
    action = page.get_by_role("link", name="Code Interview with the lead")
    box = action.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    action.click()
    visitor.check()
    for passage, theme in (
        ("We trust each other now 🤝", "Working together: Trust"),
        ("The café meetings helped communication", "Working together: Communication"),
    ):
        page.get_by_label("Passage").fill(passage)
        page.get_by_label("Theme").select_option(label=theme)
        page.get_by_role("button", name="Code the passage").click()
        assert page.get_by_text(f"“{passage}”").is_visible()
    visitor.check()  # the page with its highlights marked
    assert page.locator("#source-text mark").count() == 2
    page.get_by_role("link", name="Remove your coding “The café meetings").click()
    page.get_by_role("button", name="Remove my coding").wait_for()
    visitor.check()
    page.go_back()
    # With the keyboard: a caret moves in the text, and Shift with the arrows selects.
    for skip, passage, appearance in (
        ("", "Staff turnover", "1"),
        # "co" is in "communication" too: the second appearance, found as the server finds it.
        ("Staff turnover hurt: two ", "co", "2"),
    ):
        page.get_by_role("textbox", name="The source's text").focus()
        for key in ("ArrowDown", "ArrowDown", "Home", *["ArrowRight"] * len(skip)):
            page.keyboard.press(key)
        for _ in passage:
            page.keyboard.press("Shift+ArrowRight")
        # The field follows the selection when the browser reports it (an event, not at once).
        expect(page.get_by_label("Passage")).to_have_value(passage)
        expect(page.get_by_label("Which appearance")).to_have_value(appearance)
        page.get_by_label("Theme").select_option(label="Capacity: Staff turnover and capacity")
        page.get_by_role("button", name="Code the passage").click()
        assert page.get_by_text(f"“{passage}”").is_visible()
    visitor.check()
    coded = Highlight.objects.filter(theme=w.turnover).order_by("start")
    text = w.interview.text  # code points: 🤝 before them is one, though two in the browser
    assert [(h.start, h.end) for h in coded] == [
        (text.index("Staff turnover"), text.index("Staff turnover") + 14),
        (text.index("coordinators"), text.index("coordinators") + 2),
    ]
    visitor.visit(base)
    matrix = page.get_by_role("region", name="Learning matrix")
    row = matrix.get_by_role("row", name=w.partnership.name)
    assert row.get_by_role("link", name="1 passage").count() == 2
    assert matrix.get_by_text("not mentioned").count() == 3  # Hillside's three
    row.get_by_role("link", name="1 passage").first.click()
    visitor.check()
    page.get_by_label("Summary").fill("Trust took a year to build.")
    page.get_by_label("“We trust each other now 🤝”", exact=False).check()
    page.get_by_role("button", name="Save the summary").click()
    page.wait_for_url(f"**{base}?cases=partnership")
    assert "summary" in matrix.inner_text()
    for path in ("framework/", "evaluators/", f"themes/{w.trust.pk}/"):
        visitor.visit(base + path)
    visitor.visit(f"/partnerships/{w.partnership.pk}/learning/")
    assert page.get_by_text("Trust took a year to build.").is_visible()
    page.set_viewport_size({"width": 320, "height": 800})
    source = f"{base}sources/{w.interview.pk}/"
    # The matrix; the learning column; the sources, sorted by case; one source with its marks.
    for path in (base, f"/programmes/{w.programme.pk}/", base + "sources/?sort=case", source):
        visitor.visit(path)
