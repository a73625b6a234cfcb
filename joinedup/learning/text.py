"""The plain-text copy that coding counts over, and the warnings the highlight form gives.

Positions are **Unicode code points** (Python's `str` indices) over the text normalised to NFC
with every line ending as "\\n": the same unit REFI-QDA's `startPosition`/`endPosition` count in,
so an emoji is one position, not two (UTF-16) or four (UTF-8)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")


def normalise(text: str) -> str:
    """NFC, newlines as "\\n", no control characters but tab and newline (XML 1.0 cannot hold
    them), trailing spaces off each line."""
    text = unicodedata.normalize("NFC", _NEWLINES.sub("\n", text))
    text = "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def locate(text: str, passage: str, occurrence: int = 1) -> tuple[int, int] | None:
    """[start, end) of the `occurrence`-th appearance of `passage` in `text`, or None."""
    passage = normalise(passage).strip()
    if not passage:
        return None
    start = -1
    for _ in range(max(occurrence, 1)):
        start = text.find(passage, start + 1)
        if start < 0:
            return None
    return start, start + len(passage)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: 07…, 01…, 02…, 03…, 08… with spaces or dashes, or +44.
PHONE = re.compile(r"(?<!\w)(?:\+44\s?\(?0?\)?|0)(?:\d[\s-]?){9,10}(?!\w)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def warnings(passage: str, names: Iterable[str] = ()) -> list[str]:
    """What in `passage` looks personal: an email, a phone number, a postcode, or the name of a
    person being supported (from `names`). Coding records what a partnership learnt, never who
    it supported; the form warns, and the evaluator rewords or does not code it."""
    found = []
    if EMAIL.search(passage):
        found.append("an email address")
    if PHONE.search(passage):
        found.append("a phone number")
    if POSTCODE.search(passage):
        found.append("a postcode")
    folded = passage.casefold()
    for name in names:
        name = name.strip()
        if len(name) >= 3 and re.search(rf"\b{re.escape(name.casefold())}\b", folded):
            found.append("the name of a person being supported")
            break
    return found
