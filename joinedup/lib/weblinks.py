"""Web addresses safe to publish as links: `http://` and `https://` only.

Any other scheme in a link runs or opens something in the reader's browser (`javascript:`,
`data:`, `vbscript:`, `file:`), so a listing's website must be a web address, and one that is
not is never shown or published.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
# A host name and perhaps a path, typed without its scheme ("www.example.org/help"), as
# directories often hold them.
_BARE_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.?(?::\d{1,5})?(?:/\S*)?")


def is_web_address(text: str) -> bool:
    """Whether `text` is an absolute http(s) address with a host, with no space or control
    character (browsers drop those, so "java\\tscript:" would run)."""
    if not text or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def as_web_address(text: str) -> str | None:
    """`text` as a web address: as it is when it is one, with `https://` before a bare host
    name, else None."""
    if is_web_address(text):
        return text
    if _BARE_HOST.fullmatch(text):
        candidate = "https://" + text
        if is_web_address(candidate):
            return candidate
    return None
