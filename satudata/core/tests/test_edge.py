"""Issue 16 points 6 and 9: the client address behind proxies, rate limits, CORS, one-line 403s."""

from __future__ import annotations

import io
import logging
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse

from satudata.core.middleware import client_ip
from satudata.core.testing import PASSWORD, PersonaTestCase

# Per day, so that no window ends between a test's few requests (windows end at a jittered second).
LIMITS = {"api": "3/d", "search": "2/d", "forms": "2/d"}


class ClientAddressTests(TestCase):
    def request(self, remote: str, forwarded: str) -> Any:
        return RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    @override_settings(TRUSTED_PROXIES=[])
    def test_it_ignores_a_forwarded_header_when_no_proxy_is_trusted(self) -> None:
        self.assertEqual(client_ip(self.request("198.51.100.7", "6.6.6.6")), "198.51.100.7")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
    def test_it_ignores_a_forged_header_sent_straight_to_the_server(self) -> None:
        self.assertEqual(client_ip(self.request("198.51.100.7", "6.6.6.6")), "198.51.100.7")

    @override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
    def test_it_reads_the_address_a_trusted_proxy_forwards_skipping_trusted_hops(self) -> None:
        chain = "6.6.6.6, 203.0.113.9, 10.1.2.3"  # forged, client, load balancer
        self.assertEqual(client_ip(self.request("127.0.0.1", chain)), "203.0.113.9")


class LockOutBehindProxyTests(PersonaTestCase):
    url = reverse("accounts:login")

    def fail_once(self, **extra: Any) -> None:
        self.client.post(self.url, {"username": "rina.walidata", "password": "keliru"}, **extra)

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_a_forged_forwarded_address_does_not_sidestep_the_lock_out(self) -> None:
        for n in range(5):
            self.fail_once(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}")
        response = self.client.post(
            self.url,
            {"username": "rina.walidata", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR="6.6.6.99",
        )
        self.assertEqual(response.status_code, 429)

    @override_settings(TRUSTED_PROXIES=["127.0.0.1"])
    def test_through_a_trusted_proxy_the_forwarded_address_is_locked_out(self) -> None:
        for _ in range(5):
            self.fail_once(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
        locked = self.client.post(
            self.url,
            {"username": "rina.walidata", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
        self.assertEqual(locked.status_code, 429)
        other = self.client.post(
            self.url,
            {"username": "rina.walidata", "password": PASSWORD},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.10",
        )
        self.assertEqual(other.status_code, 302)


@override_settings(RATE_LIMIT_ENABLED=True, RATE_LIMITS=LIMITS)
class RateLimitTests(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        caches["ratelimit"].clear()

    def exhaust(self, url: str, n: int, method: str = "get", **extra: Any) -> Any:
        call = getattr(self.client, method)
        for _ in range(n):
            response = call(url, **extra)
        return response

    def test_the_rest_api_answers_429_in_its_json_shape_with_retry_after(self) -> None:
        self.exhaust("/api/v1/datasets", 3)
        response = self.client.get("/api/v1/datasets")
        self.assertEqual(response.status_code, 429)
        self.assertGreaterEqual(int(response["Retry-After"]), 1)
        self.assertEqual(response.json()["error"]["code"], "throttled")

    def test_the_ckan_api_answers_429_in_ckan_s_envelope(self) -> None:
        self.exhaust("/api/3/action/package_list", 3)
        response = self.client.get("/api/3/action/package_list")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)
        body = response.json()
        self.assertFalse(body["success"])
        self.assertEqual(body["error"]["__type"], "Throttled")
        self.assertIn("help_show?name=package_list", body["help"])

    def test_the_search_page_answers_an_indonesian_page(self) -> None:
        self.exhaust(reverse("portal:search"), 2)
        response = self.client.get(reverse("portal:search"))
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)
        self.assertContains(response, "Terlalu banyak permintaan", status_code=429)

    def test_the_log_in_form_is_limited(self) -> None:
        url = reverse("accounts:login")
        data = {"username": "orang", "password": "keliru"}
        for _ in range(2):
            self.client.post(url, data)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response)

    def test_the_limit_is_per_client(self) -> None:
        self.exhaust("/api/v1/datasets", 4, REMOTE_ADDR="198.51.100.1")
        response = self.client.get("/api/v1/datasets", REMOTE_ADDR="198.51.100.2")
        self.assertEqual(response.status_code, 200)

    def test_a_forged_forwarded_header_does_not_make_a_new_client(self) -> None:
        for n in range(4):
            response = self.client.get("/api/v1/datasets", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}")
        self.assertEqual(response.status_code, 429)

    @override_settings(RATE_LIMIT_ENABLED=False)
    def test_it_can_be_turned_off(self) -> None:
        response = self.exhaust("/api/v1/datasets", 5)
        self.assertEqual(response.status_code, 200)

    @override_settings(RATE_LIMITS={**LIMITS, "api": "off"})
    def test_one_group_can_be_turned_off(self) -> None:
        response = self.exhaust("/api/v1/datasets", 5)
        self.assertEqual(response.status_code, 200)

    def test_signed_in_staff_filling_forms_are_not_counted(self) -> None:
        self.client.force_login(self.p.producer)
        response = self.exhaust(reverse("accounts:logout"), 3, method="post")
        self.assertNotEqual(response.status_code, 429)


class CorsTests(PersonaTestCase):
    PUBLIC = [
        "/api/v1/datasets",
        "/api/3/action/package_list",
        "/api/action/package_list",
        "/catalog.ttl",
        "/data.json",
        "/rilis.rss",
        "/jadwal-rilis.ics",
    ]

    def test_public_read_apis_allow_any_origin_without_credentials(self) -> None:
        for url in self.PUBLIC:
            response = self.client.get(url, HTTP_ORIGIN="https://contoh.example")
            self.assertEqual(response.get("Access-Control-Allow-Origin"), "*", url)
            self.assertNotIn("Access-Control-Allow-Credentials", response, url)

    def test_a_preflight_is_answered(self) -> None:
        response = self.client.options(
            "/api/3/action/package_search",
            HTTP_ORIGIN="https://contoh.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, authorization",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertIn("POST", response["Access-Control-Allow-Methods"])
        self.assertIn("authorization", response["Access-Control-Allow-Headers"])

    def test_the_site_s_forms_and_log_in_get_no_cors_headers(self) -> None:
        for url in (reverse("accounts:login"), reverse("portal:search"), "/akun/token/"):
            response = self.client.get(url, HTTP_ORIGIN="https://contoh.example")
            self.assertNotIn("Access-Control-Allow-Origin", response, url)

    @override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=["https://izin.example"])
    def test_a_configured_origin_list_is_enforced(self) -> None:
        allowed = self.client.get("/data.json", HTTP_ORIGIN="https://izin.example")
        self.assertEqual(allowed["Access-Control-Allow-Origin"], "https://izin.example")
        other = self.client.get("/data.json", HTTP_ORIGIN="https://lain.example")
        self.assertNotIn("Access-Control-Allow-Origin", other)


class RefusalLogTests(PersonaTestCase):
    def test_a_403_writes_one_line_without_a_traceback(self) -> None:
        stream = io.StringIO()
        # The configured console handlers (pytest's capture handlers are subclasses: left out).
        handlers = logging.getLogger().handlers + logging.getLogger("django").handlers
        kept = [(h, h.setStream(stream)) for h in handlers if type(h) is logging.StreamHandler]
        self.client.force_login(self.p.producer)
        try:
            with override_settings(DEBUG=True):
                response = self.client.get(reverse("core:audit"))
        finally:
            for handler, old in kept:
                handler.setStream(old)
        self.assertEqual(response.status_code, 403)
        lines = [line for line in stream.getvalue().splitlines() if line.strip()]
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("Forbidden (Permission denied): /audit/", lines[0])


DB_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "satudata_ratelimit",
    },
}


