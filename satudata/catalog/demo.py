"""A sample Daftar Data for the Pringsewu demo, loaded through the same import path users take.

The list is invented for the demo (the regency's real list is not public here) and says so on
its page; item names follow what regional Daftar Data commonly hold.
"""

from __future__ import annotations

from typing import Any

from satudata.accounts.models import User
from satudata.catalog.daftar import TEMPLATE_HEADER, parse_daftar
from satudata.catalog.models import DataList
from satudata.catalog.services import approve_data_list, import_data_list
from satudata.catalog.sinkronisasi.reading.upload import read_upload
from satudata.regions.models import RegionLevel

NOTE = (
    "Data contoh: daftar ini disusun untuk demo platform, bukan Daftar Data resmi "
    "Kabupaten Pringsewu."
)
HEADER = ";".join(TEMPLATE_HEADER)
ITEMS = [
    (
        "Disdukcapil",
        "Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin",
        "Jiwa",
        "Semesteran",
        "Kecamatan",
        "Juli n",
        "Terbuka",
        "Ya",
    ),
    ("Dinkes", "Jumlah Puskesmas", "Unit", "Tahunan", "Kecamatan", "Maret n+1", "Terbuka", "Tidak"),
    (
        "Dinkes",
        "Angka Kematian Bayi",
        "Per 1.000 kelahiran hidup",
        "Tahunan",
        "Kabupaten",
        "April n+1",
        "Terbuka",
        "Ya",
    ),
    (
        "Dinkes",
        "Cakupan Imunisasi Dasar Lengkap",
        "Persen",
        "Tahunan",
        "Kecamatan",
        "April n+1",
        "Terbuka",
        "Ya",
    ),
    (
        "Disdikbud",
        "Angka Partisipasi Sekolah menurut Jenjang",
        "Persen",
        "Tahun Ajaran",
        "Kecamatan",
        "Oktober n",
        "Terbuka",
        "Ya",
    ),
    (
        "Disdikbud",
        "Jumlah Sekolah menurut Jenjang dan Status",
        "Unit",
        "Tahun Ajaran",
        "Desa",
        "Oktober n",
        "Terbuka",
        "Tidak",
    ),
    ("Distan", "Produksi Padi", "Ton", "Tahunan", "Kecamatan", "Maret n+1", "Terbuka", "Ya"),
    (
        "Distan",
        "Luas Panen Padi",
        "Hektare",
        "Tahunan",
        "Kecamatan",
        "Maret n+1",
        "Terbuka",
        "Tidak",
    ),
    (
        "Diskan",
        "Produksi Perikanan Budidaya",
        "Ton",
        "Tahunan",
        "Kecamatan",
        "Mei n+1",
        "Terbuka",
        "Tidak",
    ),
    (
        "DPUPR",
        "Panjang Jalan Kabupaten menurut Kondisi",
        "Kilometer",
        "Tahunan",
        "Kabupaten",
        "Februari n+1",
        "Terbuka",
        "Tidak",
    ),
    (
        "Dinsos",
        "Jumlah Keluarga Penerima Manfaat PKH",
        "Keluarga",
        "Semesteran",
        "Desa",
        "Agustus n",
        "Terbatas",
        "Ya",
    ),
    (
        "Disnakertrans",
        "Jumlah Pencari Kerja Terdaftar",
        "Orang",
        "Tahunan",
        "Kabupaten",
        "Maret n+1",
        "Terbuka",
        "Tidak",
    ),
    (
        "DLH",
        "Timbulan Sampah Harian",
        "Ton/hari",
        "Tahunan",
        "Kabupaten",
        "Juni n+1",
        "Terbuka",
        "Tidak",
    ),
    (
        "BPBD",
        "Jumlah Kejadian Bencana menurut Jenis",
        "Kejadian",
        "Tahunan",
        "Kecamatan",
        "Januari n+1",
        "Terbuka",
        "Tidak",
    ),
    (
        "DPMP",
        "Jumlah Pekon menurut Status Perkembangan",
        "Pekon",
        "Tahunan",
        "Kecamatan",
        "***",
        "Terbuka",
        "Tidak",
    ),
]


