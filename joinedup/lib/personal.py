"""Finding personal details in free text: UK phone numbers, email addresses and dates.

Simple patterns, tuned to miss little: they are used to warn a worker before a referral's
summary is sent (a false alarm costs one tick), never to let anything through unchecked.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

Kind = Literal["phone", "email", "date"]

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# 0 or +44 (or 0044), then nine or ten digits in any grouping of spaces and dashes:
# 07700 900123, 020 7946 0000, +44 (0)161 496 0000, 0161-496-0000.
PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)(?:\d\)?[\s-]?){8,9}\d(?!\d)"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE = re.compile(
    r"\b(?:"
    r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"  # 3/4/1990, 03-04-90, 3.4.1990
    r"|\d{4}-\d{1,2}-\d{1,2}"  # 1990-04-03
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"  # 3rd of April 1990
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"  # April 3, 1990
    r")(?!\w)",
    re.IGNORECASE,
)


class Found(NamedTuple):
    kind: Kind
    text: str


def personal_details(text: str) -> list[Found]:
    """The phone numbers, email addresses and dates in `text`, in the order they come."""
    found: list[tuple[int, Found]] = []
    patterns: list[tuple[Kind, re.Pattern[str]]] = [
        ("email", EMAIL),
        ("phone", PHONE),
        ("date", DATE),
    ]
    for kind, pattern in patterns:
        found += [(m.start(), Found(kind, m.group().strip())) for m in pattern.finditer(text)]
    return [f for _, f in sorted(found, key=lambda pair: pair[0])]
