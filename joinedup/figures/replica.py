"""Reading the programme view's stored figures from a PostgreSQL read replica.

With `DATABASE_REPLICA_URL` set (README "Scaling out"), settings add a `replica` database and
this router. It sends to the replica only the reads made inside `from_replica()`, which the
programme view wraps around its one read of the stored figures (`queries.programme_rows`);
every other read, and every write, goes to the default database. A replica trails its primary
by a moment (usually well under a second; seconds under load), so the view's "as of" time may
trail too; figures just computed for a new partnership are read back from the default.
Without the setting, there is no router and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reading = ContextVar("joinedup_replica_reads", default=False)


@contextmanager
def from_replica() -> Iterator[None]:
    """Reads inside go to the replica, when one is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None  # the default

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, copied

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica is migrated by replication