def _sheet() -> bytes:
    lines = [f"DAFTAR DATA KABUPATEN PRINGSEWU ({NOTE})", HEADER]
    lines += [";".join([str(n), *row]) for n, row in enumerate(ITEMS, start=1)]
    return "\n".join(lines).encode()


def load_data_lists(year: int) -> int:
    """The previous year's list, approved, and this year's, still a draft."""
    if DataList.objects.exists():
        return 0
    walidata = User.objects.get(username="walidata")
    kabid = User.objects.get(username="kabid")
    (table,) = read_upload(_sheet(), "daftar-data-contoh.csv")
    for list_year in (year - 1, year):
        import_data_list(actor=walidata, year=list_year, preview=parse_daftar(table))
        DataList.objects.filter(year=list_year).update(note=NOTE)
    approve_data_list(actor=kabid, data_list=DataList.objects.get(year=year - 1))
    return 2


PUSKESMAS_CSV = """Jumlah Puskesmas menurut Kecamatan dan Jenis, 2025 (data contoh)
kode wilayah;tahun;jenis puskesmas;jumlah
18.10.01;2025;Rawat Inap;1
18.10.01;2025;Non Rawat Inap;1
18.10.02;2025;Rawat Inap;1
18.10.02;2025;Non Rawat Inap;1
18.10.03;2025;Non Rawat Inap;1
18.10.04;2025;Rawat Inap;1
18.10.05;2025;Rawat Inap;1
18.10.05;2025;Non Rawat Inap;1
18.10.06;2025;Non Rawat Inap;1
18.10.07;2025;Non Rawat Inap;1
18.10.08;2025;Rawat Inap;1
18.10.09;2025;Non Rawat Inap;1
Jumlah;;;12
Sumber: Dinas Kesehatan Kabupaten Pringsewu (angka contoh, bukan data resmi)
"""
# The same table sent first with mistakes, as agencies often do: the demo keeps both uploads.
# The first upload as an agency might send it: a misspelt kecamatan name, an answer outside the
# code list, a word for a number, a spreadsheet error cell and a row pasted twice.
PUSKESMAS_WITH_ERRORS = (
    PUSKESMAS_CSV.replace("18.10.03;2025;Non Rawat Inap;1", "Ambarawaa;2025;Pustu;satu")
    .replace("18.10.06;2025;Non Rawat Inap;1", "18.10.06;2025;Non Rawat Inap;#REF!")
    .replace("18.10.08;2025;Rawat Inap;1\n", "18.10.08;2025;Rawat Inap;1\n" * 2)
)


def send_table(actor: User, dataset: Any, text: str, filename: str = "") -> Any:
    """Upload ``text`` as a CSV file for ``dataset`` and check it now, as a producer's upload
    is checked (for the demo and tests; real uploads go through the worker)."""
    from satudata.catalog.sinkronisasi.services import receive_upload, synchronise_upload

    upload = receive_upload(
        actor=actor,
        dataset=dataset,
        filename=filename or f"{dataset.slug}.csv",
        chunks=[text.encode()],
        check=False,
    )
    return synchronise_upload(actor=actor, upload=upload)


