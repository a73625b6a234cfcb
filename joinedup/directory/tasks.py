"""The directory's jobs."""

from __future__ import annotations

from django_tasks import task


@task()
def import_directory(run_id: str) -> None:
    """Import the file a lead uploaded (`ImportRun` `run_id`), recording progress and outcome
    on the run for its page."""
    from joinedup.directory.imports import execute_stored

    execute_stored(run_id)
