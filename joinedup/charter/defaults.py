"""Our draft Charter and skills framework, read from `data/` (see data/SOURCE.md)."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@functools.cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def default_charter() -> dict[str, Any]:
    """The draft Charter: {"title", "themes": [{"key", "title", "principles": [...]}]}."""
    return copy.deepcopy(_load("charter.json"))


def default_skills() -> dict[str, Any]:
    """The eleven skills with four "Do I …?" levels each."""
    return copy.deepcopy(_load("skills.json"))


def principles(themes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every principle of a charter's themes, each with its theme's key and title."""
    return [
        {**p, "theme": t["key"], "theme_title": t["title"]} for t in themes for p in t["principles"]
    ]
