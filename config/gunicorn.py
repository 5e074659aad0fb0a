"""gunicorn settings: its logs in the project's one format, and metrics across its processes.

    gunicorn config.wsgi --config config/gunicorn.py --workers 4 --bind 127.0.0.1:8001 \\
        --timeout 60 --access-logfile -

Read by gunicorn's master before Django loads, so it reads the environment itself (the same
LOG_FORMAT and LOG_LEVEL as config/settings.py) and imports nothing from Django.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

from satudata.core.logformat import logging_config

# gunicorn's own stamp (%(t)s) is left out: each line is stamped by the log formatter, in WIB.
# Remote address, request line, status, bytes, duration, referer, user agent.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

logconfig_dict = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "text").strip().lower(),
    level=os.environ.get("LOG_LEVEL", "INFO").strip() or "INFO",
    zone="Asia/Jakarta",  # config/settings.py's TIME_ZONE
)


def on_starting(server: Any) -> None:
    """Empty the metrics folder: counts left by an earlier run would be added to this one's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    # The files, not the folder: a systemd RuntimeDirectory's parent is not ours to write.
    for leftover in path.glob("*.db"):
        leftover.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker that stopped keeps its counts (they still happened) but its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
