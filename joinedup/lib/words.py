"""Small helpers for writing lists in sentences."""

from __future__ import annotations

from collections.abc import Iterable


def listing(words: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"; "" for none."""
    items = list(words)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)
