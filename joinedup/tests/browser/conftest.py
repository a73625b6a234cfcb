"""Pages in a real browser: Playwright driving Debian's chromium, with axe on every page.

Every page a browser test opens goes through `visit`, which fails the test on any WCAG 2.2 A or
AA violation axe finds, and on any script error or content-security-policy violation.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's guard against calling the
# ORM from async code would otherwise refuse the live server's database work.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("JOINEDUP_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip(
            f"Browser tests need Debian's chromium at {CHROMIUM}: apt-get install -y chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


class Visitor:
    """A page in the browser that checks every page it opens."""

    def __init__(self, page: Any, base_url: str, javascript: bool = True) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.page, self.base_url, self.axe = page, base_url, Axe()
        self.javascript = javascript  # axe runs in the page, so it cannot check a page without it
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message: Any) -> None:
        # A 404 or 422 is an answer the test expects; the browser logs each one as an error.
        expected = "the server responded with a status of 4" in message.text
        if message.type == "error" and not expected:
            self.problems.append(f"console error: {message.text}")

    def visit(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self) -> None:
        """Run axe on the page as it is now; fail on any WCAG A/AA violation or console error."""
        self.page.wait_for_load_state("load")
        if not self.javascript:
            return
        results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
        assert results.violations_count == 0, f"{self.page.url}:\n{results.generate_report()}"
        assert self.problems == [], f"{self.page.url}: {self.problems}"

    def sign_in(self, email: str, password: str = "a-long-test-password") -> None:
        self.visit("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(self.base_url + "/")
        self.check()


@pytest.fixture
def visitor(browser: Any, live_server: Any) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield Visitor(page, live_server.url)
    context.close()
