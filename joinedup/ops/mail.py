"""The demo's mail: each message a file in the data directory, never a page of the console.

`joinedup demo` sends real messages (invitations, booking requests, password resets) whose
links a visitor may want to follow, but printed among its progress they buried the sign-ins
under hundreds of lines. Here each message is one `.eml` file in `EMAIL_FILE_PATH`
(`<data dir>/mail/`), readable by the data directory's owner only — the links carry secret
tokens — and openable in any mail program. Outside the demo mail goes by SMTP.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.text import slugify

from joinedup.lib.private import FILE_MODE, private_dir

SUBJECT_IN_NAME = 50  # characters of the subject kept in the file's name


class MailFolderBackend(BaseEmailBackend):
    def __init__(
        self, *, file_path: str | Path | None = None, fail_silently: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        written = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                self.write(message)
            except OSError:
                if not self.fail_silently:
                    raise
            else:
                written += 1
        return written

    def write(self, message: EmailMessage) -> Path:
        """Write `message` to a new file named for its time and subject, so the folder lists
        the messages in the order they were sent."""
        private_dir(self.folder)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
        stem = f"{stamp}-{slugify(message.subject)[:SUBJECT_IN_NAME].strip('-') or 'message'}"
        content = message.message().as_bytes()
        for attempt in range(100):
            path = self.folder / (f"{stem}-{attempt}.eml" if attempt else f"{stem}.eml")
            try:
                # O_EXCL: a message never overwrites another sent in the same microsecond.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            return path
        raise FileExistsError(f"no free name for {stem}.eml in {self.folder}")
