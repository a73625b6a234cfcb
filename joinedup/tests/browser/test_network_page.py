"""The network page in a browser: the picture leads on a wide screen and follows the figures on
a phone; the meetings layer is a checkbox away; axe passes both ways."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from joinedup.health.tests import activity
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_the_picture_leads_when_wide_and_the_figures_lead_when_narrow(
    world: SimpleNamespace, visitor: Visitor
) -> None:
    activity.busy(world)
    page = visitor.page
    visitor.sign_in(world.cora.email)
    path = f"/partnerships/{world.partnership.pk}/health/network/"
    for width, picture_first in ((1280, True), (320, False)):
        page.set_viewport_size({"width": width, "height": 900})
        visitor.visit(path)
        picture = page.get_by_role("img", name="Who works with whom in Riverside Crisis")
        table = page.get_by_role("region", name="Organisations in the network")
        above = picture.bounding_box()["y"] < table.bounding_box()["y"]
        assert above is picture_first, width
    # The picture can be folded away.
    page.get_by_text("Show or hide the picture").click()
    assert not picture.is_visible()


def test_the_meetings_layer_is_a_checkbox(world: SimpleNamespace, visitor: Visitor) -> None:
    activity.busy(world)
    page = visitor.page
    visitor.sign_in(world.lena.email)
    visitor.visit(f"/partnerships/{world.partnership.pk}/health/network/")
    assert page.locator("svg.network line.met").count() == 0
    page.get_by_label("Who sat in the same meetings").check()
    page.get_by_role("button", name="Show").click()
    visitor.check()
    assert page.url.endswith("?layers=meetings")
    assert page.locator("svg.network line.met").count() == 1
    ties = page.get_by_role("region", name="Ties between organisations").inner_text()
    assert "Meetings together" in ties
