"""Only http(s) addresses are web addresses."""

from __future__ import annotations

import pytest

from joinedup.lib.weblinks import as_web_address, is_web_address


@pytest.mark.parametrize(
    "text",
    ["https://example.org", "http://www.example.org/help?x=1", "HTTPS://Example.org:8443/a"],
)
def test_web_addresses_are_taken_as_they_are(text: str) -> None:
    assert is_web_address(text) and as_web_address(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org",
        "mailto:someone@example.org",
        "https://",
        "http:/example.org",
        "//example.org",
        "https://exa mple.org",
        "",
    ],
)
def test_other_schemes_and_broken_addresses_are_not(text: str) -> None:
    assert not is_web_address(text)
    assert as_web_address(text) is None


def test_a_bare_host_name_becomes_an_https_address() -> None:
    assert as_web_address("www.example.org") == "https://www.example.org"
    assert as_web_address("example.org/help") == "https://example.org/help"
    assert as_web_address("alert(1)") is None
