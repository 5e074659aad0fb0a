"""The real engines production names, for tests: a Redis server, an S3-compatible server (moto's),
and ``manage.py`` run in a child process on the test database.

A test that needs Redis uses the one at ``REDIS_URL`` when it answers, otherwise starts
Debian's ``redis-server`` on a free port; with neither it is skipped with a warning, unless
``CI_REQUIRE_REDIS`` is set (CI sets it): then it fails, so the production queue cannot go
untested without anyone noticing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
# Variables of the test run's own shell that must not reach a child's settings.
_PARENT_ONLY = {
    "SATUDATA_ENV",
    "DEBUG",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "TASKS_BACKEND",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def closed_port_url() -> str:
    """A Redis URL where nothing listens: the queue as it is when Redis is down."""
    return f"redis://127.0.0.1:{free_port()}/0"


def _unavailable(reason: str) -> unittest.SkipTest:
    if os.environ.get("CI_REQUIRE_REDIS"):
        raise AssertionError(f"CI_REQUIRE_REDIS is set but {reason}")
    message = f"Redis/RQ tests SKIPPED: {reason}. Set REDIS_URL or install redis-server."
    warnings.warn(message, stacklevel=3)
    return unittest.SkipTest(message)


def _answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _own_database(url: str) -> str:
    """The configured Redis with a database of this test process's own (xdist runs several)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{1 + int(worker or 0) % 15}"))


@contextmanager
def redis_server() -> Iterator[str]:
    """The URL of a Redis for this test process, emptied; see the module's docstring."""
    configured = os.environ.get("REDIS_URL", "").strip()
    if configured:
        if not _answers(configured):
            raise _unavailable(f"no Redis answers at REDIS_URL={configured}")
        url = _own_database(configured)
        _flush(url)
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise _unavailable("REDIS_URL is not set and redis-server is not installed")
    with _started_redis(binary) as url:
        yield url


def _flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@contextmanager
def _started_redis(binary: str) -> Iterator[str]:
    port = free_port()
    folder = tempfile.mkdtemp(prefix="satudata-test-redis-")
    # A fixed argument list; the port is ours.
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while not _answers(url):
            if time.monotonic() > deadline or process.poll() is not None:
                raise _unavailable(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def database_url() -> str:
    """The test database as a ``DATABASE_URL``, for a child process (use TransactionTestCase:
    the child sees only what is committed)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return "sqlite:///" + str(Path(db["NAME"]).resolve())
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a ``manage.py`` child on the test database and media folder."""
    env = {k: v for k, v in os.environ.items() if k not in _PARENT_ONLY}
    env.update(
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` with ``args`` in a child process on the test database."""
    return subprocess.run(  # noqa: S603 (the project's own commands)
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=child_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def s3_server(bucket: str = "satudata") -> Iterator[dict[str, object]]:
    """moto's S3-compatible HTTP server on a free port with an empty ``bucket``: the options
    of django-storages' S3Storage that reach it, as STORAGE_BACKEND=s3 builds them."""
    import logging

    import boto3  # type: ignore[import-untyped]
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    options: dict[str, object] = {
        "bucket_name": bucket,
        "endpoint_url": f"http://127.0.0.1:{port}",
        "region_name": "us-east-1",
        "access_key": "test-key",
        "secret_key": "test-secret",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "addressing_style": "path",
    }
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",  # noqa: S106
    )
    client.create_bucket(Bucket=bucket)
    try:
        yield {"options": options, "client": client}
    finally:
        server.stop()
