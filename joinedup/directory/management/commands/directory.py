"""`joinedup directory import PATH`, `joinedup directory export PATH` and
`joinedup directory reindex`."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.directory import exporter
from joinedup.directory.actions import reindex_services
from joinedup.directory.importer import ImportFailed, import_path
from joinedup.directory.models import Service
from joinedup.lib.progress import Bar


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
            try:
                report = import_path(
                    options["path"], namespace=options["namespace"], country=country, progress=bar
                )
            except ImportFailed as error:
                raise CommandError(str(error)) from error
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
