"""A progress bar for long commands (imports, exports, generating benchmark data)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Bar:
    """`bar(label, done, total)` redraws one line on a terminal, and writes a plain line every
    few seconds when the output is a file or a pipe (a CI log), so the log stays short."""

    def __init__(self, out: TextIO | None = None, width: int = 30) -> None:
        self.out = out or sys.stderr
        self.width = width
        self.tty = self.out.isatty()
        self.label = ""
        self.last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        total = max(total, 1)
        now = time.monotonic()
        finished = done >= total
        if not self.tty and not finished and now - self.last < 2 and label == self.label:
            return
        self.last = now
        filled = int(self.width * min(done, total) / total)
        line = f"{label:<24} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.tty:
            end = "\n" if finished else ""
            self.out.write(f"\r{line}{end}")
        elif finished or label != self.label:
            self.out.write(line + "\n")
        self.label = label
        self.out.flush()
