"""A worker records a person and their consent, finds two services and sends both referrals
at once; one receiver accepts, the other declines with a reason; the worker sees both."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.directory import needs
from joinedup.directory.actions import service_create
from joinedup.directory.models import Taxonomy, TaxonomyTerm
from joinedup.referrals.models import Referral
from joinedup.referrals.tests.conftest import protocol_in_force
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser
REFERRAL = re.compile(r"^Referral \d+$")
NAME = re.compile(r"^Name:?$")


def test_a_net_of_two_referrals_is_sent_accepted_and_declined(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    # A browser test's database is emptied after each test: make the protocol and services here.
    protocol_in_force(world)
    needs.install(Taxonomy, TaxonomyTerm)
    service_create(
        organisation=world.core_org,
        by=None,
        name="Talking therapies",
        needs=[TaxonomyTerm.objects.get(pk=needs.term_id("mental_health"))],
    )
    service_create(
        organisation=world.wider_org,
        by=None,
        name="Emergency food parcels",
        needs=[TaxonomyTerm.objects.get(pk=needs.term_id("food"))],
    )
    contexts = [browser.new_context() for _ in range(3)]
    stan, cora, will = (Visitor(c.new_page(), live_server.url) for c in contexts)
    try:
        stan.sign_in(world.stan.email)
        main_menu = stan.page.get_by_role("navigation", name="Main")
        main_menu.get_by_role("link", name="Referrals").click()
        stan.check()
        stan.page.get_by_role("link", name="New person").click()
        stan.check()
        stan.page.get_by_label(NAME).fill("Pat Example")
        stan.page.get_by_label("How to contact them").fill("07700 900123")
        stan.page.get_by_label("How not to contact them").fill("Text only after 6pm.")
        stan.page.get_by_label("Postcode").fill("RV1 2AB")
        stan.page.get_by_label("Mental health").check()
        stan.page.get_by_label("Food", exact=True).check()
        stan.page.get_by_role("button", name="Save").click()
        stan.page.get_by_role("heading", name="Pat Example").wait_for()
        stan.check()

        stan.page.get_by_role("link", name="Record consent").first.click()
        stan.check()
        stan.page.get_by_label("Verbal").check()
        stan.page.get_by_role("checkbox", name="Name", exact=True).check()
        stan.page.get_by_role("checkbox", name="How to contact them").check()
        stan.page.get_by_role("checkbox", name="Needs (special category)").check()
        stan.page.get_by_label("Riverside Mind").check()
        stan.page.get_by_label("Hillside Food Bank").check()
        stan.page.get_by_role("button", name="Record consent").click()
        stan.page.get_by_text("You agreed on").wait_for()
        assert "may share your name, how to contact you and your needs with Hillside Food Bank" in (
            stan.page.content()
        )
        stan.check()

        stan.page.get_by_role("link", name="Pat Example").click()
        stan.page.get_by_role("link", name="Refer", exact=True).click()
        stan.check()
        # The form opens with her consent, the protocol and her needs chosen: both services
        # meet one of them.
        stan.page.get_by_label("Talking therapies — Riverside Mind").check()
        stan.page.get_by_label("Emergency food parcels — Hillside Food Bank").check()
        stan.page.get_by_role("button", name="Choose these services").click()
        stan.page.get_by_role("heading", name="Refer Pat Example: what is shared").wait_for()
        stan.check()
        # Neither protocol nor consent lets notes go: not offered, and the page says why.
        assert stan.page.get_by_role("checkbox", name=re.compile("^Notes")).count() == 0
        assert "Notes: The protocol does not let notes be shared." in stan.page.content()
        assert stan.page.get_by_role("checkbox", name="Name", exact=True).is_checked()
        assert stan.page.get_by_role("checkbox", name="How to contact them").is_checked()
        # Each service is chosen for one of Pat's needs.
        stan.page.get_by_label("Which need Talking therapies is for").select_option(
            label="Mental health"
        )
        stan.page.get_by_label("Which need Emergency food parcels is for").select_option(
            label="Food"
        )
        stan.page.get_by_label("Why you refer them").fill("Anxious, and short of food.")
        stan.page.get_by_role("button", name="Send 2 referrals").click()
        stan.page.get_by_text("Sent: 2 referrals,").wait_for()
        stan.check()
        assert dict(Referral.objects.values_list("to_org__name", "need")) == {
            "Riverside Mind": "mental_health",
            "Hillside Food Bank": "food",
        }

        cora.sign_in(world.cora.email)
        cora.visit("/referrals/")
        cora.page.get_by_role("link", name=REFERRAL).click()
        cora.page.get_by_text("Pat Example").first.wait_for()
        cora.check()
        cora.page.get_by_role("button", name="Accept").click()
        cora.page.get_by_text("Accepted.").wait_for()
        cora.check()
        cora.page.get_by_role("link", name="Pass it on to another service").click()
        cora.page.get_by_label("Words").fill("parcels")
        cora.page.get_by_role("button", name="Search").click()
        cora.page.get_by_label("Emergency food parcels — Hillside Food Bank").wait_for()
        cora.check()

        will.sign_in(world.will.email)
        will.visit("/referrals/")
        will.page.get_by_role("link", name=REFERRAL).click()
        will.check()
        will.page.get_by_label("Reason").select_option(label="No capacity")
        will.page.locator("#decline-note").fill("No parcels left this week.")
        will.page.get_by_role("button", name="Decline").click()
        will.page.get_by_text("Declined.").wait_for()
        will.check()

        stan.visit("/referrals/")
        sent = stan.page.get_by_role("region", name="Referrals sent").inner_text()
        assert "Accepted" in sent
        assert "Declined: No capacity" in sent
        stan.page.get_by_role("link", name=REFERRAL).first.click()
        stan.check()
        # The partnership's register of protocols, and the terms of the one in force.
        stan.visit(f"/partnerships/{world.partnership.pk}/")
        stan.page.get_by_role("link", name="Data sharing").click()
        stan.check()
        stan.page.get_by_role("link", name="Terms").click()
        stan.page.get_by_role("heading", name="What may be shared").wait_for()
        stan.check()
    finally:
        for context in contexts:
            context.close()


def test_the_leads_manager_sets_a_protocols_terms_before_sign_off(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    from joinedup.agreements import actions as agreements

    agreement = agreements.agreement_create(
        by=None, partnership=world.partnership, kind="data_sharing", title="Referrals protocol"
    )
    context = browser.new_context()
    lena = Visitor(context.new_page(), live_server.url)
    try:
        lena.sign_in(world.lena.email)
        lena.visit(agreement.versions.get().get_absolute_url())
        lena.page.get_by_role("link", name="Its data-sharing terms").click()
        lena.check()
        lena.page.get_by_label("Lawful basis").select_option("consent")
        lena.page.locator("#id_name-flows").check()
        lena.page.locator("#id_name-purposes_0").check()
        lena.page.get_by_role("button", name="Save the terms").click()
        lena.page.get_by_text("The data-sharing terms are saved.").wait_for()
        lena.check()
        assert "Never shared: How to contact them" in lena.page.content()
    finally:
        context.close()
