"""The help desk's sample month for the Pringsewu demo: tickets in every category and channel
(some late, a KIP request extended, an objection decided, a data request published as an ad
hoc table), FAQ entries, guest-book visits and IKM survey answers. Every requester is invented,
named "(contoh)" with an address on the reserved ``contoh.example`` domain, and the pages label
the figures "data contoh".

Each ticket goes through the real services (numbers, audit rows, the activity-5 SOP task, the
requester's e-mails), each step taken ``services.as_of`` its moment in the month, so that its
messages, times, deadlines and audit history agree (the audit log is append-only: its rows
cannot be moved back afterwards). Only the SOP task's finishing time is set afterwards.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from satudata.accounts.models import Agency, User
from satudata.releases.services.common import ReleaseRefused
from satudata.sop.models import SopTask
from satudata.sop.workdays import WIB
from satudata.support import clocks, services
from satudata.support.models import (
    SAMPLE_DOMAIN,
    Category,
    Channel,
    Delivery,
    FaqEntry,
    GuestVisit,
    InstitutionType,
    KipOutcome,
    ObjectionDecision,
    ObjectionReason,
    RefusalReason,
    State,
    SurveyResponse,
    Ticket,
)

log = logging.getLogger(__name__)

SAMPLE = "data contoh"


@dataclass(frozen=True)
class SampleTicket:
    category: str
    channel: str
    subject: str
    message: str
    agency: str  # slug, "" for the Walidata itself
    days_ago: int
    plan: str  # closed | late | overdue | waiting | progress | answered | extended | objection
    answer: str = ""
    institution: str = InstitutionType.PUBLIC


KON, REQ, KIP, COM, COR, FBK = (
    Category.CONSULTATION,
    Category.DATA_REQUEST,
    Category.KIP,
    Category.COMPLAINT,
    Category.CORRECTION,
    Category.FEEDBACK,
)

TICKETS = [
    SampleTicket(
        KON,
        Channel.WEB,
        "Data stunting per kecamatan",
        "Apakah ada data prevalensi stunting per kecamatan tahun lalu?",
        "dinkes",
        29,
        "closed",
        (
            "Data stunting per kecamatan ada pada dataset Dinas "
            "Kesehatan; tautannya kami lampirkan di halaman data."
        ),
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        KON,
        Channel.EMAIL,
        "Definisi angka partisipasi murni",
        "Apa beda APM dan APK pada tabel pendidikan?",
        "disdikbud",
        28,
        "closed",
        (
            "APM menghitung murid usia sekolah yang sesuai jenjangnya; "
            "APK menghitung semua murid pada jenjang itu. Penjelasannya "
            "ada di metadata MS-Var."
        ),
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        REQ,
        Channel.WEB,
        "Jumlah puskesmas per kecamatan",
        (
            "Mohon data jumlah puskesmas rawat inap dan non rawat inap per kecamatan untuk "
            "penelitian skripsi."
        ),
        "dinkes",
        4,
        "progress",  # answered with its table by the ad hoc step (``_adhoc``)
        institution=InstitutionType.STUDENT,
    ),
    SampleTicket(
        KIP,
        Channel.LETTER,
        "Permohonan informasi anggaran statistik sektoral",
        ("Kami memohon salinan rencana kegiatan statistik sektoral tahun berjalan."),
        "",
        26,
        "closed",
        "Informasi diberikan seluruhnya; salinan dokumen terlampir.",
        InstitutionType.NGO,
    ),
    SampleTicket(
        KON,
        Channel.WHATSAPP,
        "Jadwal rilis data kemiskinan",
        "Kapan data kemiskinan kabupaten dirilis?",
        "",
        25,
        "closed",
        ("Jadwal rilis ada di halaman Jadwal Rilis; rilis berikutnya sudah terjadwal."),
        InstitutionType.MEDIA,
    ),
    SampleTicket(
        COM,
        Channel.WEB,
        "Berkas unduhan tidak bisa dibuka",
        "File XLSX tabel produksi padi tidak bisa dibuka di ponsel saya.",
        "",
        24,
        "late",
        (
            "Berkas sudah kami periksa dan terbuka di aplikasi lembar "
            "kerja ponsel; mohon coba unduh ulang."
        ),
        InstitutionType.PUBLIC,
    ),
    SampleTicket(
        COR,
        Channel.WEB,
        "Angka penduduk Kecamatan Ambarawa",
        ("Jumlah penduduk Ambarawa pada tabel tampak tertukar dengan Pardasuka."),
        "disdukcapil",
        23,
        "closed",
        ("Terima kasih; OPD memeriksa dan angka pada tabel sudah sesuai sumber. Tidak ada ralat."),
        InstitutionType.PUBLIC,
    ),
    SampleTicket(
        FBK,
        Channel.WEB,
        "Usul peta interaktif",
        "Akan lebih mudah bila ada peta per kecamatan pada halaman data.",
        "",
        22,
        "closed",
        ("Terima kasih atas masukannya; grafik peta kecamatan sudah tersedia pada produk grafik."),
        InstitutionType.PUBLIC,
    ),
    SampleTicket(
        KIP,
        Channel.WEB,
        "Data penerima bantuan sosial per desa",
        "Mohon daftar nama penerima bantuan sosial per desa.",
        "dinsos",
        21,
        "objection",
        (
            "Permohonan ditolak: daftar nama penerima memuat data pribadi"
            " (UU 14/2008 Pasal 17 huruf h). Rekap jumlah penerima per "
            "desa dapat diberikan."
        ),
        InstitutionType.NGO,
    ),
    SampleTicket(
        KON,
        Channel.PHONE,
        "Cara mengutip data portal",
        "Bagaimana cara mengutip tabel dari portal di laporan saya?",
        "",
        20,
        "closed",
        ("Setiap halaman data memiliki kutipan siap salin di bagian 'Kutip data ini'."),
        InstitutionType.GOVERNMENT,
    ),
    SampleTicket(
        REQ,
        Channel.WALK_IN,
        "Data luas panen jagung",
        ("Kami membutuhkan luas panen jagung per kecamatan lima tahun terakhir."),
        "distan",
        19,
        "late",
        ("Data lima tahun terakhir sudah kami kirim; dua tahun terakhir menunggu rilis resmi."),
        InstitutionType.PRIVATE,
    ),
    SampleTicket(
        KIP,
        Channel.WEB,
        "Permohonan data kepegawaian",
        "Mohon data jumlah ASN per OPD menurut golongan.",
        "bkpsdm",
        18,
        "extended",
        "",
        InstitutionType.MEDIA,
    ),
    SampleTicket(
        KON,
        Channel.WEB,
        "Satuan pada tabel curah hujan",
        "Satuan curah hujan pada tabel apakah milimeter per bulan?",
        "",
        17,
        "closed",
        "Ya, milimeter per bulan; satuan tertulis di metadata variabel.",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        KON,
        Channel.EMAIL,
        "API untuk data sekolah",
        "Apakah data sekolah bisa diambil lewat API?",
        "",
        16,
        "closed",
        "Bisa: lihat halaman Pengembang untuk REST API dan CKAN API.",
        InstitutionType.PRIVATE,
    ),
    SampleTicket(
        REQ,
        Channel.WEB,
        "Jumlah UMKM per kecamatan",
        "Mohon data jumlah UMKM terdaftar per kecamatan.",
        "diskoperindag",
        15,
        "answered",
        "Tabel jumlah UMKM per kecamatan kami lampirkan.",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        COM,
        Channel.WHATSAPP,
        "Tautan tabel rusak",
        "Tautan di infografis mengarah ke halaman yang tidak ada.",
        "",
        14,
        "closed",
        "Tautan sudah kami perbaiki. Terima kasih.",
        InstitutionType.PUBLIC,
    ),
    SampleTicket(
        KON,
        Channel.WEB,
        "Perbedaan data BPS dan OPD",
        "Mengapa angka penduduk portal berbeda dengan publikasi BPS?",
        "",
        13,
        "closed",
        (
            "Portal memuat data administrasi kependudukan, BPS memakai "
            "proyeksi; metadata menjelaskan sumbernya."
        ),
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        KIP,
        Channel.WALK_IN,
        "Salinan SOP penyebarluasan data",
        "Kami meminta salinan SOP penyebarluasan data Diskominfo.",
        "",
        12,
        "closed",
        "SOP diberikan; salinan PDF terlampir.",
        InstitutionType.GOVERNMENT,
    ),
    SampleTicket(
        KON,
        Channel.WEB,
        "Data angka harapan hidup",
        "Apakah tersedia angka harapan hidup kabupaten?",
        "dinkes",
        11,
        "late",
        "Angka harapan hidup diterbitkan BPS; kami tautkan publikasinya.",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        FBK,
        Channel.EMAIL,
        "Tampilan di ponsel",
        "Tabel lebar sulit dibaca di ponsel.",
        "",
        10,
        "closed",
        "Masukan diteruskan; tabel kini dapat digeser dan diunduh.",
        InstitutionType.PUBLIC,
    ),
    SampleTicket(
        REQ,
        Channel.WEB,
        "Data jumlah guru honorer",
        "Mohon data jumlah guru honorer per kecamatan.",
        "disdikbud",
        9,
        "progress",
        "",
        InstitutionType.MEDIA,
    ),
    SampleTicket(
        KON,
        Channel.WEB,
        "Metode penghitungan IPM",
        "Bagaimana metode penghitungan IPM kabupaten?",
        "",
        8,
        "waiting",
        "",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        COR,
        Channel.WEB,
        "Total tidak sama dengan jumlah rincian",
        ("Pada tabel fasilitas kesehatan, total tidak sama dengan jumlah rincian."),
        "dinkes",
        8,
        "progress",
        "",
        InstitutionType.PUBLIC,
    ),
    SampleTicket(
        KIP,
        Channel.WEB,
        "Dokumen perencanaan pembangunan",
        "Mohon dokumen RKPD tahun berjalan.",
        "bappeda",
        7,
        "answered",
        "Dokumen RKPD tersedia di situs Bappeda; tautan kami berikan.",
        InstitutionType.NGO,
    ),
    SampleTicket(
        KON,
        Channel.PHONE,
        "Data pasar tradisional",
        "Berapa jumlah pasar tradisional di kabupaten?",
        "",
        6,
        "overdue",
        "",
        InstitutionType.PRIVATE,
    ),
    SampleTicket(
        REQ,
        Channel.WEB,
        "Produksi ikan air tawar",
        "Mohon data produksi perikanan budidaya per kecamatan.",
        "",
        6,
        "overdue",
        "",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        COM,
        Channel.WEB,
        "Halaman lambat",
        "Halaman pencarian terasa lambat pada sore hari.",
        "",
        5,
        "progress",
        "",
        InstitutionType.PUBLIC,
    ),
    SampleTicket(
        KON,
        Channel.WEB,
        "Data jalan rusak",
        "Apakah ada data panjang jalan kabupaten menurut kondisi?",
        "",
        4,
        "overdue",
        "",
        InstitutionType.MEDIA,
    ),
    SampleTicket(
        KON,
        Channel.EMAIL,
        "Format data SHP",
        "Apakah peta batas kecamatan tersedia dalam format SHP?",
        "",
        3,
        "waiting",
        "",
        InstitutionType.PRIVATE,
    ),
    SampleTicket(
        REQ,
        Channel.WALK_IN,
        "Data curah hujan harian",
        "Kami membutuhkan curah hujan harian tiga tahun terakhir.",
        "",
        2,
        "progress",
        "",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        KIP,
        Channel.WEB,
        "Laporan keuangan badan usaha daerah",
        "Mohon laporan keuangan BUMD tahun lalu.",
        "",
        2,
        "received",
        "",
        InstitutionType.NGO,
    ),
    SampleTicket(
        KON,
        Channel.WEB,
        "Jumlah penduduk menurut umur",
        "Apakah ada piramida penduduk per kecamatan?",
        "disdukcapil",
        1,
        "received",
        "",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        FBK,
        Channel.WEB,
        "Terima kasih",
        "Portal sangat membantu untuk tugas kuliah.",
        "",
        1,
        "received",
        "",
        InstitutionType.STUDENT,
    ),
    SampleTicket(
        KON,
        Channel.WHATSAPP,
        "Data balita gizi buruk",
        "Mohon informasi jumlah balita gizi buruk tahun ini.",
        "dinkes",
        0,
        "received",
        "",
        InstitutionType.MEDIA,
    ),
]

FAQ = [
    (
        "Bagaimana cara mengunduh data dari portal?",
        (
            "Buka halaman dataset, lalu pilih format di bagian **Unduh**:"
            " CSV, CSV untuk Excel berbahasa Indonesia, XLSX, JSON atau "
            "Parquet."
        ),
        "How do I download data from the portal?",
        (
            "Open the dataset page and choose a format under "
            "**Download**: CSV, CSV for Indonesian Excel, XLSX, JSON or "
            "Parquet."
        ),
        KON,
    ),
    (
        "Kapan data baru dirilis?",
        (
            "Semua tanggal rilis diumumkan lebih dulu di halaman **Jadwal"
            " Rilis**; data keluar pada pukul 10.00 WIB di tanggal itu."
        ),
        "When is new data released?",
        (
            "Every release date is announced in advance on the **Release "
            "calendar**; data comes out at 10.00 WIB on that date."
        ),
        KON,
    ),
    (
        "Bagaimana cara mengutip data portal?",
        ("Setiap halaman data dan produk memuat kutipan siap salin di bagian **Kutip data ini**."),
        "How do I cite data from the portal?",
        ("Every data and product page has a ready-to-copy citation under **Cite this data**."),
        KON,
    ),
    (
        "Apakah data bisa diambil lewat API?",
        (
            "Bisa. Lihat halaman **Pengembang**: REST API, CKAN API, DCAT"
            " dan data.json, dengan contoh curl, Python dan R."
        ),
        "Can I get the data through an API?",
        (
            "Yes. See the **Developers** page: REST API, CKAN API, DCAT "
            "and data.json, with curl, Python and R examples."
        ),
        KON,
    ),
    (
        "Mengapa angka portal berbeda dengan BPS?",
        (
            "Portal memuat data sektoral OPD (misalnya administrasi "
            "kependudukan), BPS menerbitkan statistik dasar (misalnya "
            "proyeksi penduduk). Metadata setiap tabel menyebut sumber "
            "dan metodenya."
        ),
        "Why do the portal's figures differ from BPS's?",
        (
            "The portal holds agencies' sectoral data (e.g. population "
            "registration); BPS publishes basic statistics (e.g. "
            "population projections). Each table's metadata names its "
            "source and method."
        ),
        KON,
    ),
    (
        "Apa beda APM dan APK?",
        (
            "APM (Angka Partisipasi Murni) menghitung murid usia sekolah "
            "yang sesuai jenjangnya; APK (Angka Partisipasi Kasar) "
            "menghitung semua murid pada jenjang itu."
        ),
        "What is the difference between APM and APK?",
        (
            "APM (net enrolment rate) counts pupils of the right age for "
            "their level; APK (gross enrolment rate) counts all pupils at"
            " that level."
        ),
        KON,
    ),
    (
        "Data yang saya cari tidak ada. Apa yang harus saya lakukan?",
        (
            "Ajukan **permintaan data** di halaman Bantuan. Kami menjawab"
            " dalam 10 hari kerja; bila datanya layak untuk semua, kami "
            "menerbitkannya sebagai tabel ad hoc."
        ),
        "The data I need is not there. What should I do?",
        (
            "Send a **data request** from the Help page. We answer within"
            " 10 working days; when the data is of use to everyone, we "
            "publish it as an ad hoc table."
        ),
        REQ,
    ),
    (
        "Bagaimana mengajukan permohonan informasi publik (KIP)?",
        (
            "Pilih kategori **Permohonan informasi publik** di formulir. "
            "Nomor pendaftaran diberikan saat diterima; jawaban paling "
            "lambat 10 hari kerja dan dapat diperpanjang 7 hari kerja "
            "dengan alasan tertulis."
        ),
        "How do I make a public information request (KIP)?",
        (
            "Choose **Public information request** on the form. You get a"
            " registration number on receipt; the answer comes within 10 "
            "working days, extendable once by 7 with a written reason."
        ),
        KIP,
    ),
    (
        "Bagaimana mengajukan keberatan?",
        (
            "Bila permohonan informasi ditolak atau tidak dijawab tepat "
            "waktu, buka tautan pribadi tiket Anda dan pilih **Ajukan "
            "keberatan**. Atasan PPID memutusnya dalam 30 hari kerja."
        ),
        "How do I file an objection?",
        (
            "If an information request was refused or not answered on "
            "time, open your ticket's private link and choose **File an "
            "objection**. The PPID's superior decides within 30 working "
            "days."
        ),
        KIP,
    ),
    (
        "Saya menemukan angka yang salah. Bagaimana melaporkannya?",
        (
            "Pilih kategori **Koreksi data** dan sebutkan tabel serta "
            "barisnya. OPD pemilik data memeriksanya; bila benar salah, "
            "ralat diumumkan di halaman rilis."
        ),
        "I found a wrong figure. How do I report it?",
        (
            "Choose **Data correction** and name the table and row. The "
            "agency that owns the data checks it; if it is wrong, an "
            "erratum is published on the release page."
        ),
        COR,
    ),
]

GUESTS = [
    (
        "Mahasiswa Universitas Muhammadiyah Pringsewu",
        InstitutionType.STUDENT,
        "Konsultasi data untuk skripsi",
        "Data kemiskinan per kecamatan",
    ),
    (
        "Wartawan media daring",
        InstitutionType.MEDIA,
        "Wawancara tentang rilis data",
        "Jadwal rilis data kependudukan",
    ),
    ("Staf Bappeda", InstitutionType.GOVERNMENT, "Koordinasi data perencanaan", "Indikator RPJMD"),
    (
        "Peneliti LSM",
        InstitutionType.NGO,
        "Permintaan data bantuan sosial",
        "Rekap penerima bantuan per desa",
    ),
    ("Pelaku usaha", InstitutionType.PRIVATE, "Data peluang usaha", "Jumlah UMKM per kecamatan"),
    ("Guru SMA", InstitutionType.PUBLIC, "Bahan ajar geografi", "Data curah hujan"),
]


def _person(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _moment(days_ago: int, hour: int, now: dt.datetime) -> dt.datetime:
    day = (now - dt.timedelta(days=days_ago)).astimezone(WIB)
    return day.replace(hour=hour, minute=(days_ago * 7) % 60, second=0, microsecond=0)


def _finished_at(ticket: Ticket, moment: dt.datetime) -> None:
    """The ticket's SOP task finished when the ticket was closed (the SOP's services stamp now;
    a task is not audited, so it is moved here)."""
    SopTask.objects.filter(subject_type="support.ticket", subject_id=str(ticket.pk)).update(
        completed_at=moment
    )


def _walk(
    spec: SampleTicket, index: int, now: dt.datetime, staff: User, kadis: User | None
) -> Ticket:
    """One sample ticket through the real services, each step taken ``as_of`` its moment in
    the month: its messages, times, deadlines and audit rows agree."""
    received = _before(now, _moment(spec.days_ago, 8 + index % 7, now))
    agency = Agency.objects.filter(slug=spec.agency).first() if spec.agency else None
    with services.as_of(received):
        ticket, _token = services.create_ticket(
            actor=None if spec.channel == Channel.WEB else staff,
            category=spec.category,
            channel=spec.channel,
            subject=spec.subject,
            message=spec.message,
            requester_name=f"Pemohon {index + 1:02d} ({SAMPLE})",
            requester_email=f"pemohon{index + 1:02d}@{SAMPLE_DOMAIN}",
            requester_phone="" if index % 3 else f"0812-0000-{index + 1:04d}",
            institution_type=spec.institution,
            received_at=received,
            agency=agency,
            delivery=Delivery.EMAIL,
            purpose="Penelitian dan penulisan (contoh)" if spec.category == Category.KIP else "",
        )
    plan = spec.plan
    if plan in {"received", "overdue"}:
        return ticket
    ack = _before(now, received + dt.timedelta(hours=3 if index % 2 else 20))
    with services.as_of(ack):
        services.acknowledge(actor=staff, ticket=ticket)
    if plan == "progress":
        with services.as_of(ack + dt.timedelta(hours=1)):
            services.start_work(actor=staff, ticket=ticket)
        with services.as_of(ack + dt.timedelta(hours=2)):
            services.add_note(
                actor=staff, ticket=ticket, body="Menunggu tabel dari OPD (catatan contoh)."
            )
        return ticket
    if plan == "waiting":
        with services.as_of(ack + dt.timedelta(hours=1)):
            services.reply(
                actor=staff,
                ticket=ticket,
                body="Mohon jelaskan tahun dan tingkat wilayah yang Anda butuhkan.",
                wait=True,
            )
        return ticket
    if plan == "extended":
        with services.as_of(ack + dt.timedelta(hours=1)):
            services.start_work(actor=staff, ticket=ticket)
        with services.as_of(_before(now, ack + dt.timedelta(days=6))):
            return services.extend(
                actor=staff,
                ticket=ticket,
                reason="Data harus dihimpun dari beberapa OPD dan diperiksa lebih dulu (contoh).",
            )
    return _answer_and_close(spec, ticket, index, now, staff, kadis)


def _before(now: dt.datetime, moment: dt.datetime) -> dt.datetime:
    """A sample moment, never later than an hour before the demo is loaded."""
    return min(moment, now - dt.timedelta(hours=1))


def _answered_at(spec: SampleTicket, ticket: Ticket, index: int, now: dt.datetime) -> dt.datetime:
    """On time: a day to three after receipt. Late: 10:00 WIB two working days after the
    deadline (counted on the platform's calendar), so the answer really is late."""
    ticket.refresh_from_db()
    if spec.plan == "late":
        day = clocks.shift(ticket.answer_due, 2).astimezone(WIB)
        return _before(now, day.replace(hour=10, minute=0))
    on_time = ticket.received_at + dt.timedelta(days=1 + index % 3, hours=2)
    return _before(now, min(on_time, ticket.answer_due))


def _answer_and_close(
    spec: SampleTicket,
    ticket: Ticket,
    index: int,
    now: dt.datetime,
    staff: User,
    kadis: User | None,
) -> Ticket:
    answered = _answered_at(spec, ticket, index, now)
    kip = spec.category == Category.KIP
    refused = spec.plan == "objection"
    with services.as_of(answered):
        ticket = services.answer(
            actor=staff,
            ticket=ticket,
            body=spec.answer,
            outcome=(KipOutcome.PARTLY if refused else KipOutcome.GRANTED) if kip else "",
            refusal_reason=RefusalReason.PRIVACY if refused else "",
        )
    if spec.plan not in {"closed", "late", "objection"}:
        return ticket
    closed = _before(now, answered + dt.timedelta(days=1))
    with services.as_of(closed):
        ticket = services.close(actor=staff, ticket=ticket)
    _finished_at(ticket, closed)
    if refused and kadis is not None:
        filed = _before(now, closed + dt.timedelta(days=2))
        with services.as_of(filed):
            objection = services.file_objection(
                ticket=ticket,
                reason=ObjectionReason.REFUSED,
                statement="Kami hanya membutuhkan jumlah penerima per desa, bukan nama (contoh).",
            )
        with services.as_of(_before(now, filed + dt.timedelta(days=9))):
            services.decide_objection(
                actor=kadis,
                objection=objection,
                decision=ObjectionDecision.PARTLY,
                note="Rekap jumlah penerima per desa diberikan; daftar nama tetap dikecualikan "
                "(contoh).",
            )
    return ticket


def _survey(rng: random.Random, ticket: Ticket | None, at: dt.datetime) -> SurveyResponse:
    # Mostly "satisfied" (3), some "very" (4), a few "not" (2); U3 (time) rated lowest.
    scores = [rng.choices([2, 3, 4], weights=[1, 6, 3])[0] for _ in range(9)]
    scores[2] = rng.choices([2, 3, 4], weights=[3, 6, 1])[0]
    return SurveyResponse(
        ticket=ticket,
        service=ticket.category if ticket else "",
        **{f"u{i + 1}": score for i, score in enumerate(scores)},
        age=rng.randint(19, 58),
        sex=rng.choice(["L", "P"]),
        education=rng.choice(["sma", "d3", "s1", "s1", "s2"]),
        occupation=rng.choice(["pns", "swasta", "pelajar", "pelajar", "wirausaha", "lainnya"]),
        submitted_at=at,
    )


@transaction.atomic
def load_sample_support() -> int:
    """The sample month; a second run adds nothing."""
    if Ticket.objects.filter(requester_email__endswith=f"@{SAMPLE_DOMAIN}").exists():
        return 0
    staff = _person("walidata")
    if staff is None:
        return 0
    kadis = _person("kadis")
    now = timezone.now()
    tickets = [_walk(spec, i, now, staff, kadis) for i, spec in enumerate(TICKETS)]
    for question, answer, question_en, answer_en, category in FAQ:
        source = next(
            (t for t in tickets if t.category == category and t.state == State.CLOSED), None
        )
        # Labelled where a visitor reads it: the FAQ list, its page and the suggestions.
        FaqEntry.objects.create(
            question=f"{question} ({SAMPLE})",
            answer=answer,
            question_en=f"{question_en} (sample data)",
            answer_en=answer_en,
            category=category,
            source_ticket=source if category == Category.CONSULTATION else None,
            helped_count=len(question) % 9,
        )
    served = [p for p in (staff, _person("walidata2")) if p is not None]
    GuestVisit.objects.bulk_create(
        GuestVisit(
            name=f"Tamu {i + 1:02d} ({SAMPLE})",
            institution_type=GUESTS[i % len(GUESTS)][1],
            institution_name=GUESTS[i % len(GUESTS)][0],
            contact=f"tamu{i + 1:02d}@{SAMPLE_DOMAIN}",
            purpose=GUESTS[i % len(GUESTS)][2],
            data_requested=GUESTS[i % len(GUESTS)][3],
            served_by=served[i % len(served)],
            visited_at=_moment(1 + (i * 29) // 18, 9 + i % 6, now),
            outcome="Dijelaskan cara mencari dan mengunduh data (contoh).",
        )
        for i in range(18)
    )
    rng = random.Random(19)  # noqa: S311 (sample data, not secrets)
    tickets = list(Ticket.objects.filter(pk__in=[t.pk for t in tickets]))
    closed = [t for t in tickets if t.state == State.CLOSED and t.merged_into_id is None]
    answers = [
        _survey(rng, t, min(now, (t.closed_at or now) + dt.timedelta(hours=5))) for t in closed
    ]
    answers += [
        _survey(rng, None, _moment(rng.randint(0, 29), 10, now)) for _ in range(60 - len(answers))
    ]
    SurveyResponse.objects.bulk_create(answers)
    try:
        with transaction.atomic():  # the month stands even if the products demo is missing
            _adhoc(tickets, staff)
    except (services.SupportError, ReleaseRefused) as error:
        log.warning("demo: the sample ad hoc table was not made: %s", error)
    return len(tickets)


def _adhoc(tickets: list[Ticket], staff: User) -> None:
    """The puskesmas request's table, made from the demo's released dataset with the table
    builder's defaults, submitted as an ad hoc table and released by the Kepala Bidang."""
    from satudata.catalog.models import Dataset
    from satudata.products.demo import _generated, _table_spec
    from satudata.products.models import ProductKind
    from satudata.products.services import create_product
    from satudata.releases.services import publish_now
    from satudata.support.publishing import adhoc_table_from_ticket

    ticket = next((t for t in tickets if t.subject == "Jumlah puskesmas per kecamatan"), None)
    dataset = Dataset.objects.filter(item__name="Jumlah Puskesmas").order_by("-pk").first()
    kabid = _person("kabid")
    if ticket is None or dataset is None or kabid is None:
        return
    spec = _table_spec(dataset)
    if spec is None:
        return
    product = create_product(
        actor=staff,
        kind=ProductKind.TABLE,
        title="Jumlah Puskesmas menurut Kecamatan (tabel ad hoc, data contoh)",
        agency=dataset.agency,
        spec=spec,
        description=(
            "Disusun untuk menjawab permintaan data seorang pengguna layanan dan diterbitkan "
            "untuk umum (data contoh)."
        ),
        alt_text="Tabel jumlah puskesmas menurut kecamatan (data contoh).",
    )
    version = _generated(staff, product, "Versi pertama (data contoh).")
    if version is None:
        return
    adhoc = adhoc_table_from_ticket(
        actor=staff,
        ticket=ticket,
        product=product,
        note="Terima kasih; tabel ini berguna juga bagi pengguna lain (contoh).",
    )
    if adhoc.release is not None:
        publish_now(actor=kabid, release=adhoc.release, reason="Tabel ad hoc (data contoh).")
