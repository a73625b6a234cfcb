"""Importing HSDS data: 3.0 JSON (single and list documents) and tabular datapackages (a zip or
a folder of CSVs) in the 3.0 and the 1.x layouts.

Every source is first read into the same shape, HSDS 3.0 rows per table (`Rows`), then loaded
table by table in dependency order. Each row is checked whole before anything is written:

- a row that cannot stand (no name, a service whose organization is missing) is **rejected**;
- a value that can be read with care ("9:00am", "FL ", an id that is not a UUID) is
  **repaired**;

and both are reported with file, row, field and reason. Rows are matched on their HSDS id, so
importing the same data again changes nothing. Rows absent from a later import are kept: an
import adds and updates, it never deletes. The whole import is one transaction.

The 1.x layout has ids that are not UUIDs; each becomes a UUID derived from its table and id
(`hsds_id`), so the same source maps to the same records every time.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from joinedup.directory.importer.common import ImportFailed, Problem, Progress, Report
from joinedup.directory.importer.load import Loader
from joinedup.directory.importer.read import read

__all__ = ["ImportFailed", "Problem", "Report", "import_path"]


def import_path(
    path: Path,
    *,
    namespace: str = "",
    country: str = "GB",
    progress: Progress = lambda label, done, total: None,
    taxonomy_changes: bool = True,
    encoding: str = "",
) -> Report:
    """Import `path` into the directory and say what happened. Raises `ImportFailed` when the
    source cannot be read at all; otherwise every problem is in the report.

    The taxonomies are shared by everyone who searches the directory: with `taxonomy_changes`
    false (an import by anyone but a site administrator) a taxonomy or term that would be added
    or changed is refused, each with its report line, and the import's records are linked to
    held terms of the same code or name instead. The command, run by whoever runs the server,
    may change them.

    CSV files are read as UTF-8 unless `encoding` names the one they were saved in (see
    `read.read`). The source is read whole first, outside the transaction; then everything is
    written in one transaction, so a failure leaves nothing half-written."""
    progress("reading the files", 0, 0)
    problems: list[Problem] = []
    rows, ignored, _old = read(path, encoding=encoding, problems=problems)
    progress("reading the files", len(rows), len(rows))
    report = Report(problems=problems, ignored_files=ignored)
    with transaction.atomic():
        Loader(
            namespace=namespace,
            country=country,
            progress=progress,
            report=report,
            taxonomy_changes=taxonomy_changes,
        ).load(rows)
    return report
