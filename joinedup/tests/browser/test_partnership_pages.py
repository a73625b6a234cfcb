"""The lead runs the partnership's membership in a real browser; an outsider finds nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from joinedup.conftest import make_org, make_user
from joinedup.partnerships.models import Membership

pytestmark = pytest.mark.browser


def test_the_lead_opens_the_partnership_and_adds_a_wider_partner(
    world: SimpleNamespace, visitor: Any
) -> None:
    make_org("Hillside Credit Union", "social_enterprise", by=world.lena)
    page = visitor.page
    visitor.sign_in(world.lena.email)
    page.get_by_role("link", name="Riverside Crisis Partnership").click()
    visitor.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Riverside Crisis Partnership"
    assert page.get_by_text("No one in Riverside faces a crisis alone.").is_visible()

    page.get_by_role("link", name="Manage members").click()
    visitor.check()
    page.get_by_label("Organisation:", exact=True).select_option(label="Hillside Credit Union")
    page.get_by_label("Wider partner").check()
    page.get_by_label("Delivery").check()
    focused = visitor.focus_after_swap(page.get_by_role("button", name="Add member").click)
    # Focus lands on the result, so a screen reader hears it and Tab carries on from the form.
    assert page.evaluate("document.activeElement.innerText") == "Hillside Credit Union added."
    assert focused.startswith("p")
    assert page.get_by_role("row", name="Hillside Credit Union").is_visible()
    membership = Membership.objects.get(organisation__name="Hillside Credit Union")
    assert (membership.role, membership.levels) == ("wider", ["delivery"])

    visitor.visit(f"/partnerships/{world.partnership.pk}/")
    assert (
        page.get_by_role("region", name="Members", exact=True)
        .get_by_role("link", name="Hillside Credit Union")
        .is_visible()
    )


def test_a_bad_add_is_explained_on_the_page(world: SimpleNamespace, visitor: Any) -> None:
    visitor.sign_in(world.lena.email)
    visitor.visit(f"/partnerships/{world.partnership.pk}/members/")
    focused = visitor.focus_after_swap(visitor.page.get_by_role("button", name="Add member").click)
    assert focused == "div.error-summary"  # the first error, whose links lead to the fields
    assert (
        "Choose an organisation, or give a new organisation's name"
        in visitor.page.get_by_role("alert").inner_text()
    )


def test_the_outsider_gets_404(world: SimpleNamespace, visitor: Any) -> None:
    visitor.sign_in(world.olive.email)
    assert "Riverside" not in visitor.page.content()
    response = visitor.visit(f"/partnerships/{world.partnership.pk}/")
    assert response.status == 404
    assert visitor.page.get_by_role("heading", name="Page not found").is_visible()


def test_pages_fit_320_pixels_wide(world: SimpleNamespace, browser: Any, live_server: Any) -> None:
    from joinedup.tests.browser.conftest import Visitor

    # A long email address, as real ones are, among the members' contacts on the overview.
    long = "partnerships.and.volunteering@riverside-citizens-advice-bureau.org.uk"
    world.wider_membership.contacts.add(make_user(long, "Pat Long"))
    context = browser.new_context(viewport={"width": 320, "height": 640})
    visitor = Visitor(context.new_page(), live_server.url)
    try:
        visitor.sign_in(world.lena.email)
        for path in (
            f"/partnerships/{world.partnership.pk}/",
            f"/partnerships/{world.partnership.pk}/members/",
            "/settings/",
        ):
            visitor.visit(path)
            width = visitor.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{path} scrolls sideways: {width}px"
            if path.endswith(f"/{world.partnership.pk}/"):
                assert visitor.page.get_by_role("link", name=long).is_visible()
    finally:
        context.close()


def test_without_javascript_the_lead_still_adds_a_member(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    from joinedup.tests.browser.conftest import Visitor

    make_org("Hillside Credit Union", "social_enterprise", by=world.lena)
    context = browser.new_context(java_script_enabled=False)
    visitor = Visitor(context.new_page(), live_server.url, javascript=False)
    try:
        visitor.sign_in(world.lena.email)
        visitor.visit(f"/partnerships/{world.partnership.pk}/members/")
        visitor.page.get_by_label("Organisation:", exact=True).select_option(
            label="Hillside Credit Union"
        )
        visitor.page.get_by_role("button", name="Add member").click()
        visitor.page.get_by_text("Hillside Credit Union added.").wait_for()
        assert Membership.objects.filter(organisation__name="Hillside Credit Union").exists()
    finally:
        context.close()


def test_every_page_passes_axe(world: SimpleNamespace, visitor: Any) -> None:
    """A tour of the app's pages as the lead, each checked by axe as it opens."""
    p, m = world.partnership.pk, world.wider_membership.pk
    for path in ("/accounts/login/", "/accounts/password_reset/"):
        visitor.visit(path)
    visitor.sign_in(world.lena.email)
    for path in (
        f"/partnerships/{p}/history/",
        f"/partnerships/{p}/audit/",
        f"/partnerships/{p}/members/{m}/",
        f"/partnerships/{p}/members/{m}/leave/",
        f"/organisations/{world.lead_org.pk}/",
        f"/organisations/{world.lead_org.pk}/edit/",
        f"/programmes/{world.programme.pk}/",
        "/accounts/password_change/",
    ):
        visitor.visit(path)
    from joinedup.partnerships import invitations

    _, raw = invitations.invitation_send(
        by=world.lena,
        partnership=world.partnership,
        email="new@example.org",
        contact_name="New Contact",
        role="wider",
        organisation_name="New Org",
        sector="community",
    )
    visitor.visit(f"/invitations/{raw}/")
    visitor.visit("/settings/")
    visitor.page.get_by_label("Name").fill("Monthly report")
    visitor.page.get_by_role("button", name="Make a token").click()
    visitor.page.get_by_text("copy it now").wait_for()
    visitor.check()
    visitor.visit(f"/partnerships/{p}/members/{m}/leave/")
    visitor.page.get_by_role("button", name="Record leaving").click()
    visitor.page.get_by_role("alert").wait_for()
    visitor.check()
    # A valid leaving is shown back, to be confirmed: it cannot be undone.
    visitor.page.get_by_label("Why it is leaving").fill("Its funding ended.")
    visitor.page.get_by_role("button", name="Record leaving").click()
    visitor.page.get_by_text("This cannot be undone.").wait_for()
    visitor.check()

    from joinedup.partnerships.tests.test_access import resources
    from joinedup.resources import actions

    r = resources(world)
    actions.booking_confirm(booking=r.booking, by=None)
    for path in (
        f"/partnerships/{p}/resources/",
        f"/partnerships/{p}/resources/offers/new/",
        f"/partnerships/{p}/resources/offers/{r.room.pk}/",
        f"/partnerships/{p}/resources/offers/{r.advice.pk}/",
        f"/partnerships/{p}/resources/requests/new/",
        f"/partnerships/{p}/resources/requests/{r.request.pk}/",
        f"/partnerships/{p}/ledger/",
        f"/partnerships/{p}/documents/",
        f"/partnerships/{p}/agreements/",
        f"/partnerships/{p}/must-dos/",
        f"/partnerships/{p}/composition/",
        f"/partnerships/{p}/members/invite/",
        f"/partnerships/{p}/criteria/",
        f"/partnerships/{p}/agreements/new/",
        f"/partnerships/{p}/agreements/{r.agreement.pk}/",
        f"/partnerships/{p}/agreements/{r.agreement.pk}/v1/edit/",
        f"/partnerships/{p}/agreements/{r.agreement.pk}/diff/",
    ):
        visitor.visit(path)
    from django.urls import reverse

    from joinedup.partnerships.tests.test_access import meeting_urls

    post_only = {
        "agenda_add",
        "agenda_circulate",
        "attendance_record",
        "minutes_record",
        "action_add",
        "action_status",
        "concern_answer",
        "position_cast",
        "proposal_outcome",
        "proposal_ratify",
    }
    for name, path in meeting_urls(world, r).items():
        if name not in post_only:
            visitor.visit(path)
    visitor.visit(reverse("meeting", args=[p, r.meetings.past.pk]))
    visitor.visit(reverse("notices"))
    # A form refused: the errors are announced and the page still passes.
    visitor.visit(reverse("proposal_new", args=[p]))
    visitor.page.get_by_role("button", name="Open the proposal").click()
    visitor.page.get_by_role("alert").wait_for()
    visitor.check()
    from joinedup.partnerships import invitations

    _, raw = invitations.invitation_send(
        by=world.lena,
        partnership=world.partnership,
        email="new@example.org",
        contact_name="New Contact",
        role="wider",
        organisation_name="New Org",
        sector="community",
    )
    visitor.visit(f"/invitations/{raw}/")
