"""Charts and infographics: server-side render times.

Issue figures (floors): a chart rendered on the server to SVG and to PNG in at most 300 ms
each; a 1080 × 1080 infographic in at most 2 s.

Runs alone (no database; the cubes are built in memory, data contoh):
    .venv/bin/python bench/bench_charts.py
    .venv/bin/python bench/bench_charts.py --runs 50

What is timed is what the worker does for a chart product (``charts.render_svg`` and
``render_png``: the Vega-Lite specification built from the cube, then vl_convert's embedded
Deno/V8 compiling Vega-Lite and rendering) and for a square infographic (``layout``: headline
figures and two charts drawn to SVG, the QR code; then Typst typesetting the page to PDF and
to PNG). The first call of each pays for starting vl_convert's JavaScript runtime and Typst's
font scan; it is reported apart from the repeated runs (p50/p95).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.utils import translation  # noqa: E402

from satudata.products import charts, infographics  # noqa: E402
from satudata.products.cube import Category, Cube, Dimension  # noqa: E402

KECAMATAN = [
    ("18.10.01", "Pringsewu"),
    ("18.10.02", "Gading Rejo"),
    ("18.10.03", "Ambarawa"),
    ("18.10.04", "Pardasuka"),
    ("18.10.05", "Pagelaran"),
    ("18.10.06", "Banyumas"),
    ("18.10.07", "Adiluwih"),
    ("18.10.08", "Sukoharjo"),
    ("18.10.09", "Pagelaran Utara"),
]
FLOOR_CHART = 0.300
FLOOR_INFOGRAPHIC = 2.0


def population_cube() -> Cube:
    """Population by kecamatan (9), year (10) and sex (2): a typical "Dalam Angka" table."""
    years = [str(y) for y in range(2016, 2026)]
    dimensions = [
        Dimension("wilayah", "Kecamatan", "region", [Category(c, n) for c, n in KECAMATAN]),
        Dimension("tahun", "Tahun", "time", [Category(y, y) for y in years]),
        Dimension(
            "jk", "Jenis Kelamin", "code", [Category("L", "Laki-laki"), Category("P", "Perempuan")]
        ),
    ]
    values: list[float | None] = [
        float(20_000 + 4_000 * r + 150 * t + 300 * s)
        for r in range(9)
        for t in range(10)
        for s in range(2)
    ]
    return Cube(
        title="Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin (data contoh)",
        dimensions=dimensions,
        stub=["wilayah"],
        heading=["tahun", "jk"],
        values=values,
        unit="jiwa",
        source="Dinas Kependudukan dan Pencatatan Sipil (data contoh)",
    )


CHART = {
    "mark": "bar",
    "x": "wilayah",
    "color": "jk",
    "title": "Penduduk menurut Kecamatan, 2025",
    "alt_text": "Pagelaran Utara berpenduduk terbanyak; Pringsewu paling sedikit.",
}
INFOGRAPHIC: dict[str, Any] = {
    "template": "square",
    "title": "Penduduk Kabupaten Pringsewu 2025 (data contoh)",
    "headlines": [
        {"label": "Jumlah penduduk", "total": ["wilayah", "jk"]},
        {"label": "Perempuan", "total": ["wilayah"], "filter": {"jk": "P"}},
    ],
    "charts": [
        {"mark": "tile-map", "x": "wilayah", "title": "Menurut kecamatan"},
        {
            "mark": "line",
            "x": "tahun",
            "color": "jk",
            "title": "Sepuluh tahun",
            "filter": {"wilayah": "18.10.01"},
        },
    ],
    "alt_text": "Penduduk Pringsewu naik; Pagelaran Utara terbanyak.",
}


def timed(work: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    started = time.perf_counter()
    result = work()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return first, times, result


def report(name: str, first: float, times: list[float], floor: float) -> bool:
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
    ok = p95 <= floor
    print(
        f"{name:<34} first {first * 1000:8.1f} ms   p50 {p50 * 1000:7.1f} ms   "
        f"p95 {p95 * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms   "
        f"floor {floor * 1000:.0f} ms  {'ok' if ok else 'OVER'}"
    )
    return ok


def infographic(cube: Cube) -> tuple[bytes, bytes]:
    page, files = infographics.layout(
        INFOGRAPHIC,
        lambda slug, field: cube,
        title=INFOGRAPHIC["title"],
        alt_text=INFOGRAPHIC["alt_text"],
        masthead=infographics.Masthead(
            "Kabupaten Pringsewu", "Dinas Komunikasi dan Informatika", "https://data.example/"
        ),
    )
    return infographics.typeset(page, files, "pdf"), infographics.typeset(page, files, "png")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="timed runs after the first")
    args = parser.parse_args()
    translation.activate("id")
    cube = population_cube()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"cube: {cube.cell_count} cells; chart: grouped bars, 9 kecamatan × 2 sexes; "
        f"runs: {args.runs}"
    )
    ok = True
    first, times, svg = timed(lambda: charts.render_svg(cube, CHART), args.runs)
    ok &= report("chart SVG (render_svg)", first, times, FLOOR_CHART)
    first, times, png = timed(lambda: charts.render_png(cube, CHART), args.runs)
    ok &= report("chart PNG, scale 2 (render_png)", first, times, FLOOR_CHART)
    first, times, (pdf, square) = timed(lambda: infographic(cube), max(5, args.runs // 4))
    ok &= report("infographic 1080×1080 (PDF + PNG)", first, times, FLOOR_INFOGRAPHIC)
    width, height = struct.unpack(">II", square[16:24])
    print(
        f"sizes: SVG {len(svg):,} B, PNG {len(png):,} B, infographic PDF {len(pdf):,} B, "
        f"PNG {len(square):,} B ({width}×{height})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
