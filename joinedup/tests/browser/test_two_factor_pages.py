"""Two-factor sign-in in a real browser: set it up from the settings page with the QR code's
secret, then sign out and sign in again with a code from the "app"."""

from __future__ import annotations

from base64 import b32decode
from types import SimpleNamespace
from typing import Any

import pytest
from django_otp.oath import totp

from joinedup.conftest import make_user
from joinedup.tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def app_code(secret: str, drift: int = 0) -> str:
    """What an authenticator app shows for the typed secret (`drift` steps of 30 s later)."""
    key = secret.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key), drift=drift):06d}"


def test_someone_sets_up_two_factor_and_signs_in_with_a_code(
    world: SimpleNamespace, visitor: Visitor
) -> None:
    page = visitor.page
    visitor.sign_in(world.will.email)
    visitor.visit("/settings/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    visitor.check()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    page.get_by_role("heading", name="Scan this QR code with your app").wait_for()
    visitor.check()
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn two-factor sign-in on").click()
    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()
    visitor.check()
    assert page.locator("#recovery-codes li").count() == 10

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Email").fill(world.will.email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/login/code/")
    visitor.check()
    page.get_by_label("Code").fill(app_code(secret, drift=1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(visitor.base_url + "/")
    visitor.check()
    assert page.get_by_role("button", name="Sign out").count() == 1


def test_the_settings_and_qr_code_fit_a_320_pixel_screen_whole(
    world: SimpleNamespace, browser: Any, live_server: Any
) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 800})
    visitor = Visitor(context.new_page(), live_server.url)
    long = make_user("bartholomew.fotheringham@riverside-ca.example", "Bart", world.lead_org)
    visitor.sign_in(long.email)
    visitor.visit("/settings/")  # the long address wraps
    assert visitor.page.evaluate("document.documentElement.scrollWidth") <= 320
    visitor.visit("/settings/two-factor/")
    visitor.page.get_by_role("button", name="Set up two-factor sign-in").click()
    visitor.page.get_by_role("heading", name="Scan this QR code with your app").wait_for()
    visitor.check()
    assert visitor.page.evaluate("document.documentElement.scrollWidth") <= 320
    box = visitor.page.locator(".qr svg").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 320 and box["width"] > 200
    assert abs(box["width"] - box["height"]) < 1  # scaled, not cropped
    context.close()
