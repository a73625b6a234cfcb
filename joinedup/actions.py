"""What every action shares: one transaction, and a clear error when a race is lost."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

P = ParamSpec("P")
R = TypeVar("R")

CONFLICT = "Someone changed this at the same moment. Nothing was saved: look again and retry."


def action(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` in one transaction. If the database's constraints stop it — two people
    changing the same thing at once — everything it wrote is rolled back and the caller gets a
    `ValidationError`, which pages and the API answer with a 4xx, never a 500."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except IntegrityError as error:
            raise ValidationError(CONFLICT, code="conflict") from error

    return wrapper


def person(by: Any) -> Any:
    """The signed-in user behind an action, or None for the system (the demo loader, a command)."""
    return by if by is not None and by.is_authenticated else None
