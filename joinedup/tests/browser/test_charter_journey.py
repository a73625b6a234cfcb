"""The Good Partners Charter in a browser: an organisation signs it; a person assesses their
own skills; three partners rate an organisation, which reads how others see it beside its own
view once the lead has closed the peer view; the funder sees the programme's Charter column.
Axe runs on every Charter page."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from joinedup.charter import actions
from joinedup.charter.models import PeerView, Signature
from joinedup.conftest import add_member, make_org, make_user
from joinedup.partnerships.models import MemberRole
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_sign_assess_rate_and_read(world: SimpleNamespace, browser: Any, live_server: Any) -> None:
    g, p, lead = world.programme.pk, world.partnership.pk, world.lead_org
    year = timezone.localdate().year
    draft = actions.charter_start(by=world.otis, programme=world.programme)
    actions.charter_advance(version=draft, by=world.otis, to="adopted")
    drop_in = make_org("Dale Drop-in")
    add_member(world.partnership, drop_in, MemberRole.WIDER)
    dale = make_user("dale@dropin.example", "Dale Drop", drop_in)
    contexts = [browser.new_context() for _ in range(4)]
    lena, stan, cora, otis = (Visitor(c.new_page(), live_server.url) for c in contexts)
    try:
        lena.sign_in(world.lena.email)
        # Her home asks her to sign; the link leads to the signing form.
        lena.visit("/")
        lena.page.get_by_role("link", name="sign it for Riverside Citizens Advice").click()
        lena.page.wait_for_url(f"**/programmes/{g}/charter/#sign-title")
        lena.check()
        lena.page.get_by_label("Our board or management committee has been told").check()
        lena.page.get_by_role("button", name="Sign the Charter").click()
        lena.page.get_by_text("Signed for Riverside Citizens Advice.").wait_for()
        lena.check()
        assert Signature.objects.get().signed_by == world.lena
        lena.visit(f"/programmes/{g}/charter/signatories/")
        lena.page.get_by_role("rowheader", name="Riverside Citizens Advice").wait_for()
        lena.visit(f"/programmes/{g}/charter/recruitment/")
        # The lead opens this year's peer view, closing four weeks on (the date offered).
        lena.visit(f"/partnerships/{p}/charter/")
        lena.page.get_by_label("Ratings close on").wait_for()
        lena.page.get_by_role("button", name=f"Open the {year} peer view").click()
        lena.page.get_by_text("The peer view is open until").wait_for()
        lena.check()
        peer_view = PeerView.objects.get()

        stan.sign_in(world.stan.email)
        stan.visit(f"/programmes/{g}/charter/self-assessment/")
        present = stan.page.get_by_role("group", name="Turn up and be present", exact=True)
        present.get_by_label("3", exact=True).check()
        present.get_by_role("textbox").fill("I chaired the March meeting.")
        stan.page.get_by_role("button", name="Save my self-assessment").click()
        stan.page.get_by_text("Your self-assessment is saved.").wait_for()
        stan.check()
        stan.visit(f"/programmes/{g}/charter/organisations/{lead.pk}/skills/")
        stan.page.get_by_text("Too few people have assessed themselves").wait_for()

        cora.sign_in(world.cora.email)
        cora.visit(f"/partnerships/{p}/charter/")
        cora.page.get_by_role("link", name="Rate Riverside Citizens Advice").click()
        cora.check()
        cora.check_narrow()
        # Each principle's signs come first, then its score; nothing is chosen for her.
        for group in cora.page.get_by_role("group", name="Our score for").all():
            assert not group.get_by_role("radio", checked=True).count()
            group.get_by_label("Don't know").check()
        group = cora.page.get_by_role("group", name="Our score for “We turn up and are present”")
        group.get_by_label("2", exact=True).check()
        cora.page.get_by_label("A comment (shown without your name)").fill("Often missing.")
        cora.page.get_by_role("button", name="Save our view").click()
        cora.page.get_by_text("Your view of Riverside Citizens Advice is saved.").wait_for()
        cora.check()
        for by, org in ((world.will, world.wider_org), (dale, drop_in), (world.lena, lead)):
            actions.peer_rate(
                peer_view=peer_view,
                by=by,
                rater_org=org,
                rated_org=lead,
                scores={"present": 4 if org == lead else 2},
            )

        # Results show only once the peer view is closed: the lead closes it early.
        lena.visit(f"/partnerships/{p}/charter/")
        lena.page.get_by_text("Its results are shown once it closes").wait_for()
        lena.page.get_by_role("link", name="Close the peer view now").click()
        # It asks first, saying how many members have rated (all four here).
        lena.page.get_by_text("4 of 4 members have rated so far").wait_for()
        lena.check()
        lena.page.get_by_role("button", name=re.compile(r"^Close peer view \d{4}$")).click()
        lena.page.get_by_text("The peer view is closed").wait_for()
        table = lena.page.get_by_role("region", name="How others see Riverside Citizens Advice")
        row = table.get_by_role("row", name="We turn up and are present")
        assert row.inner_text().split("\t")[1:3] == ["2.0", "4.0"]
        assert "We see ourselves higher" in row.inner_text()
        lena.check()
        # At 320 px the table fits its box: the tag wraps rather than being cut off.
        size = lena.page.viewport_size
        lena.page.set_viewport_size({"width": 320, "height": size["height"]})
        try:
            widths = lena.page.evaluate(
                "() => [...document.querySelectorAll('table.peer-result')].map("
                "t => [t.closest('.table-wrap').scrollWidth, t.closest('.table-wrap').clientWidth])"
            )
        finally:
            lena.page.set_viewport_size(size)
        assert widths and all(scroll <= box for scroll, box in widths), widths
        lena.visit(f"/partnerships/{p}/charter/evidence/{lead.pk}/")
        lena.visit(f"/partnerships/{p}/charter/plan/{lead.pk}/")
        # The lead starts the partnership's own revision and opens its text to edit.
        lena.visit(f"/partnerships/{p}/charter/")
        lena.page.get_by_role("button", name="Start our own revision").click()
        lena.page.get_by_role("link", name="Edit version 1").click()
        lena.page.get_by_role("group", name="We turn up and are present").wait_for()
        lena.check()
        lena.check_narrow()

        otis.sign_in(world.otis.email)
        otis.visit(f"/programmes/{g}/")
        row = otis.page.get_by_role("row", name="Riverside Crisis Partnership")
        assert "1 of 4 signed" in row.inner_text()
        assert f"Peer view {year}: scores 2 to 2" in row.inner_text()
    finally:
        for context in contexts:
            context.close()
