"""`joinedup directory import PATH`, `joinedup directory export PATH` and
`joinedup directory reindex`."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.directory import exporter
from joinedup.directory.actions import import_run_create, reindex_services
from joinedup.directory.imports import execute
from joinedup.directory.models import Service
from joinedup.lib.progress import Bar


def _import(options: dict[str, Any], country: str, bar: Bar) -> Any:
    """The import as the web's job runs it (`imports.execute`), one at a time with the web's,
    its progress printed."""
    path: Path = options["path"]
    if not path.exists():
        raise CommandError(f"{path} does not exist.")
    try:
        run = import_run_create(
            by=None,
            name=path.name,
            country=country,
            encoding=options["encoding"],
            namespace=options["namespace"],
            taxonomy_changes=True,
        )
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error
    report = execute(run, path, echo=bar)
    if report is None:
        raise CommandError(run.error)
    return report


class Command(BaseCommand):
    help = "Import or export the service directory as Open Referral HSDS (3.0; imports 1.x too)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        into = verbs.add_parser("import", help="Import HSDS JSON, a datapackage zip or a folder.")
        into.add_argument("path", type=Path)
        into.add_argument(
            "--report", type=Path, help="Write every rejected or repaired record to this CSV."
        )
        into.add_argument(
            "--country", default="GB", help="Country for addresses that give none (default GB)."
        )
        into.add_argument(
            "--encoding",
            default="",
            help="The encoding the CSV files were saved in, if not UTF-8 (e.g. cp1252).",
        )
        into.add_argument(
            "--namespace",
            default="",
            help="Keeps apart two sources whose ids are not UUIDs and could collide.",
        )
        out = verbs.add_parser("export", help="Export public records: .json, .zip or a folder.")
        out.add_argument("path", type=Path)
        verbs.add_parser(
            "reindex",
            help="Rebuild every service's search text: after an upgrade, or a new gazetteer.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bar = Bar(sys.stderr)
        if options["verb"] == "reindex":
            ids = list(Service.objects.values_list("pk", flat=True))
            reindex_services(ids)
            self.stdout.write(f"Reindexed {len(ids)} services.")
            return
        if options["verb"] == "export":
            try:
                self.stdout.write(exporter.write(options["path"], bar))
            except OSError as error:
                raise CommandError(f"{options['path']} cannot be written: {error}.") from error
            return
        country = options["country"].upper()
        if len(country) != 2 or not country.isalpha():
            raise CommandError("--country takes a two-letter code, e.g. GB or US.")
        # The report's file is opened first, so that a path that cannot be written stops the
        # command before the import changes anything.
        with ExitStack() as stack:
            problems = None
            if options["report"]:
                try:
                    problems = stack.enter_context(options["report"].open("w", newline=""))
                except OSError as error:
                    raise CommandError(
                        f"{options['report']} cannot be written: {error}."
                    ) from error
            report = _import(options, country, bar)
            for line in report.summary():
                self.stdout.write(line)
            if problems is not None:
                report.write_csv(problems)
                self.stdout.write(f"Every problem, row by row: {options['report']}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {report.changed()} records added or updated, "
                f"{len(report.rejected)} rejected, {len(report.repaired)} repaired."
            )
        )
