"""Referring a person with an existing consent to two services, counted.

Stan supports Pat and Sam at Riverside Citizens Advice; each consented to share their name,
contact, safe contact, postcode and needs with Riverside Mind and Hillside Food Bank, and
each needs help with mental health and with money and debt. Six services of those two meet
their needs; three of Riverside Housing Trust do too, but neither consent names it.

From his home page Stan refers Pat by mouse, and Sam by keyboard only, each to Hillside Food
Bank's debt advice and Riverside Mind's talking therapies. Every click is an action; every key
press is a press (Tab, Shift+Tab, Enter and Space each one, each character typed one). The
targets: at most 12 actions by mouse, at most 60 presses by keyboard.

With JOINEDUP_SCREENSHOTS=1 the mouse run saves the confirm step as docs/referral-journey.png.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from joinedup.conftest import add_member, make_org
from joinedup.directory import needs
from joinedup.directory.actions import service_create
from joinedup.directory.models import Taxonomy, TaxonomyTerm
from joinedup.referrals import actions
from joinedup.referrals.models import ConsentMethod, Purpose, Referral, Status
from joinedup.referrals.tests.conftest import protocol_in_force
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser
MOUSE_TARGET, KEYS_TARGET = 12, 60
SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "referral-journey.png"
WANTED = ("Debt advice drop-in — Hillside Food Bank", "Talking therapies — Riverside Mind")
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  const label = e.closest("label") || (e.id && document.querySelector(`label[for="${e.id}"]`));
  return ((label || e).textContent || "").replace(/\\s+/g, " ").trim();
}"""


def the_services(world: SimpleNamespace) -> dict[str, Any]:
    needs.install(Taxonomy, TaxonomyTerm)  # the database is emptied after each browser test

    def need(code: str) -> TaxonomyTerm:
        return TaxonomyTerm.objects.get(pk=needs.term_id(code))

    housing = make_org("Riverside Housing Trust")
    add_member(world.partnership, housing)
    made = {}
    for org, name, code in [
        (world.core_org, "Talking therapies", "mental_health"),
        (world.core_org, "Peer support group", "mental_health"),
        (world.core_org, "Crisis café", "mental_health"),
        (world.wider_org, "Debt advice drop-in", "money_debt"),
        (world.wider_org, "Budgeting course", "money_debt"),
        (world.wider_org, "Welfare benefits advice", "money_debt"),
        (housing, "Tenancy support", "money_debt"),
        (housing, "Hostel key worker", "mental_health"),
        (housing, "Rent arrears advice", "money_debt"),
    ]:
        made[name] = service_create(
            organisation=org, by=None, name=name, needs=[need(code)], referral_method="joined_up"
        )
    return made


