"""`/healthz` and `/readyz`, for a load balancer or an orchestrator. JSON, no sign-in, cheap.

- `/healthz`: the process lives and answers. It touches nothing else, so a database outage
  never makes the balancer restart healthy app servers.
- `/readyz`: this server can serve people: the database answers a query, every migration
  this code knows is applied, and the job queue (a table in the same database) answers. It
  also says how many workers beat in the last minute, for information only: an app server
  with no worker still serves people (their emails wait in the queue). 503 otherwise, so the
  balancer sends people elsewhere (during an outage, or while an upgrade's `joinedup migrate`
  has not yet run).

They are answered by a middleware placed before every other, on purpose: a balancer asks by
the server's address (not a name in ALLOWED_HOSTS) and over plain HTTP (which
`JOINEDUP_HTTPS` would redirect), and must still get the real answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# Reading the migration files and comparing them with the database takes tens of
# milliseconds; once they are all applied they stay applied, so that verdict is kept this long.
# A database that is behind is checked again on every probe, so it is ready as soon as it
# is migrated.
MIGRATIONS_KEPT_FOR = 60.0
_migrated_until = 0.0


def forget_migration_check() -> None:
    """Check the migrations afresh on the next probe (tests; nothing else needs to)."""
    global _migrated_until
    _migrated_until = 0.0


def database_answers() -> None:
    """Raises DatabaseError unless the database answers a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def unapplied_migrations() -> int:
    """How many migrations this code has that the database has not applied."""
    global _migrated_until
    if time.monotonic() < _migrated_until:
        return 0
    executor = MigrationExecutor(connection)
    unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if unapplied == 0:
        _migrated_until = time.monotonic() + MIGRATIONS_KEPT_FOR
    return unapplied


def healthz() -> JsonResponse:
    return _answer(200, status="ok")


def readyz() -> JsonResponse:
    try:
        database_answers()
        unapplied = unapplied_migrations()
    except DatabaseError as error:
        logger.warning("Not ready: the database does not answer: %s", error)
        return _answer(503, status="unavailable", database="not answering", migrations="unknown")
    if unapplied:
        migrations = f"{unapplied} not applied: run `joinedup migrate`"
        return _answer(503, status="unavailable", database="ok", migrations=migrations)
    try:
        workers = queue_workers()
    except DatabaseError as error:
        logger.warning("Not ready: the job queue does not answer: %s", error)
        return _answer(
            503, status="unavailable", database="ok", migrations="ok", queue="not answering"
        )
    return _answer(200, status="ok", database="ok", migrations="ok", queue="ok", workers=workers)


def queue_workers() -> str:
    """Reads the job queue, in one query (raises DatabaseError if it does not answer), and
    says how many workers beat in the last minute."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from joinedup.jobs.models import WorkerBeat

    queue = connection.ops.quote_name(DBTaskResult._meta.db_table)
    beats = connection.ops.quote_name(WorkerBeat._meta.db_table)
    since = timezone.now() - dt.timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {beats} WHERE beat_at >= %s), "  # noqa: S608
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {queue} LIMIT 1) AS q)",
            [since],
        )
        (workers, _) = cursor.fetchone()
    return str(workers)


def _answer(code: int, **body: str) -> JsonResponse:
    response = JsonResponse(body, status=code)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


PROBES: dict[str, Callable[[], JsonResponse]] = {"/healthz": healthz, "/readyz": readyz}


class ProbesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": "Use GET or HEAD.", "errors": []}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return probe()
