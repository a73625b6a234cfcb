"""`joinedup refresh_figures`: recompute every partnership's stored figures (nightly: the
twelve-month window moves with the day)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from joinedup.figures.compute import refresh, refresh_all


class Command(BaseCommand):
    help = "Recompute the stored figures of every partnership (or of those named by id)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="Only these partnerships")

    def handle(self, *args: Any, ids: list[int], **options: Any) -> None:
        began = time.monotonic()
        n = refresh(ids) if ids else refresh_all()
        self.stdout.write(
            f"Refreshed the figures of {n} partnerships in {time.monotonic() - began:.1f} s."
        )
