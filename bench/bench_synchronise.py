"""Synchronising a large agency CSV end to end, against `frictionless validate` on the same file.

Issue figures (floors): a 1,000,000-row, 6-column CSV (region code, year, sex, age group, count,
percent; about 38 MB) synchronised — read, checked, reported, written as Parquet — in at most
1/20 of the time `frictionless validate` (frictionless 5.x) takes with an equivalent Table Schema;
and a 1 GB CSV synchronised with peak memory under 1 GB.

Runs alone:
    .venv/bin/python bench/bench_synchronise.py              # 1,000,000 rows, with frictionless
    .venv/bin/python bench/bench_synchronise.py --gigabyte   # ~1 GB file, peak memory
    .venv/bin/python bench/bench_synchronise.py --rows 200000 --no-frictionless
frictionless is not a dependency of the platform: `make bench-tools` installs it (pinned) into
.venv-bench, where this script looks for it; `--frictionless PATH` names another executable.

Each synchronisation runs in a child process so that its peak memory (ru_maxrss, the whole
process: Python, Django, DuckDB) is measured alone. The metadata, regions (Lampung, from
shared/reference) and the Daftar Data item are set up in a throw-away SQLite database first.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REFERENCE = ROOT.parent / "shared" / "reference" / "wilayah_kemendagri.csv"
AGES = [f"{a}-{a + 4}" for a in range(0, 75, 5)] + ["75+"]
HEADER = "kode_wilayah,tahun,jenis_kelamin,kelompok_umur,jumlah,persentase\n"


def region_codes(prefix: str) -> list[str]:
    """Kemendagri codes under ``prefix`` ("18" Lampung; "" the whole country)."""
    with REFERENCE.open(encoding="utf-8") as handle:
        return [r["kode"] for r in csv.DictReader(handle) if r["kode"].startswith(prefix)]


def generate(path: Path, rows: int, codes: list[str]) -> None:
    """Villages × sex × age group, year after year from 2000: every key unique (data contoh)."""
    villages = [c for c in codes if len(c) == 13]
    rng = random.Random(2024)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        year = 2000
        while written < rows:
            lines = []
            for code in villages:
                for sex in "LP":
                    for age in AGES:
                        count = rng.randint(0, 5000)
                        lines.append(f"{code},{year},{sex},{age},{count},{count / 50:.2f}\n")
            take = lines[: rows - written]
            out.write("".join(take))
            written += len(take)
            year += 1


def table_schema(codes: list[str]) -> dict[str, object]:
    """The frictionless equivalent of the MS-Var metadata set up below."""
    return {
        "fields": [
            {
                "name": "kode_wilayah",
                "type": "string",
                "constraints": {"required": True, "enum": codes},
            },
            {
                "name": "tahun",
                "type": "integer",
                "constraints": {"required": True, "minimum": 1900, "maximum": 2100},
            },
            {
                "name": "jenis_kelamin",
                "type": "string",
                "constraints": {"required": True, "enum": ["L", "P"]},
            },
            {
                "name": "kelompok_umur",
                "type": "string",
                "constraints": {"required": True, "enum": AGES},
            },
            {"name": "jumlah", "type": "integer", "constraints": {"minimum": 0}},
            {
                "name": "persentase",
                "type": "number",
                "constraints": {"minimum": 0, "maximum": 100},
            },
        ],
        "primaryKey": ["kode_wilayah", "tahun", "jenis_kelamin", "kelompok_umur"],
    }


def setup_django(work: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["SYNC_WORK_DIR"] = str(work / "sync")
    os.environ["TASKS_BACKEND"] = "immediate"
    # A 1 GB file is above the default 200 MB limit; an operator raises it the same way.
    os.environ["UPLOAD_MAX_MB"] = "2048"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare(work: Path, prefix: str) -> None:
    """Database with regions, agency, producer, MS-Var variables and a Daftar Data item."""
    setup_django(work)
    from django.core.management import call_command

    from satudata.accounts.models import Agency, User
    from satudata.accounts.roles import Role
    from satudata.catalog.models import CodeValue, DataItem, DataList, DataType, Variable
    from satudata.catalog.services import create_dataset
    from satudata.core.models import SiteProfile
    from satudata.regions.importer import import_regions
    from satudata.sop.services import load_sop

    call_command("migrate", verbosity=0)
    load_sop()
    regions = work / "regions.csv"
    with REFERENCE.open(encoding="utf-8") as source, regions.open("w", encoding="utf-8") as out:
        out.write(source.readline())
        out.writelines(line for line in source if line.startswith(prefix))
    import_regions(regions)
    site = SiteProfile.current()
    site.region_code = prefix
    site.save()
    agency = Agency.objects.create(name="Dinas Kependudukan (bench)", slug="disdukcapil")
    user = User.objects.create_user(
        "produsen", password="bench-password-1", role=Role.PRODUSEN, full_name="Produsen"
    )
    user.memberships.create(agency=agency)

    def variable(name: str, kind: str, rules: list[dict[str, object]]) -> Variable:
        return Variable.objects.create(agency=agency, name=name, data_type=kind, rules=rules)

    required: list[dict[str, object]] = [{"kind": "required"}]
    variable("kode_wilayah", DataType.REGION, required)
    variable("tahun", DataType.YEAR, [*required, {"kind": "range", "min": 1900, "max": 2100}])
    sex = variable("jenis_kelamin", DataType.CATEGORY, required)
    CodeValue.objects.create(variable=sex, code="L", label="Laki-laki")
    CodeValue.objects.create(variable=sex, code="P", label="Perempuan")
    age = variable("kelompok_umur", DataType.CATEGORY, required)
    for code in AGES:
        CodeValue.objects.create(variable=age, code=code, label=code)
    variable("jumlah", DataType.INTEGER, [{"kind": "range", "min": 0}])
    variable("persentase", DataType.DECIMAL, [{"kind": "range", "min": 0, "max": 100}])
    data_list = DataList.objects.create(year=2011)
    item = DataItem.objects.create(
        data_list=data_list,
        number=1,
        agency=agency,
        name="Penduduk menurut kelompok umur dan jenis kelamin (data contoh)",
        frequency="tahunan",
        level="desa",
    )
    dataset = create_dataset(actor=user, item=item)
    # The key is declared in the dataset's description, as a producer does before uploading.
    keys = ["kode_wilayah", "tahun", "jenis_kelamin", "kelompok_umur"]
    dataset.key_variables.set(Variable.objects.filter(agency=agency, name__in=keys))


def child(work: Path, source: Path) -> None:
    """One upload, received and synchronised; prints its timings and peak memory as JSON."""
    setup_django(work)
    from satudata.accounts.models import User
    from satudata.catalog.models import Dataset
    from satudata.catalog.services import receive_upload, synchronise_upload

    user = User.objects.get(username="produsen")
    dataset = Dataset.objects.get()
    started = time.perf_counter()
    with source.open("rb") as handle:
        upload = receive_upload(
            actor=user,
            dataset=dataset,
            filename=source.name,
            chunks=iter(lambda: handle.read(2**20), b""),
            check=False,
        )
    received = time.perf_counter() - started
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx(
            "synchronise_upload(actor=user, upload=upload)",
            globals(),
            {"synchronise_upload": synchronise_upload, "user": user, "upload": upload},
            os.environ["BENCH_PROFILE"],
        )
    else:
        synchronise_upload(actor=user, upload=upload)
    synchronised = time.perf_counter() - started
    version = getattr(upload, "version", None)
    print(
        json.dumps(
            {
                "receive_s": received,
                "synchronise_s": synchronised,
                "status": upload.status,
                "rows": upload.row_count,
                "errors": upload.error_count,
                "warnings": upload.warning_count,
                "parquet_rows": version.row_count if version else None,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_child(work: Path, source: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(work), str(source)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode:
        raise SystemExit(f"the synchronisation failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def frictionless_seconds(executable: str, schema: Path, source: Path) -> float:
    started = time.perf_counter()
    # frictionless refuses absolute paths as unsafe: run it in the folder, with names.
    result = subprocess.run(
        [executable, "validate", "--schema", schema.name, source.name],
        capture_output=True,
        text=True,
        cwd=source.parent,
    )
    elapsed = time.perf_counter() - started
    if "VALID" not in result.stdout or "INVALID" in result.stdout:
        raise SystemExit(f"frictionless did not find the file valid:\n{result.stdout[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--gigabyte", action="store_true", help="a ~1 GB file (27,000,000 rows)")
    parser.add_argument("--no-frictionless", action="store_true")
    parser.add_argument(
        "--frictionless", default=str(ROOT / ".venv-bench" / "bin" / "frictionless")
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    rows = 27_000_000 if args.gigabyte else args.rows
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        # A million rows: the villages of Lampung over 12 years (the Table Schema lists their
        # codes). A gigabyte: every village of Indonesia over 10 years, so that all the years
        # stay valid and the file is synchronised to the end, Parquet included.
        prefix = "" if args.gigabyte else "18"
        codes = region_codes(prefix)
        source = work / "penduduk.csv"
        started = time.perf_counter()
        generate(source, rows, codes)
        size = source.stat().st_size
        print(
            f"file: {rows:,} rows, 6 columns, {size / 2**20:.1f} MiB "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        prepare(work, prefix)
        outcome = run_child(work, source)
        print(
            f"platform: received (hashed, stored) in {outcome['receive_s']:.2f} s; "
            f"synchronised (read, checked, report, Parquet) in {outcome['synchronise_s']:.2f} s; "
            f"status {outcome['status']}, {outcome['rows']:,} rows, {outcome['errors']} errors, "
            f"{outcome['warnings']} warnings, Parquet rows {outcome['parquet_rows']}"
        )
        print(f"platform peak memory (whole process): {outcome['peak_rss_mb']:.0f} MiB")
        if args.gigabyte:
            limit = "under" if outcome["peak_rss_mb"] < 1024 else "OVER"
            print(f"floor: peak memory under 1024 MiB for a 1 GB file — {limit}")
        if args.no_frictionless or args.gigabyte:
            return
        if not Path(args.frictionless).exists() and not shutil.which(args.frictionless):
            print(f"frictionless not found at {args.frictionless}: run `make bench-tools`")
            return
        schema = work / "schema.json"
        schema.write_text(json.dumps(table_schema(codes)))
        seconds = frictionless_seconds(args.frictionless, schema, source)
        ratio = seconds / float(outcome["synchronise_s"])
        print(f"frictionless validate: {seconds:.2f} s (same file, equivalent Table Schema)")
        print(f"ratio: {ratio:.1f}× faster (floor: 20×)")
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
