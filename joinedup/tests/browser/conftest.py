"""Pages in a real browser: Playwright driving Debian's chromium, with axe on every page.

Every page a browser test opens goes through `visit` (or `check`, after a click), which fails
the test on:

- any WCAG 2.2 A or AA violation axe finds;
- any script error or content-security-policy violation;
- any id used twice in the page (axe does not report it, yet a label then names the wrong
  control): a form shown beside others with the same field names subclasses
  `joinedup.forms.IdPrefixedForm` (or takes a `prefix` or `auto_id`);
- sideways scrolling at 320 px: the check narrows the viewport to 320 px, compares the
  document's `scrollWidth` with its `clientWidth`, names the widest elements that stick out,
  and widens it back. Long words and email addresses must wrap (`overflow-wrap: anywhere` on
  their container); wide tables sit in a `.table-wrap`, which scrolls on its own;
- chart text drawn smaller than 12 px at 320 px: every visible `<text>` in an SVG is measured
  as its computed font size times the SVG's scale on screen (`getScreenCTM`). A chart from
  `joinedup.lib.charts` draws a narrow twin for small screens; a picture that cannot reflow
  scrolls inside its own box at full size.

For a click that makes htmx swap, call `focus_after_swap(click)`: it waits for the swap to
settle and fails when focus has been left on `body` (static/joinedup/focus.js moves it to the
result or the first error), then checks the page as above.
A page opened with JavaScript off is not checked (the checks run in the page).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
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
NARROW = 320  # px: the narrowest screen every page must fit without scrolling sideways
SMALLEST_CHART_TEXT = 12  # px, as rendered at NARROW
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
        results = self.run_axe()
        assert results.violations_count == 0, f"{self.page.url}:\n{results.generate_report()}"
        assert self.problems == [], f"{self.page.url}: {self.problems}"
        duplicates = self.page.evaluate(DUPLICATE_IDS)
        assert duplicates == [], f"{self.page.url}: ids used more than once: {duplicates}"
        self.check_narrow()

    def run_axe(self) -> Any:
        """axe on the page as it is now, for WCAG 2.2 A and AA. axe is put into a document once
        (a check after an htmx swap reuses it) and gives back only its violations: what passed
        would be every node of the page, sent back from the browser to be thrown away."""
        from axe_playwright_python.base import AxeResults

        if not self.page.evaluate("() => typeof window.axe?.run === 'function'"):
            self.page.evaluate(self.axe.axe_script)
        options = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}
        return AxeResults(self.page.evaluate("(options) => axe.run(document, options)", options))

    def check_narrow(self) -> None:
        """At 320 px: no sideways scrolling, and no chart text drawn under 12 px."""
        size = self.page.viewport_size
        if size["width"] != NARROW:
            self.page.set_viewport_size({"width": NARROW, "height": size["height"]})
        try:
            wider = self.page.evaluate(OVERFLOW)
            small = self.page.evaluate(SMALL_CHART_TEXT, SMALLEST_CHART_TEXT)
        finally:
            if size["width"] != NARROW:
                self.page.set_viewport_size(size)
        assert wider is None, f"{self.page.url} scrolls sideways at {NARROW} px: {wider}"
        assert small == [], f"{self.page.url}: chart text under 12 px at {NARROW} px: {small}"

    def focus_after_swap(self, act: Callable[[], Any]) -> str:
        """Do `act` (a click that makes htmx swap), wait for the swap to settle, fail if focus
        was left on the page's body, then check the page. Returns what has focus, as
        `tag#id` or `tag.class`, for the test to assert where it went."""
        self.page.evaluate(AWAIT_SETTLE)
        act()
        self.page.evaluate("() => window.joinedupSettled")
        focused = self.page.evaluate(FOCUSED)
        assert focused != "body", f"{self.page.url}: focus lost to the page's body after a swap"
        self.check()
        return str(focused)

    def sign_in(
        self, email: str, password: str = "a-long-test-password", *, with_the_form: bool = False
    ) -> None:
        """Signed in as `email`, on the home page. Through the sign-in form `with_the_form`
        (its own tests do that); otherwise the browser is given a session made on the server,
        as Django's test client's `force_login` makes one, and opens home: the form's page
        would otherwise be loaded and checked again for every person of every test."""
        if not with_the_form:
            from django.conf import settings
            from django.test import Client

            from joinedup.accounts.models import User

            user = User.objects.get(email=email)
            assert user.check_password(password), f"{email}'s password is not {password!r}"
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.page.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.base_url}]
            )
            self.visit("/")
            return
        self.visit("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(self.base_url + "/")
        self.check()


DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n} times)`);
}"""

# Names the elements sticking out past the right edge, widest first; null when none do.
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const edge = root.clientWidth + 1;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > edge && box.width > 0) out.push([box.width, el]);
  }
  out.sort((a, b) => b[0] - a[0]);
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "") +
    ` "${(el.textContent || "").trim().slice(0, 40)}"`;
  return `scrollWidth ${root.scrollWidth} px; widest: ` +
    out.slice(0, 5).map(([w, el]) => `${name(el)} ${Math.round(w)} px`).join("; ");
}"""

SMALL_CHART_TEXT = """(smallest) => {
  const small = [];
  for (const text of document.querySelectorAll("svg text")) {
    if (!text.textContent.trim() || text.getClientRects().length === 0) continue;
    const matrix = text.getScreenCTM();
    const scale = Math.hypot(matrix.a, matrix.b);
    const px = parseFloat(getComputedStyle(text).fontSize) * scale;
    if (px < smallest - 0.05) small.push(`"${text.textContent.trim()}" ${px.toFixed(1)} px`);
  }
  return small.slice(0, 5);
}"""

# A promise that resolves once htmx has settled the next swap (and focus.js, listening on the
# document, has had its turn).
AWAIT_SETTLE = """() => {
  window.joinedupSettled = new Promise((resolve) => document.body.addEventListener(
    "htmx:afterSettle", () => setTimeout(resolve, 0), {once: true}));
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
}"""


@pytest.fixture
def visitor(browser: Any, live_server: Any) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield Visitor(page, live_server.url)
    context.close()
