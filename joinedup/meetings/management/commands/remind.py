from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from joinedup.charter.reminders import remind_peer_views, remind_reaffirmations
from joinedup.directory.reminders import remind_listing_reviews
from joinedup.health.reminders import remind_health
from joinedup.meetings.reminders import remind
from joinedup.referrals.reminders import remind_referrals


class Command(BaseCommand):
    help = (
        "Close proposals and health checks past their closing date and send the reminders "
        "that are due: actions due, proposals closing soon, concerns unanswered, directory "
        "listings due a check, health checks closing, referrals unanswered (reminded, "
        "escalated, expired), Charter reaffirmations due and peer views closing. Run it "
        "from cron (hourly or daily); it never sends the same reminder twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for what, n in remind().items():
            self.stdout.write(f"{what}: {n}")
        today = timezone.localdate()
        for what, n in remind_health(today).items():
            self.stdout.write(f"{what}: {n}")
        self.stdout.write(
            f"organisations told of listings to check: {remind_listing_reviews(today)}"
        )
        for what, n in remind_referrals(today).items():
            self.stdout.write(f"{what}: {n}")
        self.stdout.write(f"charter reaffirmations due: {remind_reaffirmations(today)}")
        self.stdout.write(f"charter peer views closing: {remind_peer_views(today)}")
