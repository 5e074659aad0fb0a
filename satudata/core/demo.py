"""The Kabupaten Pringsewu demo: real public facts (region codes, agencies, the SOP) and
invented records (people, tasks) that are labelled "data contoh" wherever they appear.

Every step is idempotent: a second run adds only what is missing and keeps what users changed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from satudata.accounts.models import Agency, Membership, User
from satudata.accounts.roles import Role
from satudata.catalog.demo import (
    load_data_lists,
    load_sample_letter,
    load_sample_metadata_and_data,
    load_sample_portal,
    load_sample_statistical_metadata,
)
from satudata.core.models import SiteProfile
from satudata.products.demo import load_sample_products
from satudata.regions.importer import BUILTIN_PRINGSEWU, import_regions
from satudata.releases.demo import load_sample_releases
from satudata.sop import services as sop
from satudata.sop.models import SopTask

AGENCIES = Path(__file__).resolve().parent.parent / "accounts" / "data" / "pringsewu_opd.json"
DEMO_PASSWORD = "pringsewu-contoh-2024"  # noqa: S105 (published demo password)
SAMPLE = "data contoh"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: Role
    agency: str
    position: str


PEOPLE = [
    DemoPerson(
        "admin", "Administrator Sistem", Role.ADMINISTRATOR, "diskominfo", "Pranata Komputer"
    ),
    DemoPerson(
        "walidata", "Rina Wulandari", Role.WALIDATA, "diskominfo", "Statistisi Ahli Pertama"
    ),
    DemoPerson(
        "walidata2", "Agus Setiawan", Role.WALIDATA, "diskominfo", "Pranata Komputer Ahli Pertama"
    ),
    DemoPerson(
        "kabid",
        "Hendra Saputra",
        Role.KEPALA_BIDANG,
        "diskominfo",
        "Kepala Bidang Statistik dan Persandian",
    ),
    DemoPerson(
        "kadis",
        "Sri Handayani",
        Role.KEPALA_DINAS,
        "diskominfo",
        "Kepala Dinas Komunikasi dan Informatika",
    ),
    DemoPerson("dinkes", "Budi Santoso", Role.PRODUSEN, "dinkes", "Pengelola Data Dinas Kesehatan"),
    DemoPerson(
        "disdikbud",
        "Maya Lestari",
        Role.PRODUSEN,
        "disdikbud",
        "Pengelola Data Dinas Pendidikan dan Kebudayaan",
    ),
    DemoPerson("bps", "Yusuf Hidayat", Role.PEMBINA, "bps", "Statistisi BPS Kabupaten Pringsewu"),
    DemoPerson(
        "setda",
        "Agus Wibowo",
        Role.PEJABAT,
        "setda",
        "Kepala Bagian Perekonomian Sekretariat Daerah",
    ),
]

# (step code, title, agency slug, executor, days since opened, done?)
SAMPLE_TASKS = [
    (
        "sinkronisasi",
        "Sinkronisasi data dan metadata Dinas Kesehatan 2025",
        "dinkes",
        "walidata",
        9,
        False,
    ),
    (
        "sinkronisasi",
        "Nota dinas kelengkapan metadata Dinas Pendidikan dan Kebudayaan",
        "disdikbud",
        "walidata2",
        2,
        False,
    ),
    ("produk", "Tabel Jumlah Penduduk per Kecamatan 2025", None, "walidata2", 1, False),
    ("produk", "Infografis Indikator Kesehatan 2025", "dinkes", "walidata", 6, False),
    ("rilis", "Rilis Data Pendidikan 2025", "disdikbud", "kabid", 3, False),
    ("promosi", "Promosi rilis Data Pendidikan 2025", None, "walidata", 4, True),
    (
        "layanan",
        "Permintaan data angka partisipasi sekolah per desa",
        "disdikbud",
        "walidata2",
        0,
        False,
    ),
    ("laporan", "Laporan diseminasi triwulan III 2026", None, "kabid", 5, False),
]


def load_site_profile() -> SiteProfile:
    profile = SiteProfile.objects.first()
    if profile is None:
        profile = SiteProfile.objects.create(
            site_name="Satu Data Kabupaten Pringsewu",
            regency_name="Kabupaten Pringsewu",
            region_code="18.10",
            walidata_name="Dinas Komunikasi dan Informatika Kabupaten Pringsewu",
            address="Pringsewu, Lampung",
        )
    return profile


def load_agencies() -> int:
    data = json.loads(AGENCIES.read_text(encoding="utf-8"))["agencies"]
    existing = set(Agency.objects.values_list("slug", flat=True))
    new = [Agency(**row) for row in data if row["slug"] not in existing]
    Agency.objects.bulk_create(new)
    return len(new)


def load_people() -> list[DemoPerson]:
    agencies = {a.slug: a for a in Agency.objects.all()}
    created = []
    for person in PEOPLE:
        user, made = User.objects.get_or_create(
            username=person.username,
            defaults={
                "full_name": f"{person.full_name} ({SAMPLE})",
                "role": person.role,
                "email": f"{person.username}@contoh.pringsewukab.invalid",
                "position": person.position,
                "is_superuser": person.role == Role.ADMINISTRATOR,
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(person)
        Membership.objects.get_or_create(
            user=user, agency=agencies[person.agency], defaults={"position": person.position}
        )
    return created


def load_sample_tasks() -> int:
    if SopTask.objects.exists():
        return 0
    agencies = {a.slug: a for a in Agency.objects.all()}
    people = {u.username: u for u in User.objects.all()}
    now = timezone.now()
    for code, title, agency, executor, days_ago, done in SAMPLE_TASKS:
        task = sop.open_task(
            actor=None,
            step=code,
            title=f"{title} ({SAMPLE})",
            agency=agencies.get(agency) if agency else None,
            executor=people[executor],
            start_at=now - dt.timedelta(days=days_ago),
        )
        if done:
            sop.complete_task(actor=None, task=task, note=f"Selesai ({SAMPLE}).")
    return len(SAMPLE_TASKS)


@transaction.atomic
def load_demo() -> dict[str, object]:
    load_site_profile()
    regions = import_regions(BUILTIN_PRINGSEWU)
    agencies = load_agencies()
    sop.load_sop()
    this_year = timezone.localdate().year
    holidays = sop.load_holidays(range(this_year - 1, this_year + 2))
    people = load_people()
    tasks = load_sample_tasks()
    load_data_lists(this_year)
    load_sample_metadata_and_data(this_year)
    load_sample_statistical_metadata(this_year)
    load_sample_letter(this_year)
    load_sample_portal(this_year)
    load_sample_releases(this_year)
    products = load_sample_products(this_year)
    from satudata.support.demo import load_sample_support

    tickets = load_sample_support()
    from satudata.promotion.demo import load_sample_promotion

    promotion = load_sample_promotion()
    # Activity 6 (issue 21): a year of sample usage ("data contoh"), rolled up as the scheduler
    # would, after the parts whose datasets, products and campaign tags it uses.
    from satudata.reports.demo_usage import load_sample_usage
    from satudata.reports.rollups import roll_pending

    usage = load_sample_usage()
    roll_pending()
    if usage:
        # The sample events were written in bulk, past the recorder that keeps each dataset's
        # running totals: rebuild those, so the dataset pages count the same year.
        from satudata.reports import counts

        counts.recount()
    from satudata.reports.demo_reports import load_sample_reports

    reports = load_sample_reports()
    return {
        "regions": regions.created,
        "agencies": agencies,
        "holidays": holidays,
        "people": people,
        "tasks": tasks,
        "products": products,
        "tickets": tickets,
        "subscribers": promotion["subscribers"],
        "usage_events": usage,
        "reports": len(reports),
    }
