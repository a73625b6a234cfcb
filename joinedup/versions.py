"""Versions on records that two people may edit at once: no save silently undoes another.

Each such record carries `version`, a number that goes up by one with every save. A form or
API body says which version it was based on; an action takes that as `based_on` and, with the
row locked, calls `next_version`. If someone saved in between, the action raises `Stale` and
writes nothing: the API answers 409 naming the current version, a page shows both versions
field by field so that the person can merge and save again against the new version.
`based_on=None` (an API client that sends no version) saves over whatever is there.
"""

from __future__ import annotations

from typing import Any

from django.db import models

STALE = (
    "Someone else saved a newer version of this (version {current}) after the one you started "
    "from (version {based_on}). Nothing was saved: look at their changes and save again."
)


def version_field() -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        default=1, help_text="Goes up by one with every save; one based on an older is refused."
    )


class Stale(Exception):
    """A save based on `based_on` while the record is at `current`; `obj` is the record as it
    is now (locked by the action that raised this, until its transaction ends)."""

    def __init__(self, obj: Any, based_on: int) -> None:
        self.obj = obj
        self.based_on = based_on
        self.current = obj.version
        super().__init__(STALE.format(current=self.current, based_on=based_on))


def next_version(obj: Any, based_on: int | None) -> None:
    """Refuse a save based on an old version of `obj` (locked by the caller); otherwise count
    this save. The caller saves `version` with its other fields."""
    if based_on is not None and based_on != obj.version:
        raise Stale(obj, based_on)
    obj.version += 1
