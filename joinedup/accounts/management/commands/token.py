from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.accounts.actions import api_token_create
from joinedup.accounts.models import User


class Command(BaseCommand):
    help = "Print a new API token for a user. It is shown once; only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="EMAIL")
        parser.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"].strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email {options['user']!r}.")
        _, raw = api_token_create(user=user, name=options["name"])
        self.stdout.write(raw)
