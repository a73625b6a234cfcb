"""The checks every browser test relies on fail when they should: on a page made up here, no
server and no database, so this costs a second."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html><html lang="en"><head><title>A page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>A page</h1>{}</main></body></html>"""


@pytest.fixture
def bare(browser: Any) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield Visitor(context.new_page(), "")
    context.close()


def test_a_page_that_fits_passes(bare: Visitor) -> None:
    bare.page.set_content(PAGE.format("<p>Short words wrap.</p>"))
    bare.check()
    assert bare.page.viewport_size == {"width": 1100, "height": 900}  # widened back


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<p id="twice">One</p><p id="twice">Two</p>', "ids used more than once: .'twice"),
        (
            '<p style="width: 400px">a.very.long.address@example.org</p>',
            'scrolls sideways at 320 px: scrollWidth 4.. px; widest: p "a.very',
        ),
        (
            '<svg viewBox="0 0 1000 100" style="width: 100%" role="img" aria-label="A chart">'
            '<text x="0" y="50" style="font-size: 13px">Label</text></svg>',
            r'chart text under 12 px at 320 px: \[\'"Label" 4.0 px',  # 13 px at 304/1000
        ),
        ('<img src="data:,">', "image-alt"),  # axe: an image with no text alternative
    ],
    ids=["duplicate id", "sideways at 320 px", "chart text too small", "axe"],
)
def test_it_fails_on(bare: Visitor, body: str, message: str) -> None:
    bare.page.set_content(PAGE.format(body))
    with pytest.raises(AssertionError, match=message):
        bare.check()
    assert bare.page.viewport_size == {"width": 1100, "height": 900}


def test_it_fails_when_a_swap_leaves_focus_on_the_body(bare: Visitor) -> None:
    # No focus.js here: the settle event comes and focus stays where htmx left it.
    bare.page.set_content(PAGE.format('<div id="panel"><p>Swapped in.</p></div>'))
    settle = (
        "document.getElementById('panel')"
        ".dispatchEvent(new Event('htmx:afterSettle', {bubbles: true}))"
    )
    with pytest.raises(AssertionError, match="focus lost to the page's body after a swap"):
        bare.focus_after_swap(lambda: bare.page.evaluate(settle))


def test_axe_checks_the_page_again_after_a_change(bare: Visitor) -> None:
    bare.page.set_content(PAGE.format('<div id="panel"><p>Before.</p></div>'))
    bare.check()
    bare.page.evaluate("document.getElementById('panel').innerHTML = '<img src=\"data:,\">'")
    with pytest.raises(AssertionError, match="image-alt"):
        bare.check()
