"""`joinedup restore PATH --yes`: replace the database and uploaded files with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.ops.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the configured database and the uploaded files with a backup made by "
        "`joinedup backup`. Stop the app servers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Replace what is there now without asking."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            manifest = read_manifest(path)
            if not options["yes"]:
                raise CommandError(
                    f"This replaces everything in the database with the backup made at "
                    f"{manifest['made_at']}. Stop the app servers, then run it again with --yes."
                )
            restore(path, progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
