"""An organisation's admin runs its people in a real browser: invites a person, who registers
through the link and joins; changes their role; removes them. Every page passes axe."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail

from joinedup.conftest import make_user
from joinedup.organisations.models import PastAffiliation
from joinedup.partnerships.models import Affiliation
from joinedup.tests.browser.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("jobs_run_at_once")]


def test_an_admin_invites_changes_and_removes_a_person(
    world: SimpleNamespace, visitor: Any, browser: Any, live_server: Any
) -> None:
    ada = make_user("ada@riverside-ca.example", "Ada Admin", world.lead_org, "admin")
    page = visitor.page
    visitor.sign_in(ada.email)
    visitor.visit(f"/organisations/{world.lead_org.pk}/")
    page.get_by_role("link", name="People").click()
    visitor.check()
    assert page.get_by_role("row", name="Stan Staff").is_visible()

    page.get_by_label("Their email address").fill("vic@example.org")
    page.get_by_label("Role").select_option(label="Volunteer")
    page.get_by_label("Job title").fill("Debt adviser")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to vic@example.org.").wait_for()
    visitor.check()
    assert page.get_by_text("Invited, not yet joined").is_visible()

    link = re.search(r"http://[^/]+(/join/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    vic = Visitor(context.new_page(), live_server.url)
    vic.visit(link.group(1))
    vic.page.get_by_label("Your name").fill("Vic Volunteer")
    vic.page.get_by_label("Choose a password").fill("a-good-long-passphrase")
    vic.page.get_by_role("button", name="Accept").click()
    vic.page.get_by_text("Welcome to Riverside Citizens Advice.").wait_for()
    vic.check()
    context.close()
    assert Affiliation.objects.get(user__email="vic@example.org").role == "volunteer"

    visitor.visit(f"/organisations/{world.lead_org.pk}/people/")
    page.get_by_role("link", name="Change role of Vic Volunteer").click()
    visitor.check()
    page.get_by_label("Role").select_option(label="Staff")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Vic Volunteer is now staff.").wait_for()
    visitor.check()

    page.get_by_role("link", name="Remove Vic Volunteer").click()
    visitor.check()
    page.get_by_label("Reason").fill("Moved away")
    page.get_by_role("button", name="Remove Vic Volunteer").click()
    page.get_by_text("Vic Volunteer no longer belongs to Riverside Citizens Advice.").wait_for()
    visitor.check()
    assert page.get_by_text("People who have left").is_visible()
    assert not Affiliation.objects.filter(user__email="vic@example.org").exists()
    assert PastAffiliation.objects.get().reason == "Moved away"


def test_the_people_pages_fit_320_pixels_with_a_long_name_and_address(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    """A long email address wraps rather than scrolling the page sideways, and Cancel stays a
    target of its own beside a button whose long name wraps (axe's target-size)."""
    ada = make_user("ada@riverside-ca.example", "Ada Admin", world.lead_org, "admin")
    long_name = "Invented respondent 2, Riverside Citizens Advice and Money Help"
    make_user("respondent.2@riverside-ca.example", long_name, world.lead_org, "staff")
    context = browser.new_context(viewport={"width": 320, "height": 800})
    visitor = Visitor(context.new_page(), live_server.url)
    page = visitor.page
    visitor.sign_in(ada.email)
    visitor.visit(f"/organisations/{world.lead_org.pk}/people/")
    page.get_by_label("Their email address").fill(
        "new.colleague.with.a.long.address@riversideadvice.org"
    )
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invited, not yet joined").wait_for()
    visitor.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("link", name=f"Remove {long_name}").click()
    visitor.check()  # axe: the Cancel link is not crowded under the wrapped button
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
