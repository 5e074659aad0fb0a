"""A sample Daftar Data for the Pringsewu demo, loaded through the same import path users take.

The list is invented for the demo (the regency's real list is not public here) and says so on
its page; item names follow what regional Daftar Data commonly hold.
"""

from __future__ import annotations

from satudata.accounts.models import User
from satudata.catalog.daftar import TEMPLATE_HEADER, parse_daftar
from satudata.catalog.models import DataList
from satudata.catalog.reading.upload import read_upload
from satudata.catalog.services import approve_data_list, import_data_list

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
PUSKESMAS_WITH_ERRORS = PUSKESMAS_CSV.replace(
    "18.10.03;2025;Non Rawat Inap;1", "Ambarawaa;2025;Pustu;satu"
)


def load_sample_metadata_and_data(year: int) -> int:
    """MS-Var for Dinas Kesehatan and one synchronised dataset, through the services."""
    from satudata.accounts.models import Agency
    from satudata.catalog.models import CodeValue, DataItem, DataType, Variable
    from satudata.catalog.services import create_dataset, receive_upload, synchronise_upload

    dinkes = Agency.objects.get(slug="dinkes")
    if Variable.objects.filter(agency=dinkes).exists():
        return 0
    Variable.objects.create(
        agency=dinkes,
        name="Kode Wilayah",
        data_type=DataType.REGION,
        concept="Kode wilayah administrasi Kemendagri",
        rules=[{"kind": "required"}],
    )
    Variable.objects.create(
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
        rules=[{"kind": "range", "min": 0}],
    )
    producer = User.objects.get(username="dinkes")
    item = DataItem.objects.get(data_list__year=year - 1, agency=dinkes, name="Jumlah Puskesmas")
    dataset = create_dataset(actor=producer, item=item)
    dataset.title = f"{dataset.title} (data contoh)"
    dataset.save(update_fields=["title"])
    for content in (PUSKESMAS_WITH_ERRORS, PUSKESMAS_CSV):
        upload = receive_upload(
            actor=producer,
            dataset=dataset,
            filename=f"puskesmas-{year - 1}.csv",
            chunks=[content.encode()],
            check=False,
        )
        synchronise_upload(actor=producer, upload=upload)
    return 1


def load_sample_letter(year: int) -> int:
    """One nota dinas to Dinas Pendidikan dan Kebudayaan about last year's list."""
    from satudata.accounts.models import Agency
    from satudata.catalog.models import Letter
    from satudata.catalog.services import issue_nota_dinas

    if Letter.objects.exists():
        return 0
    issue_nota_dinas(
        actor=User.objects.get(username="walidata"),
        data_list=DataList.objects.get(year=year - 1),
        agency=Agency.objects.get(slug="disdikbud"),
        signatory=User.objects.get(username="kadis"),
    )
    return 1
