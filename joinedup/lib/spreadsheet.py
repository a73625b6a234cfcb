"""CSV for people who open it in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

# A cell starting with one of these is run as a formula by Excel and LibreOffice (OWASP's
# "CSV injection"); a leading apostrophe makes it plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Digits with spaces, brackets and dashes ("+44 (0)20 7946 0000", "-2.5") name no function
# and no other cell, so they cannot run anything: phone numbers are kept as they are.
_ONLY_A_NUMBER = re.compile(r"[+-][\d ().,/-]*")


def cell(value: Any) -> Any:
    """`value` as a spreadsheet shows it as text, never runs it."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_STARTS)
        and not _ONLY_A_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def uncell(value: Any) -> Any:
    """`cell` undone, for a CSV read back in: the apostrophe it added is taken off again."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def to_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()
