from typing import Any

from django.core.management.base import BaseCommand

from joinedup.meetings.reminders import remind


class Command(BaseCommand):
    help = (
        "Close proposals past their closing date and send the reminders that are due: actions "
        "due, proposals closing soon, concerns unanswered. Run it from cron (hourly or daily); "
        "it never sends the same reminder twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for what, n in remind().items():
            self.stdout.write(f"{what}: {n}")