def someone_with_consent(world: SimpleNamespace, name: str) -> Any:
    person = actions.person_create(
        organisation=world.lead_org,
        by=world.stan,
        name=name,
        contact="07700 900456",
        safe_contact="Text only.",
        postcode="RV1 2AB",
        needs=["mental_health", "money_debt"],
    )
    actions.consent_record(
        person=person,
        by=world.stan,
        method=ConsentMethod.VERBAL,
        purposes=[Purpose.REFERRAL],
        fields=["name", "contact", "safe_contact", "postcode", "needs"],
        recipients=[world.core_org, world.wider_org],
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    return person


class Counted:
    """A visitor whose clicks and key presses are counted."""

    def __init__(self, visitor: Visitor, *, checks: bool = True) -> None:
        self.visitor, self.page, self.checks = visitor, visitor.page, checks
        self.actions = 0
        self.presses = 0

    def click(self, locator: Any, *, navigates: bool = True) -> None:
        self.actions += 1
        if navigates:
            with self.page.expect_navigation():
                locator.click()
            if self.checks:
                self.visitor.check()
        else:
            locator.click()

    def press(self, key: str, *, navigates: bool = False) -> None:
        self.presses += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
            if self.checks:
                self.visitor.check()
        else:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.presses += len(text)
        self.page.keyboard.type(text)

    def focused(self) -> str:
        return str(self.page.evaluate(FOCUSED))

    def tab_to(self, name: str) -> None:
        """Press Tab until `name` has the focus, counting each press."""
        for _ in range(KEYS_TARGET):
            self.press("Tab")
            if self.focused().rstrip(":") == name:
                return
        raise AssertionError(f"{name!r} never took the focus on {self.page.url}")

    def skip_to_main(self) -> None:
        self.tab_to("Skip to main content")
        self.press("Enter")


def sent_to(person: Any) -> set[tuple[str, str, str]]:
    made = Referral.objects.filter(person=person)
    return set(made.values_list("to_org__name", "service__name", "status"))


EXPECTED = {
    ("Hillside Food Bank", "Debt advice drop-in", Status.SENT),
    ("Riverside Mind", "Talking therapies", Status.SENT),
}


def test_a_worker_refers_someone_to_two_services_in_a_few_actions(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    protocol_in_force(world)
    the_services(world)
    pat = someone_with_consent(world, "Pat Example")
    sam = someone_with_consent(world, "Sam Sample")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    visitor = Visitor(context.new_page(), live_server.url)
    page = visitor.page
    try:
        visitor.sign_in(world.stan.email)

        # By mouse, from the home page.
        mouse = Counted(visitor)
        mouse.click(
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals")
        )
        mouse.click(page.get_by_role("link", name="Refer someone"))
        mouse.click(page.get_by_role("link", name="Pat Example"))
        found = page.get_by_role("group", name="Services to refer to").inner_text()
        assert "Hostel key worker" not in found and "Tenancy support" not in found
        assert "3 services not shown: the consent does not cover their organisations." in (
            page.content()
        )
        for name in WANTED:
            mouse.click(page.get_by_label(name), navigates=False)
        mouse.click(page.get_by_role("button", name="Choose these services"))
        page.get_by_role("heading", name="Refer Pat Example: what is shared").wait_for()
        assert page.get_by_text("To Hillside Food Bank and Riverside Mind.").first.is_visible()
        assert page.get_by_role("checkbox", name="Name", exact=True).is_checked()
        assert not page.get_by_role("checkbox", name="Needs special category").is_checked()
        if os.environ.get("JOINEDUP_SCREENSHOTS") == "1":
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        mouse.click(page.get_by_role("button", name="Send 2 referrals"))
        page.get_by_text("Sent: 2 referrals").wait_for()
        assert sent_to(pat) == EXPECTED
        shared = Referral.objects.filter(person=pat).values_list("fields", flat=True)
        assert all(f == ["name", "contact", "safe_contact", "postcode"] for f in shared)
        assert mouse.actions <= MOUSE_TARGET, f"{mouse.actions} mouse actions"

        # By keyboard only, from the home page again.
        visitor.visit("/")
        keys = Counted(visitor, checks=False)  # the same pages as above: checked there
        keys.tab_to("Referrals")
        keys.press("Enter", navigates=True)
        keys.skip_to_main()
        keys.tab_to("Refer someone")
        keys.press("Enter", navigates=True)
        # Links into the journey lead to its heading: Tab goes on from there.
        keys.tab_to("Sam Sample")
        keys.press("Enter", navigates=True)
        for name in WANTED:
            keys.tab_to(name)
            keys.press("Space")
        keys.tab_to("Choose these services")
        keys.press("Enter", navigates=True)
        keys.tab_to("Why you refer them")
        keys.type("Debts and low mood.")
        keys.tab_to("Send 2 referrals")
        keys.press("Enter", navigates=True)
        page.get_by_text("Sent: 2 referrals").wait_for()
        assert sent_to(sam) == EXPECTED
        assert set(Referral.objects.filter(person=sam).values_list("summary", flat=True)) == {
            "Debts and low mood."
        }
        assert keys.presses <= KEYS_TARGET, f"{keys.presses} key presses"

        # The skip link leads past the list to "Choose these services".
        visitor.visit(f"/referrals/people/{sam.pk}/refer/")
        page.get_by_role("link", name="Skip past the 6 services listed").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert Counted(visitor).focused() == "Choose these services"
        print(f"Referral journey: {mouse.actions} mouse actions, {keys.presses} key presses")
    finally:
        context.close()
