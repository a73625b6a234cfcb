from typing import Any

from django.core.management.base import BaseCommand

from joinedup.demo import loader


class Command(BaseCommand):
    help = "Load the demo data built from the seed documents (idempotent) and list the sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        sign_ins = loader.load(progress=lambda step: self.stdout.write(f"  loaded {step}"))
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo sign-ins (password for all: {loader.PASSWORD})")
        )
        width = max(len(label) for label in loader.CHARACTERS.values())
        for s in sign_ins:
            label = loader.CHARACTERS[s.character]
            self.stdout.write(f"  {label:<{width}}  {s.email:<42} {s.name}, {s.organisation}")
        self.stdout.write(f"  {'Administrator':<{width}}  {loader.ADMIN_EMAIL}")
