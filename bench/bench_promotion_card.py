"""A social card of a release (share kits, issue 20): generated in at most 500 ms.

Runs alone, from a clean checkout:
    .venv/bin/python bench/bench_promotion_card.py
    .venv/bin/python bench/bench_promotion_card.py --runs 30

A throw-away SQLite database in a temporary folder (removed afterwards) gets the test personas,
the SOP and the regions, and one population table (invented, "data contoh": two years of five
districts) released through the real workflow. Each card size (1200 × 630, 1080 × 1080,
1080 × 1920) is then generated ``--runs`` times the way the share kit makes it on a miss:
``cards.release_card`` (the facts read from the released version's Parquet, the QR code, the
Typst typesetting to PNG), and, for information, the typesetting alone (``cards.typeset`` of a
page already laid out). Median and p95 in milliseconds; the floor applies to the full card.
Then, for information, the whole kit (three cards, DOCX and PDF, in both languages) is made
once and asked for again.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_synchronise import setup_django  # noqa: E402

FLOOR_MS = 500.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _release() -> Any:
    from satudata.catalog.testing import table_dataset
    from satudata.core.models import SiteProfile
    from satudata.core.testing import load_reference_data, make_personas

    p = make_personas()
    load_reference_data()
    SiteProfile.objects.create(
        site_name="Satu Data Pringsewu",
        regency_name="Kabupaten Pringsewu",
        walidata_name="Dinas Komunikasi dan Informatika",
    )
    districts = ["Pringsewu", "Gadingrejo", "Ambarawa", "Pardasuka", "Pagelaran"]
    rows = [
        [year, name, 30000 + 1000 * i + (year - 2023) * 750]
        for year in (2023, 2024)
        for i, name in enumerate(districts)
    ]
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Penduduk",
        columns=[("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")],
        rows=rows,
        title="Jumlah Penduduk menurut Kecamatan (data contoh)",
        publisher=p.kepala_bidang,
    )
    from satudata.releases.models import Release

    return Release.objects.for_content(dataset.versions.get()).get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-card-") as name:
        folder = Path(name)
        setup_django(folder)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from satudata.promotion import cards
        from satudata.promotion.facts import facts_of

        release = _release()
        facts = facts_of(release)
        print(f"Release {release.pk}: {facts.title}; figures: {len(facts.figures)}")
        failed = False
        for fmt, shape in cards.SHAPES.items():
            content = cards.release_card(release, fmt, "id")  # warm-up (fonts, imports)
            size = cards.png_size(content)
            full, typeset = [], []
            for _ in range(args.runs):
                began = time.perf_counter()
                cards.release_card(release, fmt, "id")
                full.append((time.perf_counter() - began) * 1000)
            page, files = cards.release_page(facts, shape, "id")
            for _ in range(args.runs):
                began = time.perf_counter()
                cards.typeset(page, files)
                typeset.append((time.perf_counter() - began) * 1000)
            ok = size == (shape.width, shape.height) and _p95(full) <= FLOOR_MS
            failed |= not ok
            print(
                f"{fmt:16} {size[0]}×{size[1]} {len(content) / 1024:6.1f} kB  "
                f"card median {statistics.median(full):6.1f} ms p95 {_p95(full):6.1f} ms  "
                f"(typesetting alone median {statistics.median(typeset):6.1f} ms "
                f"p95 {_p95(typeset):6.1f} ms)  {'ok' if ok else 'OVER'}"
            )
        from satudata.promotion import sharekit

        began = time.perf_counter()
        made = sharekit.make_share_kit(release)
        first = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        sharekit.make_share_kit(release)
        again = (time.perf_counter() - began) * 1000
        print(
            f"Whole kit ({len(made)} files, both languages): made in {first:.0f} ms; "
            f"asked again (found, nothing made) {again:.0f} ms."
        )
        print(f"Floor: p95 of a full card ≤ {FLOOR_MS:.0f} ms, {args.runs} runs per size.")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
