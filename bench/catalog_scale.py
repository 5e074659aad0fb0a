"""A throw-away copy of the Pringsewu demo with its catalog scaled up, for the data-server
benchmarks (search, dataset page). Not a benchmark itself.

``build(work, datasets)`` loads the demo into a fresh SQLite database in ``work`` (or the
PostgreSQL database named by ``--database-url``), then adds published datasets until the
catalog holds ``datasets``. The added datasets copy the shape of the demo's tables: a Daftar Data
item of one of the demo agencies for a year from 1990 on, a title made of a statistical subject
and a breakdown ("Jumlah Sekolah Dasar menurut Kecamatan, 2014 (data contoh)"), a sector, topics,
tags, variables, and one published version. Their versions point at the demo's own Parquet
files, so pages and queries over them read real data. Every title says "data contoh".

Rows are written with bulk inserts rather than through the services (which would take hours
for 100,000 datasets); the search index is filled with the same ``search.prepare`` the
services use, so what is searched is what the platform would have built itself.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = [
    ("Jumlah Penduduk", "DEMOGRAFI_DAN_KEPENDUDUKAN", "kependudukan", ["penduduk"]),
    ("Kepadatan Penduduk", "DEMOGRAFI_DAN_KEPENDUDUKAN", "kependudukan", ["penduduk"]),
    ("Jumlah Kelahiran", "DEMOGRAFI_DAN_KEPENDUDUKAN", "kependudukan", ["kelahiran"]),
    ("Jumlah Kematian", "DEMOGRAFI_DAN_KEPENDUDUKAN", "kependudukan", ["kematian"]),
    ("Jumlah Rumah Tangga", "DEMOGRAFI_DAN_KEPENDUDUKAN", "kependudukan", ["rumah tangga"]),
    ("Jumlah Puskesmas", "KESEHATAN", "kesehatan", ["puskesmas", "fasilitas kesehatan"]),
    ("Jumlah Tenaga Kesehatan", "KESEHATAN", "kesehatan", ["tenaga kesehatan"]),
    ("Cakupan Imunisasi Dasar", "KESEHATAN", "kesehatan", ["imunisasi", "balita"]),
    ("Kasus Demam Berdarah", "KESEHATAN", "kesehatan", ["penyakit", "dbd"]),
    ("Prevalensi Stunting", "KESEHATAN", "kesehatan", ["stunting", "gizi"]),
    ("Jumlah Sekolah Dasar", "PENDIDIKAN_DAN_PELATIHAN", "pendidikan", ["sekolah", "sd"]),
    ("Jumlah Murid SMP", "PENDIDIKAN_DAN_PELATIHAN", "pendidikan", ["murid", "smp"]),
    ("Jumlah Guru", "PENDIDIKAN_DAN_PELATIHAN", "pendidikan", ["guru"]),
    ("Angka Partisipasi Sekolah", "PENDIDIKAN_DAN_PELATIHAN", "pendidikan", ["partisipasi"]),
    ("Produksi Padi", "PERTANIAN_DAN_PERIKANAN", "pertanian-pangan", ["padi", "pangan"]),
    ("Luas Panen Jagung", "PERTANIAN_DAN_PERIKANAN", "pertanian-pangan", ["jagung"]),
    ("Produksi Ikan Budidaya", "PERTANIAN_DAN_PERIKANAN", "pertanian-pangan", ["perikanan"]),
    ("Populasi Ternak Sapi", "PERTANIAN_DAN_PERIKANAN", "pertanian-pangan", ["peternakan"]),
    ("Jumlah Kejadian Bencana", "LINGKUNGAN", "kebencanaan", ["bencana"]),
    ("Luas Lahan Kritis", "LINGKUNGAN", "kebencanaan", ["lahan"]),
    ("Panjang Jalan Kabupaten", "INFRASTRUKTUR", "", ["jalan"]),
    ("Jumlah Rumah Layak Huni", "PERUMAHAN", "", ["perumahan"]),
    ("Jumlah Pencari Kerja", "KETENAGAKERJAAN", "", ["tenaga kerja"]),
    ("Jumlah Koperasi Aktif", "KEUANGAN", "", ["koperasi", "umkm"]),
    ("Realisasi Pendapatan Asli Daerah", "KEUANGAN", "", ["pad", "anggaran"]),
    ("Jumlah Kunjungan Wisatawan", "PARIWISATA", "", ["wisata"]),
    ("Jumlah Penerima Bantuan Sosial", "PERLINDUNGAN_SOSIAL", "", ["bansos"]),
    ("Jumlah Kendaraan Bermotor", "TRANSPORTASI", "", ["kendaraan"]),
    ("Jumlah Menara Telekomunikasi", "KOMUNIKASI_DAN_INFORMASI", "", ["telekomunikasi"]),
    ("Jumlah Tindak Kriminalitas", "KEAMANAN", "", ["kriminalitas"]),
]
BREAKDOWNS = [
    "menurut Kecamatan",
    "menurut Desa/Kelurahan",
    "menurut Jenis Kelamin",
    "menurut Kelompok Umur",
    "menurut Bulan",
    "menurut Jenis",
    "menurut Status",
    "menurut Kecamatan dan Jenis Kelamin",
]
FREQUENCIES = ["tahunan", "tahunan", "tahunan", "semesteran", "triwulanan", "bulanan"]
LEVELS = ["kabupaten", "kecamatan", "kecamatan", "desa"]


def setup(work: Path, database_url: str = "") -> None:
    """Django against a database of its own in ``work`` (or ``database_url``)."""
    work.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{work}/bench.sqlite3"
    os.environ["DATA_DIR"] = str(work)
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def build(work: Path, datasets: int, database_url: str = "") -> dict[str, Any]:
    """The demo, then published datasets up to ``datasets``; returns what it made."""
    setup(work, database_url)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    # The demo's e-mails go to the console back-end in development: not part of the figures.
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_demo")
    demo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    added = scale(datasets)
    from satudata.catalog.models import Dataset

    return {
        "demo_s": demo_seconds,
        "scale_s": time.perf_counter() - started,
        "added": added,
        "datasets": Dataset.objects.count(),
    }


def scale(target: int, batch: int = 2000) -> int:
    """Add published sample datasets until there are ``target``."""
    from django.db import connection, transaction
    from django.utils import timezone

    from satudata.accounts.models import Agency, User
    from satudata.catalog import search
    from satudata.catalog.models import (
        DataItem,
        DataList,
        DataListStatus,
        Dataset,
        DatasetVersion,
        Tag,
        Topic,
        Upload,
        UploadStatus,
    )

    have = Dataset.objects.count()
    if have >= target:
        return 0
    templates = list(DatasetVersion.objects.filter(published_at__isnull=False))
    agencies = list(Agency.objects.all())
    actor = User.objects.get(username="walidata")  # the demo's Walidata staff member
    topics = {t.slug: t for t in Topic.objects.all()}
    rng = random.Random(2024)
    now = timezone.now()
    # One Daftar Data per year, each with room for the items added to it.
    lists: dict[int, DataList] = {}
    years = list(range(1990, 2026))
    for year in years:
        lists[year], _ = DataList.objects.get_or_create(
            year=year, defaults={"status": DataListStatus.APPROVED, "approved_at": now}
        )
    next_number = {
        year: (DataItem.objects.filter(data_list=lists[year]).count() + 1) for year in years
    }
    tag_names = sorted({t for _, _, _, tags in SUBJECTS for t in tags} | {"data contoh"})
    for name in tag_names:
        Tag.objects.get_or_create(name=name)
    tags = {t.name: t for t in Tag.objects.filter(name__in=tag_names)}
    tag_link = Dataset.tags.through
    topic_link = Dataset.topics.through
    added = 0
    serial = have
    while have + added < target:
        count = min(batch, target - have - added)
        specs = []
        for _ in range(count):
            serial += 1
            subject, sector, topic, subject_tags = rng.choice(SUBJECTS)
            breakdown = rng.choice(BREAKDOWNS)
            year = rng.choice(years)
            agency = rng.choice(agencies)
            specs.append((serial, subject, sector, topic, subject_tags, breakdown, year, agency))
        with transaction.atomic():
            items = []
            for serial_no, subject, _, _, _, breakdown, year, agency in specs:
                items.append(
                    DataItem(
                        data_list=lists[year],
                        number=next_number[year],
                        agency=agency,
                        name=f"{subject} {breakdown} #{serial_no}",
                        definition=f"{subject} {breakdown} di Kabupaten Pringsewu (data contoh).",
                        frequency=rng.choice(FREQUENCIES),
                        level=rng.choice(LEVELS),
                    )
                )
                next_number[year] += 1
            items = DataItem.objects.bulk_create(items)
            datasets = []
            for item, (serial_no, subject, sector, _, _, breakdown, year, agency) in zip(
                items, specs, strict=True
            ):
                title = f"{subject} {breakdown}, {year} (data contoh)"
                datasets.append(
                    Dataset(
                        item=item,
                        agency=agency,
                        slug=f"contoh-{serial_no}",
                        title=title,
                        description=(
                            f"{subject} {breakdown.lower()} di Kabupaten Pringsewu tahun {year}. "
                            "Angka contoh untuk uji kecepatan, bukan data resmi."
                        ),
                        sector=sector,
                    )
                )
            datasets = Dataset.objects.bulk_create(datasets)
            if datasets[0].pk is None:  # a database that does not return new keys
                datasets = list(
                    Dataset.objects.filter(slug__in=[d.slug for d in datasets]).order_by("id")
                )
            uploads = []
            chosen = []
            for dataset in datasets:
                template = rng.choice(templates)
                chosen.append(template)
                uploads.append(
                    Upload(
                        dataset=dataset,
                        uploaded_by=actor,
                        filename=f"{dataset.slug}.csv",
                        size=1,
                        sha256="0" * 64,
                        status=UploadStatus.SYNCHRONISED,
                        row_count=template.row_count,
                        checked_at=now,
                    )
                )
            uploads = Upload.objects.bulk_create(uploads)
            if uploads[0].pk is None:
                uploads = list(Upload.objects.filter(dataset__in=datasets).order_by("dataset_id"))
            DatasetVersion.objects.bulk_create(
                DatasetVersion(
                    dataset=dataset,
                    number=1,
                    upload=upload,
                    path=template.path,
                    row_count=template.row_count,
                    columns=template.columns,
                    published_at=now,
                    published_by=actor,
                )
                for dataset, upload, template in zip(datasets, uploads, chosen, strict=True)
            )
            # bulk_create skips DatasetVersion.save, which keeps the gate's ``public_from``.
            Dataset.objects.filter(pk__in=[d.pk for d in datasets]).refresh_public_from()
            links = []
            topic_links = []
            fts = []
            for dataset, spec, template in zip(datasets, specs, chosen, strict=True):
                _, _, _, topic, subject_tags, _, _, agency = spec
                names = [*subject_tags, "data contoh"]
                links += [tag_link(dataset_id=dataset.pk, tag_id=tags[n].pk) for n in names]
                if topic:
                    topic_links.append(topic_link(dataset_id=dataset.pk, topic_id=topics[topic].pk))
                variables = [c.get("variable", "") for c in template.columns]
                dataset.search_text = search.prepare(
                    [
                        dataset.title,
                        dataset.description,
                        *names,
                        topics[topic].name if topic else "",
                        *variables,
                        agency.name,
                        agency.short_name,
                    ]
                )
                fts.append((dataset.pk, dataset.search_text))
            tag_link.objects.bulk_create(links)
            topic_link.objects.bulk_create(topic_links)
            Dataset.objects.bulk_update(datasets, ["search_text"])
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO catalog_dataset_fts(rowid, search_text) VALUES (%s, %s)", fts
                    )
        added += count
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return added


class Server:
    """gunicorn serving the scaled copy: ``workers`` processes, production settings."""

    def __init__(self, work: Path, port: int, workers: int = 2, database_url: str = "") -> None:
        self.work = work
        self.port = port
        self.workers = workers
        self.database_url = database_url or f"sqlite:///{work}/bench.sqlite3"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "SATUDATA_ENV": "production",
            "SECRET_KEY": "bench-" + "k" * 60,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "DATA_DIR": str(self.work),
            "MEDIA_ROOT": str(self.work / "media"),
            "STATIC_ROOT": str(self.work / "static"),
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
        }

    def __enter__(self) -> Server:
        import urllib.request

        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        # Production serves hashed static file names from a manifest, as an operator's would.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=self.environment(),
            check=True,
        )
        log = (self.work / f"gunicorn-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [
                gunicorn,
                "config.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # The database only: no scheduler runs beside a benchmark (/healthz would say so).
                url = f"{self.url}/healthz?check=database"
                urllib.request.urlopen(url, timeout=2).read()  # noqa: S310
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit(
            f"gunicorn did not start; its log: {self.work}/gunicorn-{self.port}.log\n"
            + (self.work / f"gunicorn-{self.port}.log").read_text(errors="replace")[-3000:]
        )

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextlib.contextmanager
def work_folder(prefix: str, keep: bool) -> Iterator[Path]:
    """A fresh folder for one run, removed afterwards unless ``keep``."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    finally:
        if keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95 for p95)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