def load_sample_metadata_and_data(year: int) -> int:
    """MS-Var for Dinas Kesehatan and one synchronised dataset, through the services."""
    from satudata.accounts.models import Agency
    from satudata.catalog.models import CodeValue, DataItem, DataType, Variable
    from satudata.catalog.services import create_dataset

    dinkes = Agency.objects.get(slug="dinkes")
    if Variable.objects.filter(agency=dinkes).exists():
        return 0
    region = Variable.objects.create(
        agency=dinkes,
        name="Kode Wilayah",
        data_type=DataType.REGION,
        concept="Kode wilayah administrasi Kemendagri",
        region_level=RegionLevel.KECAMATAN,
        rules=[{"kind": "required"}],
    )
    year_variable = Variable.objects.create(
        agency=dinkes,
        name="Tahun",
        data_type=DataType.YEAR,
        rules=[{"kind": "required"}, {"kind": "range", "min": 2000, "max": 2100}],
    )
    kind = Variable.objects.create(
        agency=dinkes,
        name="Jenis Puskesmas",
        data_type=DataType.CATEGORY,
        alias="jenis",
        definition="Puskesmas dengan atau tanpa ruang rawat inap",
    )
    CodeValue.objects.create(variable=kind, code="1", label="Rawat Inap")
    CodeValue.objects.create(variable=kind, code="2", label="Non Rawat Inap")
    Variable.objects.create(
        agency=dinkes,
        name="Jumlah",
        data_type=DataType.INTEGER,
        measure="Jumlah",
        unit="Unit",
        header_spellings=["Jml Puskesmas", "Banyaknya Puskesmas"],
        rules=[{"kind": "range", "min": 0}],
    )
    producer = User.objects.get(username="dinkes")
    item = DataItem.objects.get(data_list__year=year - 1, agency=dinkes, name="Jumlah Puskesmas")
    dataset = create_dataset(actor=producer, item=item)
    dataset.title = f"{dataset.title} (data contoh)"
    dataset.save(update_fields=["title"])
    # The key is declared before the first upload, so the first check finds the pasted row.
    dataset.key_variables.set([region, year_variable, kind])
    for content in (PUSKESMAS_WITH_ERRORS, PUSKESMAS_CSV):
        send_table(producer, dataset, content, f"puskesmas-{year - 1}.csv")
    return 1


def load_sample_letter(year: int) -> int:
    """One nota dinas to Dinas Pendidikan dan Kebudayaan about last year's list, and one to
    Dinas Kesehatan about this year's (so the demo producer's own page shows a letter)."""
    from satudata.accounts.models import Agency
    from satudata.catalog.models import Letter
    from satudata.catalog.services import issue_nota_dinas

    if Letter.objects.exists():
        return 0
    for slug, list_year in (("disdikbud", year - 1), ("dinkes", year)):
        issue_nota_dinas(
            actor=User.objects.get(username="walidata"),
            data_list=DataList.objects.get(year=list_year),
            agency=Agency.objects.get(slug=slug),
            signatory=User.objects.get(username="kadis"),
        )
    return 2


