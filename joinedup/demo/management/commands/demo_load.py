from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand

from joinedup.demo import learning as demo_learning
from joinedup.demo import loader
from joinedup.demo import programme as demo_programme
from joinedup.lib.progress import Bar


class Command(BaseCommand):
    help = "Load the demo data built from the seed documents (idempotent) and list the sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        sign_ins = loader.load(progress=lambda step: self.stdout.write(f"  loaded {step}"))
        made = demo_programme.load(make_password(loader.PASSWORD), Bar())
        self.stdout.write(f"  loaded {made} partnerships into the programme view's demo")
        coded = demo_learning.load(make_password(loader.PASSWORD))
        self.stdout.write(f"  coded {coded} passages of learning across {demo_learning.PROGRAMME}")
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo sign-ins (password for all: {loader.PASSWORD})")
        )
        width = max(len(label) for label in loader.CHARACTERS.values())
        for s in sign_ins:
            label = loader.CHARACTERS[s.character]
            self.stdout.write(f"  {label:<{width}}  {s.email:<42} {s.name}, {s.organisation}")
        self.stdout.write(f"  {'Administrator':<{width}}  {loader.ADMIN_EMAIL}")
        evaluator = f"{demo_learning.EVALUATOR_NAME}, evaluating {demo_learning.PROGRAMME}"
        self.stdout.write(
            f"  {'Evaluator':<{width}}  {demo_learning.EVALUATOR_EMAIL:<42} {evaluator}"
        )
