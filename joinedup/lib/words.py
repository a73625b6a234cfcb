"""Small helpers for writing lists in sentences."""

from __future__ import annotations

from collections.abc import Iterable


def listing(words: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"; "" for none."""
    items = list(words)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def a_or_an(word: str) -> str:
    """ "a partnership", "an address", "an organization_identifier": the article by the first
    letter, which is right for every word our messages put after it."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word
