from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from joinedup.jobs import worker


class Command(BaseCommand):
    help = (
        "Run the background jobs (emails, reminders, retention, imports): one process with "
        "--threads job loops, until stopped (SIGTERM or Ctrl-C lets the jobs running finish). "
        "Run as many as you like, on any machine that reaches the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--threads", type=int, default=1, help="jobs run at once by this process (default 1)"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between looks at an empty queue (default 1)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="run the jobs that are ready now, then stop"
        )

    def handle(
        self, *args: Any, threads: int, interval: float, batch: bool, **options: Any
    ) -> None:
        if threads < 1:
            self.stderr.write("--threads must be 1 or more")
            raise SystemExit(2)
        if batch:
            self.stdout.write(f"jobs run: {worker.run_ready()}")
            return
        worker.run(threads=threads, interval=interval)
