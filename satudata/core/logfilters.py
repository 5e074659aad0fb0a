"""Log filters named in settings.LOGGING."""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (403, 404, 400: the client's error, answered by design) is one line.

    Django logs a PermissionDenied with its traceback; a refusal is not a fault of the server,
    and a traceback per refusal buries the real errors. 5xx records keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