def sample_activity(title: str, year: int, agency: str, **changes: Any) -> dict[str, Any]:
    """MS-Keg answers of an administrative compilation, every question that applies answered.
    Contacts are left as "-" rather than invented."""
    answers: dict[str, Any] = {
        "judul_kegiatan": title,
        "tahun": year,
        "jenis_statistik": "STATISTIK_SEKTORAL",
        "cara_pengumpulan_data": "KOMPILASI_PRODUK_ADMINISTRASI",
        "sektor_kegiatan": "KESEHATAN",
        "blok_i": {
            "instansi_penyelanggara": agency,
            "alamat_instansi_penyelenggara": {
                "alamat": "Kabupaten Pringsewu",
                "telepon": "-",
                "faksimile": "-",
                "email": "-",
            },
        },
        "blok_ii": {
            "unit_penanggung_jawab": {"eselon1": "-", "eselon2": f"Kepala {agency}"},
            "penanggung_jawab_teknis": {
                "nama": "Penanggung jawab teknis (data contoh)",
                "jabatan": "Sekretaris",
                "alamat": "Kabupaten Pringsewu",
                "telepon": "-",
                "email": "-",
            },
        },
        "blok_iii": {
            "latar_belakang_kegiatan": "Kebutuhan data fasilitas untuk perencanaan (data contoh).",
            "tujuan_kegiatan": "Menyediakan jumlah fasilitas per kecamatan (data contoh).",
            "rencana_jadwal_kegiatan": {
                "pengumpulan_data": [{"awal": f"{year + 1}-01-02", "akhir": f"{year + 1}-01-31"}],
                "pengolahan_data": [{"awal": f"{year + 1}-02-01", "akhir": f"{year + 1}-02-20"}],
                "diseminasi_hasil": [{"awal": f"{year + 1}-03-01", "akhir": f"{year + 1}-03-31"}],
            },
            "variabel_yang_dikumpulkan": [
                {"nama": "Kode Wilayah", "definisi": "Kode kecamatan menurut Kemendagri"},
                {"nama": "Tahun", "definisi": "Tahun keadaan data"},
                {"nama": "Jenis Puskesmas", "definisi": "Rawat inap atau non rawat inap"},
                {"nama": "Jumlah", "definisi": "Banyaknya puskesmas", "konsep": "Fasilitas"},
            ],
        },
        "blok_iv": {
            "kegiatan_ini_dilakukan": "BERULANG",
            "frekuensi_penyelanggara": "TAHUNAN",
            "tipe_pengumpulan_data": "CROSS_SECTIONAL",
            "cakupan_wilayah_pengumpulan_data": "SEBAGIAN_WILAYAH_INDONESIA",
            "sebagian_cakupan_wilayah_pengumpulan_data": [
                {
                    "kode_provinsi": "18",
                    "nama_provinsi": "Lampung",
                    "kode_kabupaten_kota": "1810",
                    "nama_kabupaten_kota": "Pringsewu",
                }
            ],
            "metode_pengumpulan_data": {"pengumpulan_data_sekunder": True},
            "sarana_pengumpulan_data": {
                "lainnya": True,
                "sarana_pengumpulan_lainnya": "Laporan bulanan unit layanan",
            },
            "unit_pengumpulan_data": {
                "lainnya": True,
                "unit_pengumpulan_data_lainnya": "Unit layanan",
            },
        },
        "blok_vi": {
            "metode_pemeriksaan_kualitas_pengumpulan_data": {"supervisi": True},
            "apakah_melakukan_penyesuaian_nonrespon": False,
        },
        "blok_vii": {
            "tahapan_pengolahan_data": {
                "editing": True,
                "coding": False,
                "data_entry": True,
                "validasi": True,
            },
            "metode_analisis": "DESKRIPTIF",
            "unit_analsis": {"lainnya": True, "unit_analisis_lainnya": "Unit layanan"},
            "tingkat_penyajian_hasil_analisis": {"kabupaten_atau_kota": True, "kecamatan": True},
        },
        "blok_viii": {
            "ketersediaan_produk_tercetak": False,
            "ketersediaan_produk_digital": True,
            "ketersediaan_produk_mikrodata": False,
            "rencana_jadwal_rilis_produk_digital": [f"{year + 1}-03-31"],
        },
    }
    answers.update(changes)
    return answers


