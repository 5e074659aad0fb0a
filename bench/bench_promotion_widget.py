"""The embeddable widgets: the script's gzipped size and the widget pages' time.

Issue figure: the widget script at most 5 kB gzipped. The widget pages have no floor of their
own; their p95 is printed, rendered afresh (no kept page) and kept (``core.pagecache``, what an
anonymous visitor of an agency's website gets).

Runs alone, from a clean checkout:
    .venv/bin/python bench/bench_promotion_widget.py
    .venv/bin/python bench/bench_promotion_widget.py --runs 100 --entries 200

Into a throw-away SQLite database in a temporary folder: the test personas, a released table
with a year column (its key figure is summed from the Parquet file on each fresh rendering) and
``--entries`` calendar entries (invented, "data contoh") over the next months. Timed through
Django's test client, without cookies, as an agency website's visitor's browser asks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_synchronise import setup_django  # noqa: E402

SCRIPT = ROOT / "satudata" / "promotion" / "static" / "promotion" / "widget.js"
SCRIPT_LIMIT = 5 * 1024


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _data(entries: int) -> str:
    from django.utils import timezone

    from satudata.catalog.testing import table_dataset
    from satudata.core.testing import load_reference_data, make_personas
    from satudata.releases import services
    from satudata.releases.dates import at_release_time
    from satudata.releases.models import Precision

    load_reference_data()
    p = make_personas()
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Bidan Desa (data contoh)",
        columns=[("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[
            [year, f"Kecamatan {k}", 10 + k + year % 7]
            for year in range(2015, 2025)
            for k in range(30)
        ],
        publisher=p.kepala_bidang,
        sector="KESEHATAN",
    )
    today = timezone.localdate()
    for number in range(entries):
        services.plan_entry(
            actor=p.walidata,
            title=f"Statistik Contoh {number:03d} (data contoh)",
            agency=p.agency if number % 2 else p.other_agency,
            planned_at=at_release_time(today + dt.timedelta(days=3 + number)),
            precision=Precision.MONTH,
            sector="KESEHATAN" if number % 3 else "PEMBANGUNAN",
        )
    return dataset.slug


def _time(client: Any, address: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(address)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (address, response.status_code)
        assert "Set-Cookie" not in str(response.serialize_headers()), address
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--entries", type=int, default=100)
    args = parser.parse_args()
    size = len(gzip.compress(SCRIPT.read_bytes(), compresslevel=9))
    verdict = "within" if size <= SCRIPT_LIMIT else "ABOVE"
    print(f"widget.js: {SCRIPT.stat().st_size:,} bytes, {size:,} bytes gzipped ({verdict} 5 kB)")
    with tempfile.TemporaryDirectory(prefix="bench-widget-") as scratch:
        setup_django(Path(scratch))
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client, override_settings

        call_command("migrate", verbosity=0)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            slug = _data(args.entries)
        addresses = {
            "upcoming": "/widget/rilis-mendatang/",
            "upcoming, one agency, 10": "/widget/rilis-mendatang/?instansi=dinkes&n=10",
            "figure": f"/widget/angka/{slug}/",
            "figure, English": f"/widget/angka/{slug}/?bahasa=en",
        }
        client = Client()
        for kept, seconds in (("fresh", 0), ("kept", 60)):
            with override_settings(PAGE_CACHE_SECONDS=seconds):
                cache.clear()
                for name, address in addresses.items():
                    samples = _time(client, address, args.runs)
                    print(
                        f"{name:<26} {kept:<5}: p50 {statistics.median(samples):6.1f} ms, "
                        f"p95 {_p95(samples):6.1f} ms, max {max(samples):6.1f} ms"
                    )


if __name__ == "__main__":
    main()
