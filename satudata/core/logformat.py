"""One log format for every process: Django, gunicorn (its errors and its access log), the
worker and the scheduler.

Each line is stamped in WIB with its offset (``2026-03-02T16:10:00.123+07:00``), whatever the
time zone of the process: Django switches a process to ``TIME_ZONE`` only once its settings
load, so gunicorn's master and a process's first lines would otherwise be in the machine's
zone (UTC on most servers). The offset keeps the stamp unambiguous next to UTC tools.

Imported by ``config/settings.py`` and ``config/gunicorn.py``: standard library only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

# gunicorn's access log record carries its atoms as the record's arguments; JSON lines name them.
ACCESS_FIELDS = {
    "h": "remote",
    "r": "request",
    "s": "status",
    "b": "bytes",
    "M": "duration_ms",
    "f": "referer",
    "a": "user_agent",
}


class TextFormatter(logging.Formatter):
    """``<time> <LEVEL> <logger> <message>`` with the time in the given zone."""

    def __init__(self, zone: str = "Asia/Jakarta", **kwargs: Any) -> None:
        super().__init__(fmt="%(asctime)s %(levelname)s %(name)s %(message)s", **kwargs)
        self.zone = ZoneInfo(zone)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return dt.datetime.fromtimestamp(record.created, self.zone).isoformat(
            timespec="milliseconds"
        )


class JsonFormatter(TextFormatter):
    """One JSON object per line: time, level, logger, message, process, and for gunicorn's
    access log the request's fields; a traceback under ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            for atom, key in ACCESS_FIELDS.items():
                entry[key] = record.args.get(atom)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str, zone: str) -> dict[str, Any]:
    """The ``dictConfig`` for Django's LOGGING and gunicorn's ``logconfig_dict`` alike."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    # gunicorn's own loggers get the handler directly and do not propagate: Django's settings
    # reconfigure the root logger in each gunicorn worker, which must not double its lines.
    own = {"handlers": ["console"], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # Issue 16 point 9: a refused request (4xx) is one line, without its traceback.
        "filters": {
            "client_errors_on_one_line": {"()": "satudata.core.logfilters.ClientErrorsOnOneLine"}
        },
        "formatters": {"line": {"()": f"{__name__}.{formatter.__name__}", "zone": zone}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default sends its records to a console handler of its own in development
            # (a second line in another format); one handler here, in every environment.
            "django": {**own, "level": level},
            "django.db.backends": {"level": "INFO"},
            # Failed log-ins are in the audit log already; axes repeats each at INFO.
            "axes": {"level": "WARNING"},
            "django.request": {"filters": ["client_errors_on_one_line"]},
            "django.security": {"filters": ["client_errors_on_one_line"]},
            "gunicorn.error": {**own, "level": level},
            "gunicorn.access": {**own, "level": "INFO"},
            # runserver's request lines (manage.py serve, make run), in the same format.
            "django.server": {**own, "level": "INFO"},
        },
    }
