"""The lead opens a round of the health check, two partners answer (with two colleagues each),
the lead closes it and sees the bands, where the partners see the partnership differently, and
the network picture."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.health.models import Round
from joinedup.health.statements import FACTORS
from joinedup.health.tests import activity
from joinedup.health.tests.helpers import answer, colleagues
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def answer_every_statement(visitor: Visitor, choice: str) -> None:
    """Choose `choice` (e.g. "4 Agree") for every statement, as a person would, by its label."""
    for factor in FACTORS:
        for statement in factor.statements:
            group = visitor.page.get_by_role("group", name=statement.text, exact=True)
            group.get_by_label(choice, exact=True).check()


def test_the_lead_opens_a_round_two_partners_answer_and_the_lead_sees_bands_and_spread(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    contexts = [browser.new_context(viewport={"width": 1100, "height": 900}) for _ in range(3)]
    lena, cora, will = (Visitor(c.new_page(), live_server.url) for c in contexts)
    p = world.partnership.pk
    try:
        lena.sign_in(world.lena.email)
        lena.visit(f"/partnerships/{p}/")
        lena.page.get_by_role("link", name="Health", exact=True).click()
        lena.check()
        lena.page.get_by_role("link", name="Open a round of the health check").click()
        lena.check()
        lena.page.get_by_role("button", name="Open the round").click()
        lena.page.get_by_text("The health check is open until").wait_for()
        lena.check()
        round_url = lena.page.url

        # The core partner agrees with everything; the wider partner disagrees.
        for visitor, user, choice in (
            (cora, world.cora, "5 Strongly agree"),
            (will, world.will, "2 Disagree"),
        ):
            visitor.sign_in(user.email)
            visitor.visit(f"/partnerships/{p}/health/")
            visitor.page.get_by_role("link", name="Answer the health check").click()
            visitor.check()
            answer_every_statement(visitor, choice)
            visitor.page.get_by_label("What would help this partnership work better?").fill(
                "Decisions shared before they are made"
            )
            visitor.page.get_by_role("button", name="Save my answers").click()
            visitor.page.get_by_text("Thank you: your answers are saved.").wait_for()
            visitor.check()

        # Two more people at each answer (three each), so that once the round closes each
        # organisation's own scores may be shown.
        for org, score in ((world.core_org, 5), (world.wider_org, 2)):
            for user in colleagues(org, 2):
                answer(Round.objects.get(partnership=world.partnership), user, org, score)
        lena.page.goto(round_url)
        lena.check()
        lena.page.get_by_text(
            "The scores and what people wrote are shown when the round"
        ).wait_for()
        # Closing cannot be undone: the link asks first, on a page of its own.
        lena.page.get_by_role("link", name="Close the round now").click()
        lena.page.get_by_text("This cannot be undone.").wait_for()
        lena.check()
        lena.page.get_by_role("button", name="Close the round now").click()
        lena.page.get_by_text("The round is closed.").wait_for()
        lena.check()
        # (5 + 2) / 2 = 3.5 on every factor: borderline; the spread 5 - 2 = 3.0 is flagged.
        factors = lena.page.get_by_role("table", name="Scores per factor").inner_text()
        assert factors.count("Borderline") == len(FACTORS)
        assert "3.0 Seen differently" in factors
        assert lena.page.locator("#factor-chart rect.band.borderline").count() == 1
        assert lena.page.locator("#spread-chart circle").count() == 2 * len(FACTORS)
        flags = lena.page.get_by_role("region", name="Where partners see it differently")
        assert "Riverside Mind (Core) gives 5.0; Hillside Food Bank (Wider) gives 2.0" in (
            flags.inner_text()
        )
        assert "Decisions shared before they are made" in lena.page.content()

        # The network picture: every member drawn, coloured by sector, with its table.
        lena.page.get_by_role("link", name="Who works with whom").click()
        lena.check()
        picture = lena.page.get_by_role("img", name="Who works with whom in Riverside Crisis")
        assert picture.locator("g.node").count() == 3
        legend = lena.page.locator("figure.network-figure figcaption").inner_text()
        assert "Voluntary" in legend and "Faith" in legend
        table = lena.page.get_by_role("region", name="Organisations in the network").inner_text()
        for name in ("Riverside Citizens Advice", "Riverside Mind", "Hillside Food Bank"):
            assert name in table
        # The two partners answered; the lead has done nothing else that the app records.
        lena.page.get_by_role("link", name="Depth and flags").click()
        lena.check()
        flags = lena.page.locator("#flags-title + ul").inner_text()
        assert "In name only Riverside Citizens Advice" in flags
        assert "Riverside Mind" not in flags and "Hillside Food Bank" not in flags
    finally:
        for context in contexts:
            context.close()


def test_a_partner_rates_the_lead_and_logs_time(world: SimpleNamespace, visitor: Visitor) -> None:
    p = world.partnership.pk
    visitor.sign_in(world.cora.email)
    visitor.visit(f"/partnerships/{p}/health/ratings/")
    visitor.page.get_by_label("The partner we rate").select_option(
        label="Riverside Citizens Advice"
    )
    visitor.page.get_by_label("4 Coalition", exact=False).check()
    visitor.page.get_by_label("Reliable: they do what they say they will do.").select_option("3")
    visitor.page.get_by_role("button", name="Save the rating").click()
    visitor.page.get_by_text(
        "Riverside Mind rates working with Riverside Citizens Advice"
    ).wait_for()
    visitor.check()
    # The page shows the organisation's own ratings (and the summary), not every pair's.
    mine = visitor.page.get_by_role("region", name="Your organisation's ratings", exact=True).last
    assert "4 Coalition" in mine.inner_text()

    visitor.visit(f"/partnerships/{p}/health/time/")
    visitor.page.get_by_role("spinbutton", name="Hours").fill("2.5")
    visitor.page.get_by_label("What it was").fill("Case review with the lead")
    visitor.page.get_by_role("button", name="Log the hours").click()
    visitor.page.get_by_text("2.5 hours logged for Riverside Mind.").wait_for()
    visitor.check()
    table = visitor.page.get_by_role("region", name="Hours per organisation").inner_text()
    assert "Riverside Mind\t2.5\t0\t2.5" in table


def test_the_programme_officer_compares_partnerships_and_opens_a_report(
    world: SimpleNamespace, visitor: Visitor
) -> None:
    activity.busy(world)
    activity.small_partnership(world, 1)
    visitor.sign_in(world.otis.email)
    visitor.visit(f"/programmes/{world.programme.pk}/")
    visitor.page.get_by_role("link", name="Partnership health side by side").click()
    visitor.check()
    table = visitor.page.get_by_role("region", name="Partnerships side by side")
    assert "Riverside Crisis Partnership" in table.inner_text()
    assert "Partnership 01" in table.inner_text()
    visitor.page.get_by_role("link", name="Members", exact=True).click()
    visitor.check()
    visitor.page.get_by_label("Depth:").select_option(label="Collaborating")
    visitor.page.get_by_role("button", name="Show").click()
    visitor.page.get_by_text("1 partnership.").wait_for()
    visitor.check()
    visitor.page.get_by_role("link", name="Report on Riverside Crisis Partnership").click()
    visitor.page.get_by_role(
        "heading", name="Riverside Crisis Partnership: partnership health"
    ).wait_for()
    visitor.check()
    assert visitor.page.get_by_role(
        "img", name="Who works with whom in Riverside Crisis"
    ).is_visible()
    visitor.visit(f"/partnerships/{world.partnership.pk}/health/gaps/")
    visitor.check()
