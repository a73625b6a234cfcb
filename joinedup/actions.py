"""What every action shares: one transaction, and a clear error when a race is lost."""

from __future__ import annotations

import contextlib
import functools
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction

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
            with transaction.atomic(savepoint=not _loading.get()):
                return func(*args, **kwargs)
        except IntegrityError as error:
            raise ValidationError(CONFLICT, code="conflict") from error

    return wrapper


def person(by: Any) -> Any:
    """The signed-in user behind an action, or None for the system (the demo loader, a command)."""
    return by if by is not None and by.is_authenticated else None


ANOTHER_RUN = "Another {name} run is going on; this one did nothing. Try again when it has ended."


class Busy(Exception):
    """A job that runs one at a time found another run of it going on."""


def run_alone(name: str) -> None:
    """Call first inside the transaction of a job that must never run twice at once (retention).
    On PostgreSQL it takes a transaction-level advisory lock named `name`, released at commit or
    rollback, and raises `Busy` if another run holds it. On SQLite every transaction begins
    IMMEDIATE (see settings), so the run already holds the database's write lock: a second run
    waits for it (up to the connection's timeout) and then reads what the first one left —
    `busy_from` turns a wait that timed out into `Busy`."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(f"joinedup:{name}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        (locked,) = cursor.fetchone()
    if not locked:
        raise Busy(ANOTHER_RUN.format(name=name))


def busy_from(error: OperationalError, name: str) -> Busy | None:
    """The `Busy` behind SQLite's "database is locked" (another writer kept the lock past the
    timeout), or None for any other fault."""
    if connection.vendor == "sqlite" and "locked" in str(error):
        return Busy(ANOTHER_RUN.format(name=name))
    return None


_loading: ContextVar[bool] = ContextVar("loading", default=False)


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """Load data known to be valid (the demo) in one transaction, faster and to the same result.

    Every action still runs in full and writes its audit row, but without a savepoint of its own
    and leaving the models' constraints to the database, which enforces each of them anyway:
    checking them first cost the demo three queries a constraint, a fifth of its first load. Any
    error still stops the load and rolls all of it back; so nothing inside may catch an action's
    error and carry on (without its savepoint the transaction cannot). Pages, the API and
    commands never load.
    """
    with transaction.atomic():
        token = _loading.set(True)
        try:
            yield
        finally:
            _loading.reset(token)


def constraints_first() -> bool:
    """Whether an action checks the models' constraints itself before the database does, for a
    refusal that names the field (always, except while `loading`)."""
    return not _loading.get()
