"""gunicorn's logger for `joinedup serve`: every access and error line passes through
`joinedup.lib.redact`, so no calendar, invitation or password-reset token reaches the log."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from joinedup.lib.redact import RedactSecretsFilter


class RedactingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactSecretsFilter) for f in log.filters):
                log.addFilter(RedactSecretsFilter())
