"""How long `import_regions` takes over the national Kemendagri list (floor: 30 s).

Runs alone: `.venv/bin/python bench/bench_import_regions.py [FILE.csv]`. Without a file it
reads ../shared/reference/wilayah_kemendagri.csv when present, else a synthetic list of the same
size (bench/reference.py). Uses a throw-away SQLite database (or DATABASE_URL if set) in a
temporary folder removed afterwards, imports the list twice (first load, then the idempotent
re-run) and prints both timings.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalog_scale import work_folder  # noqa: E402
from bench.reference import write_reference  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "reference" / "wilayah_kemendagri.csv"


def main() -> None:
    with work_folder("bench-regions-", keep=False) as work:
        source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
        if not source.exists():
            source = work / "wilayah_sintetis.csv"
            write_reference(source, "")
        measure(source, work)


def measure(source: Path, tmp: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from satudata.regions.importer import import_regions
    from satudata.regions.models import Region

    call_command("migrate", verbosity=0)
    rows = sum(1 for _ in source.open(encoding="utf-8")) - 1
    print(f"file: {source} ({rows} rows); database: {os.environ['DATABASE_URL'].split(':')[0]}")
    for label in ("first load", "second run (idempotent)"):
        started = time.perf_counter()
        result = import_regions(source)
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.2f} s — {result.created} new, {result.updated} changed, "
            f"{result.unchanged} unchanged"
        )
    print(
        f"regions in table: {Region.objects.count()}; under 18.10: "
        f"{Region.objects.under('18.10').count()}; floor 30 s"
    )


if __name__ == "__main__":
    main()
