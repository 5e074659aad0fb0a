"""Recording usage: the middleware's added cost per request (floor ≤ 1 ms) and the events per
second the buffer writes into the database (floor ≥ 2,000/s).

Runs alone: ``DATA_DIR=/tmp/b .venv/bin/python bench/bench_usage_record.py`` (throw-away
SQLite, or DATABASE_URL). The cost: ``UsageMiddleware`` around a view that answers at once,
minus the same call without the middleware, for a mix of real routes (dataset page, download,
API, product page) with browser and robot user agents and referrers; the buffer writes a batch
of ``USAGE_BATCH`` in the request that fills it, which the figures include. The throughput:
``--events`` events added to the buffer and flushed, timed until they are in the database.

Figures (defaults, SQLite, this 2-core machine shared with other jobs; ``counts.add``
unchanged): middleware p50 0.033 ms, p95 0.077 ms, p99 0.263 ms; 50,000 events in 20.00 s =
2,500 events/s with ``--batch 200``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.usage_fixture import setup  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=200, help="USAGE_BATCH (default as shipped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-record-") as folder:
        setup(Path(folder))
        from django.http import HttpResponse
        from django.test import RequestFactory, override_settings
        from django.urls import resolve
        from django.utils import timezone

        from satudata.reports import usage
        from satudata.reports.models import UsageEvent

        factory = RequestFactory()
        urls = [
            "/dataset/jumlah-penduduk-{}/",
            "/dataset/jumlah-penduduk-{}/data.csv",
            "/api/3/action/package_show?id=jumlah-penduduk-{}",
            "/produk/buku-saku-{}/",
        ]
        agents = ["Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"] * 3
        agents += ["Mozilla/5.0 (compatible; Googlebot/2.1)", "curl/8.5.0"]
        referers = ["", "https://www.google.co.id/search?q=x", "https://wa.me/62812", ""]
        answer = HttpResponse("ok")
        plain = usage.UsageMiddleware(lambda request: answer)

        def request(n: int):  # type: ignore[no-untyped-def]
            path = urls[n % len(urls)].format(n % 300)
            made = factory.get(
                path,
                HTTP_USER_AGENT=agents[n % len(agents)],
                HTTP_REFERER=referers[n % len(referers)],
                REMOTE_ADDR=f"203.0.113.{n % 250}",
            )
            made.resolver_match = resolve(path.split("?")[0])
            from django.contrib.auth.models import AnonymousUser

            made.user = AnonymousUser()
            return made

        requests = [request(n) for n in range(args.requests)]
        with override_settings(USAGE_FLUSH_SECONDS=3600, USAGE_BATCH=args.batch):
            usage.buffer.visitor(requests[0], timezone.localdate())  # today's salt, once
            added, bare = [], []
            for made in requests:
                began = time.perf_counter()
                plain(made)
                added.append(time.perf_counter() - began)
                began = time.perf_counter()
                plain.get_response(made)
                bare.append(time.perf_counter() - began)
            usage.buffer.flush()
        cost = [(a - b) * 1000 for a, b in zip(added, bare, strict=True)]
        print(
            f"middleware cost per request over {len(cost):,} requests: "
            f"p50 {_pct(cost, 0.5):.3f} ms, p95 {_pct(cost, 0.95):.3f} ms, "
            f"p99 {_pct(cost, 0.99):.3f} ms, mean {statistics.mean(cost):.3f} ms; floor 1 ms"
        )
        UsageEvent.objects.all().delete()
        now = timezone.now()
        with override_settings(USAGE_FLUSH_SECONDS=3600, USAGE_BATCH=args.batch):
            began = time.perf_counter()
            for n in range(args.events):
                usage.buffer.add(
                    UsageEvent(
                        at=now,
                        kind="download",
                        channel="portal",
                        name="portal:download",
                        dataset=f"jumlah-penduduk-{n % 300}",
                        format="csv",
                        status=200,
                        visitor=f"v{n % 5000}",
                        referrer="search",
                        referrer_host="google.com",
                    )
                )
            usage.buffer.flush()
            elapsed = time.perf_counter() - began
        stored = UsageEvent.objects.count()
        print(
            f"buffer into the database: {stored:,} events in {elapsed:.2f} s = "
            f"{stored / elapsed:,.0f} events/s (USAGE_BATCH={args.batch}); floor 2,000/s"
        )


if __name__ == "__main__":
    main()
