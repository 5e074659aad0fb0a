"""Hostile files through the worker's entry: each refused, in seconds, with memory bounded.

Issue 15, point 15 (floors): a 7 MB zip bomb or a 1 MB workbook with a 1 GB cell ends
"refused" within seconds with the worker's memory under 1 GB; a 20,000-column CSV, a 10 MB
single line and a quoted field spanning 100,000 lines end with their own message, never
"unexpected error".

Runs alone, from a clean checkout (no shared reference data needed):
    .venv/bin/python bench/bench_hostile_files.py            # the hostile files
    .venv/bin/python bench/bench_hostile_files.py --real     # also a real 1,000,000-cell XLSX

Each file is received and synchronised (``receive_upload`` then ``synchronise_upload``, what
the worker's task runs) in a child process of its own, so that its peak memory (ru_maxrss:
Python, Django, DuckDB, calamine) is measured alone. The files are made on the fly by
``satudata/catalog/tests/hostile.py`` (the tests use the same makers) in a temporary folder that
is removed afterwards, with a throw-away SQLite database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalog_scale import work_folder  # noqa: E402

SECONDS_FLOOR = 10.0
MEMORY_FLOOR_MB = 1024.0


def setup_django(work: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["SYNC_WORK_DIR"] = str(work / "sync")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare(work: Path) -> None:
    """A database with an agency, its producer and a Daftar Data item with a dataset."""
    setup_django(work)
    from django.core.management import call_command

    from satudata.accounts.models import Agency, User
    from satudata.accounts.roles import Role
    from satudata.catalog.models import DataItem, DataList
    from satudata.catalog.services import create_dataset
    from satudata.sop.services import load_sop

    (work / "sync").mkdir()
    call_command("migrate", verbosity=0)
    load_sop()
    agency = Agency.objects.create(name="Dinas Kesehatan (bench)", slug="dinkes")
    user = User.objects.create_user(
        "produsen", password="bench-password-1", role=Role.PRODUSEN, full_name="Produsen"
    )
    user.memberships.create(agency=agency)
    item = DataItem.objects.create(
        data_list=DataList.objects.create(year=2026),
        number=1,
        agency=agency,
        name="Jumlah Puskesmas (data contoh)",
        frequency="tahunan",
    )
    create_dataset(actor=user, item=item)


def child(work: Path, source: Path) -> None:
    """One upload, received and synchronised; prints the outcome and peak memory as JSON."""
    setup_django(work)
    from satudata.accounts.models import User
    from satudata.catalog.models import Dataset
    from satudata.catalog.sinkronisasi.services import receive_upload, synchronise_upload

    user = User.objects.get(username="produsen")
    with source.open("rb") as handle:
        upload = receive_upload(
            actor=user,
            dataset=Dataset.objects.get(),
            filename=source.name,
            chunks=iter(lambda: handle.read(2**20), b""),
            check=False,
        )
    started = time.perf_counter()
    synchronise_upload(actor=user, upload=upload)
    seconds = time.perf_counter() - started
    findings = upload.findings or [{}]
    print(
        json.dumps(
            {
                "status": upload.status,
                "seconds": seconds,
                "rows": upload.row_count,
                "message": findings[0].get("message", ""),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_child(work: Path, source: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(work), str(source)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode:
        # A worker killed by the file (calamine aborting on an allocation) is the failure
        # this benchmark exists to catch: report it as such.
        return {
            "status": f"CRASHED (exit {result.returncode})",
            "seconds": 0.0,
            "rows": 0,
            "message": result.stderr.strip().splitlines()[-1:] or [""],
            "peak_rss_mb": 0.0,
        }
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def cases(folder: Path, real: bool) -> list[tuple[str, Callable[[], Path]]]:
    from satudata.catalog.tests import hostile

    def write(name: str, data: bytes) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    made: list[tuple[str, Callable[[], Path]]] = [
        ("7 MB zip bomb (7 GB unpacked)", lambda: hostile.zip_bomb(folder / "bom.xlsx")),
        (
            "7 MB zip bomb, sizes that lie",
            lambda: hostile.zip_bomb(folder / "bom-bohong.xlsx", honest=False),
        ),
        (
            "1 MB workbook with a 1 GB cell",
            lambda: hostile.giant_cell_workbook(folder / "sel-raksasa.xlsx"),
        ),
        ("one value at XFD1048576", lambda: write("sel-jauh.xlsx", hostile.far_cell_workbook())),
        (
            "ODS: 50,000 × 1,000 repeated cells",
            lambda: write("ulang.ods", hostile.repeated_ods(50_000, 1000)),
        ),
        ("20,000-column CSV (row reader)", lambda: write("lebar.csv", hostile.wide_csv())),
        (
            "20,000-column CSV (streamed)",
            lambda: write("lebar-besar.csv", hostile.wide_csv(rows=60)),
        ),
        ("10 MB single line", lambda: hostile.long_line_csv(folder / "baris-panjang.csv")),
        (
            "quote open over 100,000 lines",
            lambda: hostile.open_quote_csv(folder / "petik.csv", lines=100_000, at=3),
        ),
        (
            "quote open at line 30,000 of 130,000",
            lambda: hostile.open_quote_csv(folder / "petik-dalam.csv", lines=100_000, at=30_000),
        ),
    ]
    if real:
        made.append(("real 1,000,000-cell XLSX", lambda: real_workbook(folder / "nyata.xlsx")))
    return made


def real_workbook(path: Path) -> Path:
    """100,000 rows × 10 columns as an agency's table looks (a 4 MB XLSX, 35 MB unpacked)."""
    import random

    import xlsxwriter  # type: ignore[import-untyped]

    rng = random.Random(2026)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Penduduk")
    sheet.write_row(
        0,
        0,
        ["kode", "kecamatan", "tahun", "jk", "umur", "jumlah", "persen", "ket", "status", "sumber"],
    )
    for row in range(1, 100_001):
        sheet.write_row(
            row,
            0,
            [
                f"18.10.{row % 9 + 1:02d}",
                "Pringsewu",
                2000 + row % 24,
                "L" if row % 2 else "P",
                f"{row % 16 * 5}-{row % 16 * 5 + 4}",
                rng.randint(0, 5000),
                round(rng.random() * 100, 2),
                "data contoh",
                "final",
                "BPS",
            ],
        )
    book.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="also a real 1,000,000-cell XLSX")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(Path(args.prepare))
        return
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    with work_folder("bench-hostile-", args.keep) as work:
        files = work / "files"
        files.mkdir()
        made = [(label, make()) for label, make in cases(files, args.real)]
        prepare_in_child(work)
        print(f"{'file':<38} {'size':>9} {'status':<10} {'seconds':>7} {'peak MiB':>8}  message")
        for label, path in made:
            outcome = run_child(work, path)
            size = f"{path.stat().st_size / 2**20:.1f} MiB"
            seconds, peak = float(outcome["seconds"]), float(outcome["peak_rss_mb"])  # type: ignore[arg-type]
            within = seconds < SECONDS_FLOOR and peak < MEMORY_FLOOR_MB
            print(
                f"{label:<38} {size:>9} {outcome['status']!s:<10} {seconds:>7.2f} {peak:>8.0f}  "
                f"{str(outcome['message'])[:90]}{'' if within else '  <- OVER the floor'}"
            )
        print(
            f"floors: refused within {SECONDS_FLOOR:.0f} s, peak memory under "
            f"{MEMORY_FLOOR_MB:.0f} MiB for the whole worker process"
        )


def prepare_in_child(work: Path) -> None:
    """The database is made in a child too: the parent stays free of Django's memory."""
    subprocess.run([sys.executable, __file__, "--prepare", str(work)], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
