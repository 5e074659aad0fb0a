"""The demo's dissemination reports (issue 21, point 7): a yearly report waiting for the Kepala
Bidang's review and last month's report carried through review, signature and publication,
each with narrative sections written as samples ("data contoh").

The files are made here at once (the worker would make them after the commit; the job it is
handed then writes the same content-addressed files again, harmlessly)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from satudata.accounts.models import User
from satudata.reports import report_services as services
from satudata.reports.models import NarrativeSection, Report
from satudata.reports.report_periods import Period, month, year
from satudata.reports.report_tasks import run

SAMPLE = "*Contoh narasi (data contoh) untuk demo.*"

NARRATIVE = {
    "ringkasan": (
        "Sepanjang periode ini Walidata menyebarluaskan data sektoral Kabupaten Pringsewu sesuai "
        "kalender rilis. Sebagian besar indikator memenuhi target; ketepatan waktu dan layanan "
        "permintaan data masih perlu dijaga."
    ),
    "kalender": (
        "Rilis yang mundur dari tanggal yang diumumkan disebabkan keterlambatan data dari OPD. "
        "Setiap perubahan jadwal diumumkan di kalender rilis beserta alasannya."
    ),
    "produk": (
        "Produk yang dirilis meliputi tabel statistik, grafik, infografis, dan publikasi. Ralat "
        "yang diterbitkan dicatat pada halaman rilis masing-masing."
    ),
    "pemanfaatan": (
        "Pemanfaatan portal naik pada bulan penyusunan anggaran dan turun pada masa libur Lebaran. "
        "Pencarian tanpa hasil menunjukkan kebutuhan data yang belum tersedia; daftar tersebut "
        "diteruskan ke OPD terkait."
    ),
    "promosi": (
        "Setiap rilis dipromosikan melalui situs, media sosial, WhatsApp, dan surel pelanggan "
        "sesuai rencana promosi."
    ),
    "layanan": (
        "Permintaan data dan informasi publik dilayani sesuai standar waktu; hasil survei "
        "kepuasan (IKM) menjadi bahan perbaikan layanan."
    ),
    "transparansi": (
        "Akses pra-rilis diberikan terbatas kepada pejabat yang tercatat, dan daftarnya diumumkan "
        "bersama rilis."
    ),
    "kepatuhan": (
        "Kegiatan SOP yang terlambat dibahas dalam rapat evaluasi bulanan Bidang Statistik."
    ),
    "tindak_lanjut": (
        "1. Mengingatkan OPD dua minggu sebelum jadwal rilis.\n"
        "2. Menambah data yang paling sering dicari tetapi belum tersedia.\n"
        "3. Memperluas promosi melalui radio dan kegiatan pekon."
    ),
}


def _write_narrative(report: Report, author: User) -> None:
    for key, text in NARRATIVE.items():
        NarrativeSection.objects.update_or_create(
            report=report,
            key=key,
            defaults={"text": f"{SAMPLE}\n\n{text}", "updated_by": author},
        )


def _generated(period: Period, author: User) -> Report:
    report = services.generate_report(actor=author, period=period)
    _write_narrative(report, author)
    run(report.pk)
    return Report.objects.get(pk=report.pk)


def load_sample_reports(today: dt.date | None = None) -> list[Report]:
    """Generate the demo's reports once (a second run adds nothing)."""
    if Report.objects.exists():
        return []
    today = today or timezone.localdate()
    walidata = User.objects.get(username="walidata")
    kabid = User.objects.get(username="kabid")
    kadis = User.objects.get(username="kadis")
    # The year with most of the demo's history: this one from mid-year, else the last.
    whole = year(today.year if today.month >= 6 else today.year - 1)
    before = today.replace(day=1) - dt.timedelta(days=1)
    last_month = month(before.year, before.month)

    monthly = _generated(last_month, walidata)
    services.submit_report(actor=walidata, report=monthly)
    services.review_report(actor=kabid, report=monthly, approve=True, note="")
    head = services.walidata_head()
    services.sign_report(
        actor=kadis,
        report=monthly,
        name=head.get("name") or kadis.full_name,
        nip=head.get("nip") or "197001011995031001",
        title=head.get("title") or "Kepala Dinas Komunikasi dan Informatika",
        signed_on=today,
    )
    run(monthly.pk)  # the signature block, from the same frozen figures
    services.publish_report(actor=walidata, report=Report.objects.get(pk=monthly.pk))

    yearly = _generated(whole, walidata)
    services.submit_report(actor=walidata, report=yearly)
    return [Report.objects.get(pk=monthly.pk), Report.objects.get(pk=yearly.pk)]
