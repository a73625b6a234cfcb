"""One line for a refusal, a traceback for a fault.

Django logs a 403 (`PermissionDenied`) and a 400 (`BadRequest`, an unparsable body) with the
exception's whole traceback, as it logs a 500. A refusal is the access helper doing its job,
not a fault: twenty lines of stack for each buried the log's real errors. This filter keeps
such a record to its one line ("Forbidden (Permission denied): /partnerships/3/edit/"); any
record of a 5xx, or without a status, keeps its traceback.
"""

from __future__ import annotations

import logging

SERVER_ERROR = 500


class OneLineClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < SERVER_ERROR and record.exc_info:
            record.exc_info, record.exc_text = None, None
        return True
