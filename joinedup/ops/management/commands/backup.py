"""`joinedup backup PATH`: the database and the uploaded files, consistent while in use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new or empty folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup(options["path"], progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