def load_sample_statistical_metadata(year: int) -> int:
    """MS-Keg, MS-Var and MS-Ind of the demo, through the services and the review: Dinas
    Kesehatan's compilation and variables approved by BPS, an indicator still a draft (one
    building variable has no MS-Var yet), and Disdikbud's activity returned with a comment."""
    from satudata.accounts.models import Agency
    from satudata.catalog.metadata import services
    from satudata.catalog.models import Activity, DataItem, Variable

    if Activity.objects.exists():
        return 0
    dinkes, disdik = Agency.objects.get(slug="dinkes"), Agency.objects.get(slug="disdikbud")
    producer, bps = User.objects.get(username="dinkes"), User.objects.get(username="bps")
    activity = services.save_activity(
        actor=producer,
        agency=dinkes,
        answers=sample_activity(
            f"Kompilasi Data Fasilitas Kesehatan {year - 1} (data contoh)", year - 1, dinkes.name
        ),
        items=DataItem.objects.filter(agency=dinkes, name="Jumlah Puskesmas"),
    )
    details = {
        "Kode Wilayah": ("Wilayah administrasi", "Kode kecamatan menurut Kemendagri", "", ""),
        "Tahun": ("Waktu", "Tahun keadaan data", "", ""),
        "Jenis Puskesmas": ("Fasilitas kesehatan", "Rawat inap atau non rawat inap", "", ""),
        "Jumlah": ("Fasilitas kesehatan", "Banyaknya puskesmas", "Jumlah", "Unit"),
    }
    records: list[Any] = [activity]
    for variable in Variable.objects.filter(agency=dinkes).order_by("pk"):
        concept, definition, measure, unit = details.get(variable.name, ("", "", "", ""))
        records.append(
            services.save_variable(
                actor=producer,
                agency=dinkes,
                variable=variable,
                values={
                    "concept": concept or variable.concept,
                    "definition": definition or variable.definition,
                    "measure": measure or variable.measure,
                    "unit": unit or variable.unit,
                    "time_reference": f"31 Desember {year - 1}",
                    "activity": activity,
                },
                codes=[(c.code, c.label) for c in variable.codes.all()],
            )
        )
    for record in records:
        services.submit_for_review(actor=producer, obj=record)
        services.review(actor=bps, obj=record, approve=True)
    services.save_indicator(
        actor=producer,
        agency=dinkes,
        activity=activity,
        answers={
            "nama": "Rasio Puskesmas per 10.000 Penduduk (data contoh)",
            "konsep": "Ketersediaan fasilitas kesehatan dasar",
            "definisi": "Banyaknya puskesmas untuk setiap 10.000 penduduk",
            "interpretasi": "Makin tinggi, makin banyak puskesmas tersedia bagi penduduk",
            "metode_perhitungan": "Jumlah puskesmas dibagi jumlah penduduk, dikali 10.000",
            "rumus": "(Jumlah puskesmas / Jumlah penduduk) × 10.000",
            "ukuran": "Rasio",
            "satuan": "Puskesmas per 10.000 penduduk",
            "variabel_disaggregasi": [{"nama": "Kecamatan", "sumber": "Kemendagri"}],
            "apakah_indikator_komposit": False,
            "variabel_pembangun": [
                {"nama": "Jumlah", "kegiatan_penghasil": activity.title},
                {"nama": "Jumlah Penduduk", "kegiatan_penghasil": "Registrasi penduduk"},
            ],
            "level_estimasi": {"kecamatan": True},
            "apakah_indikator_bisa_diakses_umum": True,
        },
    )
    returned = services.save_activity(
        actor=User.objects.get(username="disdikbud"),
        agency=disdik,
        answers=sample_activity(
            f"Kompilasi Data Satuan Pendidikan {year - 1} (data contoh)",
            year - 1,
            disdik.name,
            sektor_kegiatan="PENDIDIKAN_DAN_PELATIHAN",
        ),
    )
    services.submit_for_review(actor=User.objects.get(username="disdikbud"), obj=returned)
    services.review(
        actor=bps,
        obj=returned,
        approve=False,
        comment="Rinci tujuan kegiatan per jenjang sekolah (data contoh).",
    )
    return 1


KECAMATAN = [f"18.10.{n:02d}" for n in range(1, 10)]
TOPICS = [
    ("kesehatan", "Kesehatan", "Fasilitas, tenaga dan layanan kesehatan."),
    ("kependudukan", "Kependudukan", "Jumlah, sebaran dan komposisi penduduk."),
    ("pertanian-pangan", "Pertanian dan Pangan", "Produksi dan luas panen tanaman pangan."),
    ("pendidikan", "Pendidikan", "Sekolah, murid dan partisipasi sekolah."),
    ("kebencanaan", "Kebencanaan", "Kejadian bencana dan penanganannya."),
]


def _sample_rows(seed: int, columns: int) -> list[list[int]]:
    """Plausible-looking whole numbers, the same on every run (no randomness)."""
    return [
        [(seed * (k + 3) * 7919 + j * 104729) % (seed * 40) + seed * 10 for j in range(columns)]
        for k in range(len(KECAMATAN))
    ]


# (agency, item name, sector, topics, tags, extra columns (name, unit), seed)
SAMPLE_TABLES = [
    (
        "disdukcapil",
        "Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin",
        "DEMOGRAFI_DAN_KEPENDUDUKAN",
        ["kependudukan"],
        ["penduduk", "jenis kelamin"],
        [("Penduduk Laki-laki", "Jiwa"), ("Penduduk Perempuan", "Jiwa")],
        600,
    ),
    (
        "distan",
        "Produksi Padi",
        "PERTANIAN_DAN_PERIKANAN",
        ["pertanian-pangan"],
        ["padi", "pangan"],
        [("Produksi Padi", "Ton")],
        900,
    ),
    (
        "distan",
        "Luas Panen Padi",
        "PERTANIAN_DAN_PERIKANAN",
        ["pertanian-pangan"],
        ["padi", "luas panen"],
        [("Luas Panen", "Hektare")],
        250,
    ),
    (
        "disdikbud",
        "Angka Partisipasi Sekolah menurut Jenjang",
        "PENDIDIKAN_DAN_PELATIHAN",
        ["pendidikan"],
        ["sekolah", "partisipasi"],
        [("APS SD", "Persen"), ("APS SMP", "Persen")],
        2,
    ),
    (
        "bpbd",
        "Jumlah Kejadian Bencana menurut Jenis",
        "LINGKUNGAN",
        ["kebencanaan"],
        ["bencana", "banjir", "longsor"],
        [
            ("Banjir", "Kejadian"),
            ("Tanah Longsor", "Kejadian"),
            ("Angin Puting Beliung", "Kejadian"),
        ],
        1,
    ),
]