@override_settings(RATE_LIMIT_ENABLED=True, RATE_LIMITS=LIMITS, CACHES=DB_CACHE)
class RateLimitInTheDatabaseCacheTests(PersonaTestCase):
    """The documented cache for several web processes without Redis (db://)."""

    def test_it_counts_in_the_database_cache_table(self) -> None:
        from django.core.management import call_command

        call_command("createcachetable", "satudata_ratelimit", verbosity=0)
        for _ in range(3):
            self.client.get("/api/v1/datasets")
        response = self.client.get("/api/v1/datasets")
        self.assertEqual(response.status_code, 429)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM satudata_ratelimit")
            self.assertGreaterEqual(cursor.fetchone()[0], 1)


REDIS_DOWN = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        # Nothing listens on port 1: every call is refused at once.
        "BACKEND": "satudata.core.failopen_cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    },
}


@override_settings(RATE_LIMIT_ENABLED=True, RATE_LIMITS=LIMITS, CACHES=REDIS_DOWN)
class RateLimitWithRedisDownTests(PersonaTestCase):
    """With the rate-limit Redis unreachable the limits fail open (logged), never a 500."""

    def test_the_api_and_the_public_ask_form_still_answer(self) -> None:
        from satudata.support.models import Ticket
        from satudata.support.tests.public_forms import ask_data

        with self.assertLogs("satudata.core.failopen_cache", "WARNING") as logged:
            for _ in range(4):  # past the 3/d limit: not counted while Redis is down
                self.assertEqual(self.client.get("/api/v1/datasets").status_code, 200)
            sent = self.client.post(reverse("support:ask"), ask_data(self.client))
        self.assertEqual(sent.status_code, 302)
        self.assertEqual(Ticket.objects.count(), 1)
        self.assertIn("letting the request through", logged.output[0])
