"""A browser against a real `joinedup serve`: it opens a calendar feed, an invitation and a
real password-reset link (and so sends each address again as the Referer of the page's
stylesheet and script); afterwards the served log holds none of their tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from joinedup.tests.browser.conftest import Visitor
from joinedup.tests.test_logs import (
    CALENDAR,
    INVITATION,
    assert_no_secret,
    reset_link,
    served,
)

pytestmark = pytest.mark.browser


def test_grep_of_the_served_log_after_a_browser_session_finds_no_token(
    browser: Any, tmp_path: Path, migrated_sqlite: Path | None
) -> None:
    with served(tmp_path, migrated_sqlite) as (base, log_path):
        link = reset_link(tmp_path, "rae@example.org")
        uid, token = link.strip("/").split("/")[-2:]
        context = browser.new_context()
        visitor = Visitor(context.new_page(), base)
        try:
            visitor.page.goto(f"{base}/calendar/{CALENDAR}.ics")
            visitor.visit(f"/invitations/{INVITATION}/")
            visitor.visit(link)
            visitor.page.get_by_role("heading", name="Choose a new password").wait_for()
            new = "a-new-long-password-42"
            visitor.page.locator("#id_new_password1").fill(new)
            visitor.page.locator("#id_new_password2").fill(new)
            visitor.page.get_by_role("button", name="Save the password").click()
            visitor.page.wait_for_url("**/accounts/reset/done/")
            visitor.check()
        finally:
            context.close()
    served_log = log_path.read_text()
    assert "/accounts/reset/[redacted]/set-password/" in served_log
    assert_no_secret(served_log, (CALENDAR, INVITATION, token, f"/reset/{uid}/"))
