"""Search speed: CKAN package_search and the portal's search page, p95 over HTTP.

Issue figures (floors): p95 at most 100 ms with 10,000 datasets and at most 250 ms with 100,000,
for both package_search and the HTML search page.

Runs alone:
    .venv/bin/python bench/bench_search.py                      # 10,000 then 100,000 datasets
    .venv/bin/python bench/bench_search.py --sizes 10000 --requests 100
    .venv/bin/python bench/bench_search.py --database-url postgres://…/empty_db

The demo is loaded into a throw-away database and scaled up (bench/catalog_scale.py); gunicorn
serves it with production settings (2 worker processes). One client asks the searches one after
another, as a visitor or a harvester would, each search a mix of what people type: words with
and without Indonesian affixes, a facet (agency, sector, year, tag), a sort, a later page,
no words at all. package_search asks for the facet counts (``facet.field``) as CKAN's own front
end does; the HTML page always counts its eight facets. Every answer is checked (status 200,
a result count) so that an error page cannot pass for a fast one. Ten warm-up searches of each
kind are not counted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import catalog_scale

WORDS = [
    "penduduk",
    "kependudukan",
    "kesehatan",
    "sehat",
    "puskesmas",
    "sekolah dasar",
    "pendidikan guru",
    "padi",
    "pertanian",
    "bencana banjir",
    "stunting balita",
    "jumlah kecamatan",
    "wisata",
    "kendaraan bermotor",
    "pendapatan daerah",
    "kese",
    "imunisasi 2015",
    "tenaga kerja",
    "desa",
    "",
]
FACETS = [
    [],
    ["organization:dinkes"],
    ["sector:KESEHATAN"],
    ["tags:penduduk"],
    ["year:2020"],
    ["organization:disdikbud", "year:2019"],
]
CKAN_SORTS = ["score desc, metadata_modified desc", "metadata_modified desc", "title_string asc"]
PAGE_SORTS = ["relevan", "terbaru", "judul"]
FACET_FIELDS = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])


def searches(count: int) -> list[tuple[str, list[tuple[str, str]], str, int]]:
    """(words, facet filters, sort index, page) for ``count`` searches, the same every run."""
    plan = []
    for n in range(count):
        q = WORDS[n % len(WORDS)]
        facets = FACETS[(n // 3) % len(FACETS)]
        pairs = [tuple(f.split(":", 1)) for f in facets]
        plan.append((q, pairs, str(n % 3), 2 if n % 7 == 6 else 1))
    return plan  # type: ignore[return-value]


def package_search_url(
    base: str, q: str, pairs: list[tuple[str, str]], sort: str, page: int
) -> str:
    params = {
        "q": q,
        "fq": " ".join(f'{k}:"{v}"' for k, v in pairs),
        "sort": CKAN_SORTS[int(sort)],
        "rows": "20",
        "start": str((page - 1) * 20),
        "facet.field": FACET_FIELDS,
    }
    return f"{base}/api/3/action/package_search?{urllib.parse.urlencode(params)}"


def page_url(base: str, q: str, pairs: list[tuple[str, str]], sort: str, page: int) -> str:
    names = {"organization": "organization", "sector": "sector", "tags": "tags", "year": "year"}
    params = [("q", q), ("urut", PAGE_SORTS[int(sort)]), ("hal", str(page))]
    params += [(names[k], v) for k, v in pairs]
    return f"{base}/dataset/?{urllib.parse.urlencode(params)}"


def fetch(url: str, kind: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
        body = response.read()
        status = response.status
    elapsed = time.perf_counter() - started
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    if kind == "ckan":
        answer = json.loads(body)
        if not answer.get("success"):
            raise SystemExit(f"{url} failed: {answer}")
        return elapsed, int(answer["result"]["count"])
    if b'class="result-count"' not in body:
        raise SystemExit(f"{url} did not answer a search page")
    return elapsed, -1


def measure(base: str, requests: int, size: int) -> dict[str, dict[str, float]]:
    plan = searches(requests)
    # Every dataset must be public, or the searches would be fast for the wrong reason.
    _, everything = fetch(package_search_url(base, "", [], "1", 1), "ckan")
    if everything != size:
        raise SystemExit(f"package_search sees {everything:,} datasets, not {size:,}")
    figures = {}
    for kind, build in (("ckan", package_search_url), ("html", page_url)):
        for warm in plan[:10]:
            fetch(build(base, *warm), kind)
        samples = []
        counts = []
        for spec in plan:
            elapsed, count = fetch(build(base, *spec), kind)
            samples.append(elapsed * 1000)
            counts.append(count)
        figures[kind] = {
            "p50": catalog_scale.percentile(samples, 0.50),
            "p95": catalog_scale.percentile(samples, 0.95),
            "max": max(samples),
            "mean_results": sum(c for c in counts if c >= 0) / max(1, len(counts)),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--requests", type=int, default=300, help="searches of each kind")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    with catalog_scale.work_folder("bench-search-", args.keep) as work:
        floors = {10_000: 100.0, 100_000: 250.0}
        catalog_scale.setup(work, args.database_url)
        for size in sorted(args.sizes):
            built = catalog_scale.build(work, size, args.database_url)
            print(
                f"catalog: {built['datasets']:,} published datasets "
                f"(demo {built['demo_s']:.1f} s, +{built['added']:,} in {built['scale_s']:.1f} s)"
            )
            with catalog_scale.Server(work, args.port, args.workers, args.database_url) as server:
                figures = measure(server.url, args.requests, built["datasets"])
            floor = floors.get(size)
            for kind, label in (("ckan", "package_search"), ("html", "HTML search page")):
                f = figures[kind]
                verdict = ""
                if floor is not None:
                    verdict = f" (floor {floor:.0f} ms: {'met' if f['p95'] <= floor else 'MISSED'})"
                print(
                    f"  {label:<17} {args.requests} searches: p50 {f['p50']:.1f} ms, "
                    f"p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms{verdict}"
                )
            print(f"  mean results per package_search: {figures['ckan']['mean_results']:,.0f}")


if __name__ == "__main__":
    main()
