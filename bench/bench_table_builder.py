"""The table builder's speed: pivots of a 1,000,000-row dataset version through the tables API,
against pandas ``pivot_table`` on the same Parquet file.

Issue figures (floors): a 1,000,000-row version pivoted to a 9 × 12 table (kecamatan down the
side, months across, everything else summed) in at most 150 ms of server time, p95 over 50
requests; a JSON-stat answer of about 100,000 cells (desa × month × age group × sex) in at most
1 s. In the same run pandas (``read_parquet`` of the columns needed, then ``pivot_table``, as
a person with a notebook would do it) makes the same 9 × 12 table 50 times from the same file;
the ratio of the medians is printed, and pandas' pivot alone on a frame already in memory too.

Runs alone, from a clean checkout:
    .venv/bin/python bench/bench_table_builder.py
    .venv/bin/python bench/bench_table_builder.py --rows 200000 --no-pandas
pandas is not a dependency of the platform: `make bench-tools` installs it (pinned, with pyarrow
to read Parquet) into .venv-bench, where this script looks for it; ``--pandas-python PATH``
names another interpreter.

The requests go through Django's test client to the API view (URL routing, the gate, the
datastore, the JSON-stat writer), in this process: the time is the server's, without a network.
The dataset (sample numbers, "data contoh") is written straight to Parquet and registered in a
throw-away SQLite database in a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_synchronise import setup_django  # noqa: E402
from bench.catalog_scale import percentile, work_folder  # noqa: E402

KECAMATAN = [f"18.10.{n:02d}" for n in range(1, 10)]
VILLAGES = 245  # × 12 months × 17 age groups × 2 sexes = 99,960 cells
AGES = [f"{a}-{a + 4}" for a in range(0, 80, 5)] + ["80+"]
SEXES = ["Laki-laki", "Perempuan"]
PIVOT_FLOOR_MS, JSONSTAT_FLOOR_MS = 150.0, 1000.0

PANDAS = """
import json, statistics, sys, time
import pandas as pd
path, repeat = sys.argv[1], int(sys.argv[2])
columns = ["kode_kecamatan", "bulan", "jumlah"]
whole, alone = [], []
for _ in range(repeat + 1):
    started = time.perf_counter()
    frame = pd.read_parquet(path, columns=columns)
    read = time.perf_counter()
    table = frame.pivot_table(
        index="kode_kecamatan", columns="bulan", values="jumlah", aggfunc="sum"
    )
    done = time.perf_counter()
    whole.append((done - started) * 1000)
    alone.append((done - read) * 1000)
print(json.dumps({"whole": whole[1:], "pivot": alone[1:], "shape": list(table.shape),
                  "total": int(table.to_numpy().sum())}))
