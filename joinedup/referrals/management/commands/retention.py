from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from joinedup.actions import Busy
from joinedup.referrals.erasure import retention_due, retention_run


class Command(BaseCommand):
    help = (
        "Erase the personal data past the retention period of each data-sharing protocol, and "
        "say what was erased. Run it from cron (daily); a second run the same day erases "
        "nothing more, and one started while another is going says so and erases nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what is due, and erase nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            report = retention_due(timezone.localdate())
            self.stdout.write("Dry run: nothing erased. Due:")
        else:
            try:
                report = retention_run()
            except Busy as busy:
                raise CommandError(str(busy)) from busy
        for line in report.lines():
            self.stdout.write(line)
