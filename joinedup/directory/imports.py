"""Running an import: the same code for the job a web upload queues and for the command line.

Progress (the stage, and how many of its records are done) is written to the run's row as it
goes, at most twice a second, for the import page to poll. The import's writes are one
transaction, which others cannot see into until it commits; so while it runs, progress is
written through a second connection of its own on PostgreSQL (in autocommit, giving up at
once if the row is locked). On SQLite a second writer would wait for the import's lock, so
there the page shows the stages before and after the writing (reading the files; done).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from joinedup.directory.actions import import_run_finish, import_upload_remove
from joinedup.directory.importer import ImportFailed, import_path
from joinedup.directory.models import ImportRun, ImportState

logger = logging.getLogger(__name__)

Echo = Callable[[str, int, int], None]
EVERY = 0.5  # seconds between two progress writes

FAILED = "Something went wrong during the import (reference {ref}); nothing of it was written."


class RunProgress:
    """`progress(stage, done, total)` for `import_path`: echoed (the command's bar) and kept on
    the run's row."""

    def __init__(self, run: ImportRun, echo: Echo | None = None) -> None:
        self.run = run
        self.echo = echo
        self.last = 0.0
        self.side: Any = None
        self.side_broken = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        self._keep(stage, done, total)
        if self.echo is not None:
            self.echo(stage, done, total)

    def _keep(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < EVERY and done < total and stage == self.run.stage:
            return
        self.last = now
        self.run.stage, self.run.done, self.run.total = stage[:80], done, total
        if stage == "reading the files" and done:
            self.run.records = done
        fields = {"stage": stage[:80], "done": done, "total": total, "records": self.run.records}
        if not connection.in_atomic_block:
            ImportRun.objects.filter(pk=self.run.pk).update(**fields)
        elif connection.vendor == "postgresql" and not self.side_broken:
            self._write_aside(fields)

    def _write_aside(self, fields: dict[str, Any]) -> None:
        try:
            if self.side is None:
                self.side = connections.create_connection("default")
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '200ms'")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportRun._meta.db_table} "  # noqa: S608 (our own table name)
                    "SET stage = %s, done = %s, total = %s, records = %s WHERE id = %s",
                    [fields["stage"], fields["done"], fields["total"], fields["records"],
                     self.run.pk],
                )  # fmt: skip
        except DatabaseError:
            # The row is locked by the import's own transaction (a worker that runs each job
            # in one), or the connection failed: the page shows less, the import goes on.
            self.side_broken = True
            self.close()

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def execute(run: ImportRun, path: Path, echo: Echo | None = None) -> Any:
    """Import `path` for `run` and record the outcome on it: the report, or why it could not
    be read (`ImportFailed`), or a reference to the logged error. Returns the report or None.
    The import's writes and the run's outcome commit together or not at all."""
    ImportRun.objects.filter(pk=run.pk).update(state=ImportState.RUNNING, started_at=timezone.now())
    run.state = ImportState.RUNNING
    progress = RunProgress(run, echo)
    try:
        with transaction.atomic():
            report = import_path(
                path,
                namespace=run.namespace,
                country=run.country,
                encoding=run.encoding,
                taxonomy_changes=run.taxonomy_changes,
                progress=progress,
            )
            import_run_finish(run=run, report=report)
        return report
    except ImportFailed as error:
        import_run_finish(run=run, error=str(error))
    except Exception:
        ref = str(run.pk)[:8]
        logger.exception("The directory import %s failed", run.pk)
        import_run_finish(run=run, error=FAILED.format(ref=ref))
    finally:
        progress.close()
    return None


def execute_stored(run_id: str) -> None:
    """The job: import the file a web upload stored. A run that is no longer queued (a job
    delivered twice) is left alone, so an import never runs twice."""
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    run = ImportRun.objects.select_related("by").get(pk=run_id)
    suffix = Path(run.file.name or "").suffix
    with tempfile.TemporaryDirectory() as folder:
        # Through the storage, which may be object storage on another machine; under the name
        # it was uploaded with, which the report and any refusal name.
        stem = get_valid_filename(Path(run.name).stem) or "upload"
        path = Path(folder) / f"{stem}{suffix}"
        try:
            with run.file.open("rb") as stored, path.open("wb") as out:
                shutil.copyfileobj(stored, out)
            execute(run, path)
        finally:
            # Once the import has run, its upload is not needed: the report keeps what it
            # found (the problems, row by row), not the file. `import_uploads_remove` (the
            # hourly cleanup) catches any left behind by a worker killed before this line.
            import_upload_remove(run=run)