"""


def write_parquet(path: Path, rows: int) -> int:
    """``rows`` rows of people counts (data contoh): desa, kecamatan, month, age group, sex;
    the sum of ``jumlah``, to check the pivots."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    rng = random.Random(18)
    villages = [f"18.10.{1 + v % 9:02d}.{2001 + v // 9}" for v in range(VILLAGES)]
    desa, kecamatan, month, age, sex, count = [], [], [], [], [], []
    for n in range(rows):
        v = n % VILLAGES
        cell = n // VILLAGES
        desa.append(villages[v])
        kecamatan.append(KECAMATAN[v % 9])
        month.append(1 + cell % 12)
        age.append(AGES[(cell // 12) % len(AGES)])
        sex.append(SEXES[(cell // (12 * len(AGES))) % 2])
        count.append(rng.randint(0, 40))
    table = pa.table(
        {
            "kode_kecamatan": pa.array(kecamatan, pa.string()),
            "kode_desa": pa.array(desa, pa.string()),
            "tahun": pa.array([2025] * rows, pa.int64()),
            "bulan": pa.array(month, pa.int64()),
            "kelompok_umur": pa.array(age, pa.string()),
            "jenis_kelamin": pa.array(sex, pa.string()),
            "jumlah": pa.array(count, pa.int64()),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=122_880)
    return sum(count)


COLUMNS = [
    ("kode_kecamatan", "Kecamatan", "region", ""),
    ("kode_desa", "Desa", "text", ""),
    ("tahun", "Tahun", "year", ""),
    ("bulan", "Bulan", "integer", ""),
    ("kelompok_umur", "Kelompok Umur", "text", ""),
    ("jenis_kelamin", "Jenis Kelamin", "category", ""),
    ("jumlah", "Jumlah Penduduk", "integer", "jiwa"),
]


def register(work: Path, rows: int) -> str:
    """The Parquet file as version 1 of a published dataset; its name."""
    from django.core.management import call_command
    from django.utils import timezone

    from satudata.accounts.models import Agency, User
    from satudata.accounts.roles import Role
    from satudata.catalog.models import (
        CodeValue,
        DataItem,
        DataList,
        DataListStatus,
        Dataset,
        DatasetVersion,
        Upload,
        UploadStatus,
        Variable,
    )
    from satudata.regions.models import Region

    call_command("migrate", verbosity=0)
    Region.objects.create(code="18", name="Lampung", level=1, kind="provinsi")
    Region.objects.create(code="18.10", name="Pringsewu", level=2, kind="kabupaten", parent_id="18")
    for n, code in enumerate(KECAMATAN, 1):
        Region.objects.create(
            code=code, name=f"Kecamatan {n} (contoh)", level=3, kind="kecamatan", parent_id="18.10"
        )
    agency = Agency.objects.create(name="Dinas Kependudukan (bench)", slug="disdukcapil")
    kabid = User.objects.create_user(
        "kabid", password="bench-password-1", role=Role.KEPALA_BIDANG, full_name="Kepala Bidang"
    )
    for _name, variable, kind, unit in COLUMNS:
        made = Variable.objects.create(agency=agency, name=variable, data_type=kind, unit=unit)
        if kind == "category":
            CodeValue.objects.create(variable=made, code="1", label="Laki-laki")
            CodeValue.objects.create(variable=made, code="2", label="Perempuan")
    data_list = DataList.objects.create(year=2025, status=DataListStatus.APPROVED)
    item = DataItem.objects.create(
        data_list=data_list, number=1, agency=agency, name="Penduduk per bulan", frequency="bulanan"
    )
    dataset = Dataset.objects.create(
        item=item,
        agency=agency,
        slug="penduduk-bulanan-contoh",
        title="Penduduk menurut Desa, Bulan, Umur dan Jenis Kelamin, 2025 (data contoh)",
    )
    upload = Upload.objects.create(
        dataset=dataset,
        uploaded_by=kabid,
        filename="penduduk.csv",
        size=1,
        sha256="0" * 64,
        status=UploadStatus.SYNCHRONISED,
        row_count=rows,
    )
    DatasetVersion.objects.create(
        dataset=dataset,
        number=1,
        upload=upload,
        path="bench/penduduk.parquet",
        row_count=rows,
        columns=[
            {"name": n, "variable": v, "unit": u, "source_column": v, "data_type": k}
            for n, v, k, u in COLUMNS
        ],
        published_at=timezone.now(),
        published_by=kabid,
    )
    return dataset.slug


def timed_get(client: Any, url: str, params: dict[str, str]) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = client.get(url, params)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}: {answer.content[:300]!r}")
    return elapsed, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--pandas-python", default=str(ROOT / ".venv-bench" / "bin" / "python"))
    options = parser.parse_args()
    with work_folder("bench-tables-", options.keep) as work:
        setup_django(work)
        parquet = work / "media" / "bench" / "penduduk.parquet"
        started = time.perf_counter()
        total = write_parquet(parquet, options.rows)
        print(
            f"{options.rows:,} rows written to Parquet "
            f"({parquet.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
        slug = register(work, options.rows)
        from django.conf import settings
        from django.test import Client

        client = Client()
        url = f"/api/v1/tables/{slug}/data"
        pivot = {
            "valuecodes[kode_kecamatan]": "*",
            "valuecodes[bulan]": "*",
            "stub": "kode_kecamatan",
            "heading": "bulan",
        }
        timed_get(client, url, pivot)  # the first request opens DuckDB and reads the footer
        times = []
        for _ in range(options.requests):
            elapsed, answer = timed_get(client, url, pivot)
            times.append(elapsed)
        body = answer.json()
        if body["size"] != [9, 12] or sum(v or 0 for v in body["value"]) != total:
            raise SystemExit(f"the pivot is wrong: size {body['size']}")
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        print(
            f"pivot 9 × 12 over {options.rows:,} rows, {options.requests} requests: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (floor p95 ≤ {PIVOT_FLOOR_MS:.0f} ms)"
        )
        big = {
            "valuecodes[kode_desa]": "*",
            "valuecodes[bulan]": "*",
            "valuecodes[kelompok_umur]": "*",
            "valuecodes[jenis_kelamin]": "*",
        }
        big_times = []
        for _ in range(5):
            elapsed, answer = timed_get(client, url, big)
            big_times.append(elapsed)
        cells = len(json.loads(answer.content)["value"])
        print(
            f"JSON-stat of {cells:,} cells ({len(answer.content) / 2**20:.1f} MB, cap "
            f"{settings.TABLE_MAX_CELLS:,}), 5 requests: median {statistics.median(big_times):.0f} "
            f"ms, max {max(big_times):.0f} ms (floor ≤ {JSONSTAT_FLOOR_MS:.0f} ms)"
        )
        failed = p95 > PIVOT_FLOOR_MS or max(big_times) > JSONSTAT_FLOOR_MS
        if not options.no_pandas:
            run = subprocess.run(
                [options.pandas_python, "-c", PANDAS, str(parquet), str(options.requests)],
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode != 0:
                raise SystemExit(f"pandas failed: {run.stderr[-500:]}")
            theirs = json.loads(run.stdout)
            if theirs["shape"] != [9, 12] or theirs["total"] != total:
                raise SystemExit(f"pandas made another table: {theirs['shape']}")
            whole, alone = statistics.median(theirs["whole"]), statistics.median(theirs["pivot"])
            print(
                f"pandas read_parquet + pivot_table, {options.requests} times: p50 {whole:.1f} ms, "
                f"p95 {percentile(theirs['whole'], 0.95):.1f} ms; pivot_table alone on the "
                f"frame in memory p50 {alone:.1f} ms"
            )
            print(
                f"ratio pandas / table builder (p50): {whole / p50:.1f}× "
                f"(pivot alone: {alone / p50:.1f}×)"
            )
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
        print("FLOORS MISSED" if failed else "floors met")
        if failed:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