def _variable(agency: Any, name: str, data_type: str, unit: str = "") -> None:
    from satudata.catalog.models import Variable

    Variable.objects.get_or_create(
        agency=agency,
        name=name,
        defaults={"data_type": data_type, "unit": unit, "measure": "Jumlah" if unit else ""},
    )


def load_sample_portal(year: int) -> int:
    """Published datasets for the portal: the Puskesmas table and five more sample tables, with
    sectors, topics and tags, published by the demo Kepala Bidang. Every number is sample data
    and every title says so."""
    from satudata.accounts.models import Agency
    from satudata.catalog.models import DataItem, Dataset, DataType, Topic
    from satudata.catalog.services import create_dataset, describe_dataset
    from satudata.releases.services import release_at_once

    if Topic.objects.exists():
        return 0
    for slug, name, description in TOPICS:
        Topic.objects.create(slug=slug, name=name, description=description)
    walidata = User.objects.get(username="walidata")
    kabid = User.objects.get(username="kabid")
    data_year = year - 1
    created = 0
    for agency_slug, item_name, sector, topics, tags, measures, seed in SAMPLE_TABLES:
        agency = Agency.objects.get(slug=agency_slug)
        _variable(agency, "Kode Wilayah", DataType.REGION)
        _variable(agency, "Tahun", DataType.YEAR)
        for name, unit in measures:
            _variable(agency, name, DataType.INTEGER, unit)
        item = DataItem.objects.get(data_list__year=data_year, agency=agency, name=item_name)
        dataset = create_dataset(actor=walidata, item=item)
        header = ";".join(["Kode Wilayah", "Tahun", *[name for name, _ in measures]])
        lines = [f"{item_name} menurut Kecamatan, {data_year} (data contoh)", header]
        for code, values in zip(KECAMATAN, _sample_rows(seed, len(measures)), strict=True):
            lines.append(";".join([code, str(data_year), *map(str, values)]))
        lines.append("Sumber: data contoh untuk demo, bukan data resmi")
        send_table(walidata, dataset, "\n".join(lines))
        describe_dataset(
            actor=walidata,
            dataset=dataset,
            title=f"{item_name} {data_year} (data contoh)",
            description=(
                f"{item_name} di setiap kecamatan Kabupaten Pringsewu tahun {data_year}. "
                "Angka contoh untuk demo platform, bukan data resmi."
            ),
            sector=sector,
            license_id=dataset.license_id,
            tags=tags,
            topics=Topic.objects.filter(slug__in=topics),
        )
        created += 1
    puskesmas = Dataset.objects.get(item__name="Jumlah Puskesmas", item__data_list__year=data_year)
    describe_dataset(
        actor=walidata,
        dataset=puskesmas,
        title=puskesmas.title,
        description=(
            "Jumlah puskesmas rawat inap dan non rawat inap di setiap kecamatan. "
            "Angka contoh untuk demo platform, bukan data resmi."
        ),
        sector="KESEHATAN",
        license_id=puskesmas.license_id,
        tags=["puskesmas", "fasilitas kesehatan"],
        topics=Topic.objects.filter(slug="kesehatan"),
    )
    for dataset in Dataset.objects.all():
        version = dataset.versions.first()
        if version is not None and version.published_at is None:
            release_at_once(actor=kabid, content=version, reason="Data contoh untuk demo portal")
    return created
