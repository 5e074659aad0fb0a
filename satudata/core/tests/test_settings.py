from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase

ROOT = Path(settings.BASE_DIR)
GOOD_SECRET = "k" * 30 + "-production-secret-for-the-test-only-" + "z" * 10


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_it_refuses_to_start_without_secret_hosts_and_database(self) -> None:
        result = _run(["manage.py", "check"], SATUDATA_ENV="production")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL", result.stderr)

    def test_it_refuses_a_short_secret_key(self) -> None:
        result = _run(
            ["manage.py", "check"],
            SATUDATA_ENV="production",
            SECRET_KEY="short",
            ALLOWED_HOSTS="data.example.go.id",
            DATABASE_URL="sqlite:////tmp/x.db",
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("at least 50 characters", result.stderr)

    def test_it_rejects_a_malformed_boolean(self) -> None:
        result = _run(["manage.py", "check"], DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DEBUG must be true or false", result.stderr)

    def test_its_deploy_check_is_clean_in_production(self) -> None:
        result = _run(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            SATUDATA_ENV="production",
            SECRET_KEY=GOOD_SECRET,
            ALLOWED_HOSTS="data.example.go.id",
            DATABASE_URL="sqlite:////tmp/satudata-check.db",
            RATELIMIT_CACHE_URL="db://satudata_ratelimit",
        )
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("no issues", result.stdout)

    def test_its_deploy_check_warns_when_rate_limits_are_counted_per_process(self) -> None:
        result = _run(
            ["manage.py", "check", "--deploy"],
            SATUDATA_ENV="production",
            SECRET_KEY=GOOD_SECRET,
            ALLOWED_HOSTS="data.example.go.id",
            DATABASE_URL="sqlite:////tmp/satudata-check.db",
            RATELIMIT_CACHE_URL="",
        )
        self.assertIn("satudata.W016", result.stderr + result.stdout)

    def test_it_refuses_the_old_proxy_count(self) -> None:
        result = _run(["manage.py", "check"], TRUSTED_PROXY_COUNT="1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("TRUSTED_PROXIES", result.stderr)


class DevelopmentDefaultsTests(SimpleTestCase):
    def test_it_uses_wib_and_aware_datetimes(self) -> None:
        self.assertEqual(settings.TIME_ZONE, "Asia/Jakarta")
        self.assertTrue(settings.USE_TZ)
        self.assertEqual(settings.LANGUAGE_CODE, "id")


class SecurityHeaderTests(TestCase):
    def test_it_sends_csp_frame_referrer_and_permissions_headers(self) -> None:
        response = self.client.get("/healthz")
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertIn("camera=()", response["Permissions-Policy"])


class ProductionBackendsTests(SimpleTestCase):
    def test_redis_queue_and_s3_storage_are_configuration_only(self) -> None:
        result = _run(
            [
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from django_tasks import task_backends; "
                "from django.core.files.storage import storages; "
                "b, s = task_backends['default'], storages['default']; "
                "print(type(b).__name__, type(s).__name__)",
            ],
            TASKS_BACKEND="rq",
            REDIS_URL="redis://127.0.0.1:6390/0",
            STORAGE_BACKEND="s3",
            S3_BUCKET="satudata",
            S3_ENDPOINT_URL="http://127.0.0.1:9000",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["RQBackend", "S3Storage"])


class S3SettingsTests(SimpleTestCase):
    SHOW = "from django.conf import settings; print(settings.STORAGES['default']['OPTIONS'])"

    def test_the_bucket_endpoint_and_addressing_come_from_the_environment(self) -> None:
        result = _run(
            ["manage.py", "shell", "-c", self.SHOW],
            STORAGE_BACKEND="s3",
            S3_BUCKET="satudata-pringsewu",
            S3_ENDPOINT_URL="http://minio.lan:9000",
            S3_ADDRESSING_STYLE="path",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        for expected in (
            "'satudata-pringsewu'",
            "'http://minio.lan:9000'",
            "'addressing_style': 'path'",
        ):
            self.assertIn(expected, result.stdout)

    def test_s3_without_a_bucket_is_refused_at_start(self) -> None:
        result = _run(["manage.py", "check"], STORAGE_BACKEND="s3")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("S3_BUCKET", result.stderr)
