"""A sample Daftar Data for the Pringsewu demo, loaded through the same import path users take.

The list is invented for the demo (the regency's real list is not public here) and says so on
its page; item names follow what regional Daftar Data commonly hold.
"""

from __future__ import annotations

from satudata.accounts.models import User
from satudata.catalog.daftar import parse_daftar
from satudata.catalog.models import DataList
from satudata.catalog.reading.upload import read_upload
from satudata.catalog.services import approve_data_list, import_data_list

NOTE = (
    "Data contoh: daftar ini disusun untuk demo platform, bukan Daftar Data resmi "
    "Kabupaten Pringsewu."
)
HEADER = ";".join(
    [
        "NO",
        "PRODUSEN DATA",
        "NAMA DATA",
        "SATUAN",
        "PERIODE DATA",
        "LEVEL PENYAJIAN",
        "JADWAL RILIS",
        "SIFAT DATA",
        "PRIORITAS",
    ]
)
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
