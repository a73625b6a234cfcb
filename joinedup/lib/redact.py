"""Keeping secret links out of logs.

Some addresses carry a secret: a calendar feed (`/calendar/<token>.ics`), an invitation
(`/invitations/<token>/…`, a person's `/join/<token>/`, `/organisations/<id>/join/<token>/`)
and a password reset (`/accounts/reset/<uidb64>/<token>/`). Anyone who reads a log line
holding one could use it, so every log line (gunicorn's access and error logs, Django's own)
passes through `redact`, which replaces those parts with `[redacted]` wherever they appear in
the line: the request, the URL or the Referer.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# A plain word in a secret address (`accept`, `decline`, `set-password`) stays readable;
# any other segment under these prefixes is treated as a secret.
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_SEGMENTS = r"[^\s\"'?#<>]*"
_SECRET_PATHS = re.compile(
    r"(?P<prefix>/(?:invitations|join|accounts/reset|organisations/[^/\s\"'?#]+/join)/)"
    rf"(?P<rest>{_SEGMENTS})"
)
_CALENDAR = re.compile(r"(/calendar/)[^/\s\"'?#]+?(\.ics)")
_SECRET_QUERY = re.compile(r"([?&](?:token|key|code)=)[^&\s\"'#]+", re.IGNORECASE)


def _redact_segments(match: re.Match[str]) -> str:
    parts = match.group("rest").split("/")
    kept = [p if not p or (_WORD.fullmatch(p) and len(p) <= 20) else REDACTED for p in parts]
    return match.group("prefix") + "/".join(kept)


def redact(text: str) -> str:
    """`text` with every secret in a calendar, invitation or password-reset address replaced."""
    text = _CALENDAR.sub(rf"\1{REDACTED}\2", text)
    text = _SECRET_PATHS.sub(_redact_segments, text)
    return _SECRET_QUERY.sub(rf"\1{REDACTED}", text)


class RedactSecretsFilter(logging.Filter):
    """A logging filter that rewrites each record's message through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
