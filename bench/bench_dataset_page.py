"""The dataset page under load: requests per second for 60 seconds, with zero errors.

Issue figure (floor): at least 200 requests/s for 60 s with 2+ server processes and no error,
with the demo catalog scaled to 10,000 datasets.

Runs alone:
    .venv/bin/python bench/bench_dataset_page.py                  # 60 s, 2 workers
    .venv/bin/python bench/bench_dataset_page.py --seconds 10 --workers 4
Needs wrk (Debian package `wrk`: `apt-get install wrk`).

The demo is loaded and scaled (bench/catalog_scale.py) in a throw-away SQLite database; gunicorn
serves it with production settings. wrk (2 threads, 16 connections) asks for the pages of
published datasets in turn — the six demo tables and 200 of the added ones — as anonymous
visitors: the full page, with its metadata, the table's columns, the downloads and the version
history, and the visit counted by the usage events. Every answer must be 200: wrk's count of
non-2xx answers and socket errors is printed and must be zero.

Each request still reads the dataset and its versions through the gate; the rendered body is
kept per worker for PAGE_CACHE_SECONDS (60 s, so entries expire during the
run and are rendered again). ``--no-page-cache`` measures rendering every request.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import catalog_scale

LUA = """
paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def dataset_paths(extra: int) -> list[str]:
    from satudata.catalog.models import Dataset

    demo = list(Dataset.objects.exclude(slug__startswith="contoh-").values_list("slug", flat=True))
    added = list(
        Dataset.objects.filter(slug__startswith="contoh-")
        .order_by("pk")
        .values_list("slug", flat=True)[:extra]
    )
    return [f"/dataset/{slug}/" for slug in demo + added]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8761)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every request (PAGE_CACHE_SECONDS=0)"
    )
    args = parser.parse_args()
    if args.no_page_cache:
        os.environ["PAGE_CACHE_SECONDS"] = "0"  # the server's environment comes from this one
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    with catalog_scale.work_folder("bench-page-", args.keep) as work:
        built = catalog_scale.build(work, args.datasets)
        paths = dataset_paths(200)
        (work / "paths.txt").write_text("\n".join(paths) + "\n")
        (work / "paths.lua").write_text(LUA % {"paths": work / "paths.txt"})
        print(
            f"catalog: {built['datasets']:,} published datasets; {len(paths)} dataset pages "
            f"asked in turn; {args.workers} gunicorn workers, wrk 2 threads, "
            f"{args.connections} connections, {args.seconds} s, "
            f"page cache {'off' if args.no_page_cache else 'on'}"
        )
        with catalog_scale.Server(work, args.port, args.workers) as server:
            for path in paths:  # every page answers before the load starts (and is warm)
                with urllib.request.urlopen(server.url + path, timeout=30) as response:  # noqa: S310
                    if response.status != 200:
                        raise SystemExit(f"{path} answered {response.status}")
            result = subprocess.run(
                [
                    wrk,
                    "-t2",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--latency",
                    "-s",
                    str(work / "paths.lua"),
                    server.url,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        output = result.stdout
        print(output.rstrip())
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
        socket = re.search(r"Socket errors: (.*)", output)
        errors = int(bad[1]) if bad else 0
        print(
            f"dataset page: {rate:.0f} requests/s, {errors} non-2xx answers, "
            f"socket errors: {socket[1] if socket else 'none'} "
            f"(floor 200/s with zero errors: "
            f"{'met' if rate >= 200 and errors == 0 and not socket else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
