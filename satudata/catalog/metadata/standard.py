"""The MS-Keg and MS-Ind forms of Peraturan BPS 5/2020, question by question.

Numbers, wording, code lists and skip rules follow the BPS form; keys are the INDAH v2 names
(misspellings such as ``instansi_penyelanggara`` included, since INDAH uses them). Where INDAH's
enum name is not known, the key is the label in capitals. Question wording stays in Indonesian in
every interface language: it is the standard's own text, the one BPS reviewers read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from satudata.catalog.metadata.spec import (
    BOOL,
    CHOICE,
    DATE,
    DATES,
    INT,
    LONG,
    MULTI,
    ROWS,
    Choice,
    Field,
    Form,
    Problem,
    Section,
    When,
    get,
)


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    """Choices numbered 1, 2, 3, … as the form prints them."""
    return tuple(Choice(key, number, label) for number, (key, label) in enumerate(pairs, 1))


def _bits(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    """Multi-select boxes coded 1, 2, 4, 8, … so a set of answers is one sum."""
    return tuple(Choice(key, 1 << index, label) for index, (key, label) in enumerate(pairs))


SECTORS = _choices(
    ("PERTANIAN_DAN_PERIKANAN", "Pertanian dan Perikanan"),
    ("DEMOGRAFI_DAN_KEPENDUDUKAN", "Demografi dan Kependudukan"),
    ("PEMBANGUNAN", "Pembangunan"),
    ("PROYEKSI_EKONOMI", "Proyeksi Ekonomi"),
    ("PENDIDIKAN_DAN_PELATIHAN", "Pendidikan dan Pelatihan"),
    ("LINGKUNGAN", "Lingkungan"),
    ("KEUANGAN", "Keuangan"),
    ("GLOBALISASI", "Globalisasi"),
    ("KESEHATAN", "Kesehatan"),
    ("INDUSTRI_DAN_JASA", "Industri dan Jasa"),
    ("TEKNOLOGI_INFORMASI_DAN_KOMUNIKASI", "Teknologi Informasi dan Komunikasi"),
    (
        "PERDAGANGAN_INTERNASIONAL_DAN_NERACA_PERDAGANGAN",
        "Perdagangan Internasional dan Neraca Perdagangan",
    ),
    ("KETENAGAKERJAAN", "Ketenagakerjaan"),
    ("NERACA_NASIONAL", "Neraca Nasional"),
    ("INDIKATOR_EKONOMI_BULANAN", "Indikator Ekonomi Bulanan"),
    ("PRODUKTIVITAS", "Produktivitas"),
    ("HARGA_DAN_PARITAS_DAYA_BELI", "Harga dan Paritas Daya Beli"),
    (
        "SEKTOR_PUBLIK_PERPAJAKAN_DAN_REGULASI_PASAR",
        "Sektor Publik, Perpajakan, dan Regulasi Pasar",
    ),
    ("PERWILAYAHAN_DAN_PERKOTAAN", "Perwilayahan dan Perkotaan"),
    ("ILMU_PENGETAHUAN_DAN_HAK_PATEN", "Ilmu Pengetahuan dan Hak Paten"),
    ("PERLINDUNGAN_SOSIAL_DAN_KESEJAHTERAAN", "Perlindungan Sosial dan Kesejahteraan"),
    ("TRANSPORTASI", "Transportasi"),
)

SURVEY = When("cara_pengumpulan_data", ("SURVEI",))
PROBABILITY = When("blok_v.metode_pemilihan_sampel_tahap_terakhir", ("SAMPEL_PROBABILITAS",))
# Field staff are asked about (6.1, 6.4–6.7) only when someone collects answers in the field.
FIELD_WORK = When(
    "blok_iv.metode_pengumpulan_data", ("wawancara", "mengisi_kuesioner_sendiri", "pengamatan")
)
UNITS = (
    ("individu", "Individu"),
    ("rumah_tangga", "Rumah tangga"),
    ("usaha_atau_perusahaan", "Usaha/perusahaan"),
    ("lainnya", "Lainnya"),
)
SCHEDULE_STAGES = (
    ("perencanaan_kegiatan", "A. Perencanaan – 1. Perencanaan kegiatan"),
    ("desain", "A. Perencanaan – 2. Desain"),
    ("pengumpulan_data", "B. Pengumpulan – 3. Pengumpulan data"),
    ("pengolahan_data", "C. Pemeriksaan – 4. Pengolahan data"),
    ("analisis", "D. Penyebarluasan – 5. Analisis"),
    ("diseminasi_hasil", "D. Penyebarluasan – 6. Diseminasi hasil"),
    ("evaluasi", "D. Penyebarluasan – 7. Evaluasi"),
)
PERIOD = (Field("awal", "", "Awal", DATE), Field("akhir", "", "Akhir", DATE))
PROBABILITY_METHODS = (
    "SIMPLE_RANDOM",
    "SYSTEMATIC_RANDOM",
    "STRATIFIED_RANDOM",
    "CLUSTER",
    "MULTI_STAGE",
)


def _schedule_in_order(answers: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for key, label in SCHEDULE_STAGES:
        for index, row in enumerate(
            get(answers, f"blok_iii.rencana_jadwal_kegiatan.{key}") or [], 1
        ):
            start, end = row.get("awal"), row.get("akhir")
            if start and end and end < start:
                problems.append(
                    Problem(
                        f"blok_iii.rencana_jadwal_kegiatan.{key}.{index}.akhir",
                        f"3.3 ({index})",
                        label,
                        _("The end date is before the start date."),
                    )
                )
    return problems


def _sample_method_fits(answers: Mapping[str, Any]) -> list[Problem]:
    """5.3 offers methods a–e for probability samples and f–j for the others (5.2)."""
    selection = get(answers, "blok_v.metode_pemilihan_sampel_tahap_terakhir")
    method = get(answers, "blok_v.metode_yang_digunakan")
    if not selection or not method:
        return []
    if (selection == "SAMPEL_PROBABILITAS") != (method in PROBABILITY_METHODS):
        return [
            Problem(
                "blok_v.metode_yang_digunakan",
                "5.3",
                "Metode yang digunakan",
                _("This method does not belong to the kind of sample chosen in 5.2."),
            )
        ]
    return []


def _year_plausible(answers: Mapping[str, Any]) -> list[Problem]:
    year = answers.get("tahun")
    if isinstance(year, int) and not 1945 <= year <= dt.date.today().year + 5:
        return [Problem("tahun", "", "Tahun", _("Not a plausible year."))]
    return []


MS_KEG = Form(
    "MS-Keg",
    (
        Section(
            "awal",
            "Halaman awal",
            (
                Field(
                    "judul_kegiatan",
                    "",
                    "Judul kegiatan",
                    help="Nama kegiatan disertai tahun, mis. Survei Kepuasan Masyarakat 2025.",
                ),
                Field("tahun", "", "Tahun", INT),
                Field(
                    "jenis_statistik",
                    "",
                    "Jenis statistik",
                    CHOICE,
                    _choices(
                        ("STATISTIK_DASAR", "Statistik dasar"),
                        ("STATISTIK_SEKTORAL", "Statistik sektoral"),
                        ("STATISTIK_KHUSUS", "Statistik khusus"),
                    ),
                ),
                Field(
                    "cara_pengumpulan_data",
                    "",
                    "Cara pengumpulan data",
                    CHOICE,
                    _choices(
                        ("PENCACAHAN_LENGKAP", "Pencacahan lengkap"),
                        ("SURVEI", "Survei"),
                        ("KOMPILASI_PRODUK_ADMINISTRASI", "Kompilasi produk administrasi"),
                        (
                            "CARA_LAIN_SESUAI_DENGAN_PERKEMBANGAN_TI",
                            "Cara lain sesuai dengan perkembangan TI",
                        ),
                    ),
                ),
                Field("sektor_kegiatan", "", "Sektor kegiatan", CHOICE, SECTORS),
                Field(
                    "rekomendasi_bps",
                    "",
                    "Jika survei sektoral, apakah mendapatkan rekomendasi kegiatan dari BPS?",
                    BOOL,
                    when=SURVEY,
                ),
                Field(
                    "identitas_rekomendasi",
                    "",
                    "Identitas rekomendasi",
                    when=When("rekomendasi_bps", (True,)),
                    help="Mis. V-23.1600.004",
                ),
            ),
        ),
        Section(
            "blok_i",
            "Blok I. Penyelenggara",
            (
                Field("blok_i.instansi_penyelanggara", "1.1", "Instansi penyelenggara"),
                Field("blok_i.alamat_instansi_penyelenggara.alamat", "1.2", "Alamat lengkap"),
                Field("blok_i.alamat_instansi_penyelenggara.telepon", "1.2", "Telepon"),
                Field(
                    "blok_i.alamat_instansi_penyelenggara.faksimile",
                    "1.2",
                    "Faksimile",
                    required=False,
                ),
                Field("blok_i.alamat_instansi_penyelenggara.email", "1.2", "Email"),
            ),
        ),
        Section(
            "blok_ii",
            "Blok II. Penanggung jawab",
            (
                Field(
                    "blok_ii.unit_penanggung_jawab.eselon1",
                    "2.1",
                    "Unit eselon 1",
                    required=False,
                    help="Diisi '-' untuk pemerintah daerah.",
                ),
                Field(
                    "blok_ii.unit_penanggung_jawab.eselon2",
                    "2.1",
                    "Unit eselon 2",
                    help="Untuk pemerintah daerah: kepala dinas.",
                ),
                Field(
                    "blok_ii.penanggung_jawab_teknis.nama",
                    "2.2",
                    "Penanggung jawab teknis (setingkat eselon 3) – nama",
                ),
                Field("blok_ii.penanggung_jawab_teknis.jabatan", "2.2", "Jabatan"),
                Field("blok_ii.penanggung_jawab_teknis.alamat", "2.2", "Alamat"),
                Field("blok_ii.penanggung_jawab_teknis.telepon", "2.2", "Telepon"),
                Field("blok_ii.penanggung_jawab_teknis.email", "2.2", "Email"),
                Field(
                    "blok_ii.penanggung_jawab_teknis.faksimile", "2.2", "Faksimile", required=False
                ),
            ),
        ),
        Section(
            "blok_iii",
            "Blok III. Perencanaan dan persiapan",
            (
                Field("blok_iii.latar_belakang_kegiatan", "3.1", "Latar belakang kegiatan", LONG),
                Field("blok_iii.tujuan_kegiatan", "3.2", "Tujuan kegiatan", LONG),
                *(
                    Field(
                        f"blok_iii.rencana_jadwal_kegiatan.{key}",
                        "3.3",
                        f"Rencana jadwal kegiatan: {label}",
                        ROWS,
                        columns=PERIOD,
                        required=key in ("pengumpulan_data", "diseminasi_hasil"),
                    )
                    for key, label in SCHEDULE_STAGES
                ),
                Field(
                    "blok_iii.variabel_yang_dikumpulkan",
                    "3.4",
                    "Variabel (karakteristik) yang dikumpulkan",
                    ROWS,
                    columns=(
                        Field("nama", "", "Nama variabel"),
                        Field("konsep", "", "Konsep", LONG, required=False),
                        Field("definisi", "", "Definisi", LONG),
                        Field("referensi_waktu", "", "Referensi waktu", required=False),
                    ),
                    help="Setiap variabel nanti mendapat MS-Var-nya sendiri.",
                ),
            ),
        ),
        Section(
            "blok_iv",
            "Blok IV. Desain kegiatan",
            (
                Field(
                    "blok_iv.kegiatan_ini_dilakukan",
                    "4.1",
                    "Kegiatan ini dilakukan",
                    CHOICE,
                    _choices(("HANYA_SEKALI", "Hanya sekali"), ("BERULANG", "Berulang")),
                ),
                Field(
                    "blok_iv.frekuensi_penyelanggara",
                    "4.2",
                    "Frekuensi penyelenggaraan",
                    CHOICE,
                    _choices(
                        ("HARIAN", "Harian"),
                        ("MINGGUAN", "Mingguan"),
                        ("BULANAN", "Bulanan"),
                        ("TRIWULANAN", "Triwulanan"),
                        ("EMPAT_BULANAN", "Empat bulanan"),
                        ("SEMESTERAN", "Semesteran"),
                        ("TAHUNAN", "Tahunan"),
                        ("LEBIH_DARI_DUA_TAHUNAN", "Dua tahunan atau lebih"),
                    ),
                    when=When("blok_iv.kegiatan_ini_dilakukan", ("BERULANG",)),
                ),
                Field(
                    "blok_iv.tipe_pengumpulan_data",
                    "4.3",
                    "Tipe pengumpulan data",
                    CHOICE,
                    _choices(
                        ("LONGITUDINAL_PANEL", "Longitudinal panel"),
                        ("LONGITUDINAL_CROSS_SECTIONAL", "Longitudinal cross sectional"),
                        ("CROSS_SECTIONAL", "Cross sectional"),
                    ),
                ),
                Field(
                    "blok_iv.cakupan_wilayah_pengumpulan_data",
                    "4.4",
                    "Cakupan wilayah pengumpulan data",
                    CHOICE,
                    _choices(
                        ("SELURUH_WILAYAH_INDONESIA", "Seluruh wilayah Indonesia"),
                        ("SEBAGIAN_WILAYAH_INDONESIA", "Sebagian wilayah Indonesia"),
                    ),
                ),
                Field(
                    "blok_iv.sebagian_cakupan_wilayah_pengumpulan_data",
                    "4.5",
                    "Provinsi dan kabupaten/kota yang dicakup",
                    ROWS,
                    columns=(
                        Field("kode_provinsi", "", "Kode provinsi"),
                        Field("nama_provinsi", "", "Nama provinsi"),
                        Field("kode_kabupaten_kota", "", "Kode kabupaten/kota"),
                        Field("nama_kabupaten_kota", "", "Nama kabupaten/kota"),
                    ),
                    when=When(
                        "blok_iv.cakupan_wilayah_pengumpulan_data", ("SEBAGIAN_WILAYAH_INDONESIA",)
                    ),
                ),
                Field(
                    "blok_iv.metode_pengumpulan_data",
                    "4.6",
                    "Metode pengumpulan data",
                    MULTI,
                    _bits(
                        ("wawancara", "Wawancara"),
                        ("mengisi_kuesioner_sendiri", "Mengisi kuesioner sendiri (swacacah)"),
                        ("pengamatan", "Pengamatan (observasi)"),
                        ("pengumpulan_data_sekunder", "Pengumpulan data sekunder"),
                        ("lainnya", "Lainnya"),
                    ),
                    other_key="metode_pengumpulan_lainnya",
                ),
                Field(
                    "blok_iv.sarana_pengumpulan_data",
                    "4.7",
                    "Sarana pengumpulan data",
                    MULTI,
                    _bits(
                        ("papi", "Paper-assisted Personal Interviewing (PAPI)"),
                        ("capi", "Computer-assisted Personal Interviewing (CAPI)"),
                        ("cati", "Computer-assisted Telephones Interviewing (CATI)"),
                        ("cawi", "Computer Aided Web Interviewing (CAWI)"),
                        ("mail", "Mail"),
                        ("lainnya", "Lainnya"),
                    ),
                    other_key="sarana_pengumpulan_lainnya",
                ),
                Field(
                    "blok_iv.unit_pengumpulan_data",
                    "4.8",
                    "Unit pengumpulan data",
                    MULTI,
                    _bits(*UNITS),
                    other_key="unit_pengumpulan_data_lainnya",
                ),
            ),
        ),
        Section(
            "blok_v",
            "Blok V. Desain sampel",
            (
                Field(
                    "blok_v.jenis_rancangan_sampel",
                    "5.1",
                    "Jenis rancangan sampel",
                    CHOICE,
                    _choices(
                        ("SINGLE_STAGE_PHASE", "Single stage/phase"),
                        ("MULTI_STAGE_PHASE", "Multi stage/phase"),
                    ),
                ),
                Field(
                    "blok_v.metode_pemilihan_sampel_tahap_terakhir",
                    "5.2",
                    "Metode pemilihan sampel tahap terakhir",
                    CHOICE,
                    _choices(
                        ("SAMPEL_PROBABILITAS", "Sampel probabilitas"),
                        ("SAMPEL_NONPROBABILITAS", "Sampel nonprobabilitas"),
                    ),
                ),
                Field(
                    "blok_v.metode_yang_digunakan",
                    "5.3",
                    "Metode yang digunakan",
                    CHOICE,
                    _choices(
                        ("SIMPLE_RANDOM", "Simple random sampling"),
                        ("SYSTEMATIC_RANDOM", "Systematic random sampling"),
                        ("STRATIFIED_RANDOM", "Stratified random sampling"),
                        ("CLUSTER", "Cluster sampling"),
                        ("MULTI_STAGE", "Multi stage sampling"),
                        ("QUOTA", "Quota sampling"),
                        ("ACCIDENTAL", "Accidental sampling"),
                        ("PURPOSIVE", "Purposive sampling"),
                        ("SNOWBALL", "Snowball sampling"),
                        ("SATURATION", "Saturation sampling"),
                    ),
                    help="1–5 untuk sampel probabilitas, 6–10 untuk sampel nonprobabilitas.",
                ),
                Field(
                    "blok_v.kerangka_sampel_tahap_terakhir",
                    "5.4",
                    "Kerangka sampel tahap terakhir",
                    CHOICE,
                    _choices(("LIST_FRAME", "List frame"), ("AREA_FRAME", "Area frame")),
                    when=PROBABILITY,
                ),
                Field(
                    "blok_v.fraksi_sampel_keseluruhan",
                    "5.5",
                    "Fraksi sampel keseluruhan",
                    when=PROBABILITY,
                ),
                Field(
                    "blok_v.nilai_perkiraan_sampling_error_variabel_utama",
                    "5.6",
                    "Nilai perkiraan sampling error variabel utama",
                    when=PROBABILITY,
                ),
                Field("blok_v.unit_sampel", "5.7", "Unit sampel"),
                Field("blok_v.unit_observasi", "5.8", "Unit observasi"),
            ),
            when=SURVEY,
            note="Diisi jika cara pengumpulan data adalah survei.",
        ),
        Section(
            "blok_vi",
            "Blok VI. Pengumpulan data",
            (
                Field(
                    "blok_vi.apakah_melakukan_uji_coba",
                    "6.1",
                    "Apakah melakukan uji coba (pilot survey)?",
                    BOOL,
                    when=FIELD_WORK,
                ),
                Field(
                    "blok_vi.metode_pemeriksaan_kualitas_pengumpulan_data",
                    "6.2",
                    "Metode pemeriksaan kualitas pengumpulan data",
                    MULTI,
                    _bits(
                        ("kunjungan_kembali", "Kunjungan kembali (revisit)"),
                        ("supervisi", "Supervisi"),
                        ("taskforce", "Task force"),
                        ("lainnya", "Lainnya"),
                    ),
                    other_key="metode_pemeriksaan_kualitas_pengumpulan_data_lainnya",
                ),
                Field(
                    "blok_vi.apakah_melakukan_penyesuaian_nonrespon",
                    "6.3",
                    "Apakah melakukan penyesuaian nonrespon?",
                    BOOL,
                ),
                Field(
                    "blok_vi.petugas_pengumpulan_data",
                    "6.4",
                    "Petugas pengumpulan data",
                    CHOICE,
                    _choices(
                        ("STAF_INSTANSI_PENYELENGGARA", "Staf instansi penyelenggara"),
                        ("MITRA_ATAU_TENAGA_KONTRAK", "Mitra atau tenaga kontrak"),
                        ("STAF_DAN_MITRA", "Staf instansi penyelenggara dan mitra/tenaga kontrak"),
                    ),
                    when=FIELD_WORK,
                ),
                Field(
                    "blok_vi.persyaratan_pendidikan_terendah_petugas_pengumpulan_data",
                    "6.5",
                    "Persyaratan pendidikan terendah petugas pengumpulan data",
                    CHOICE,
                    _choices(
                        ("SMP_ATAU_LEBIH_RENDAH", "≤ SMP"),
                        ("SMA_SMK", "SMA/SMK"),
                        ("DIPLOMA_I_II_III", "Diploma I/II/III"),
                        ("DIPLOMA_IV_S1_S2_S3", "Diploma IV/S1/S2/S3"),
                    ),
                    when=FIELD_WORK,
                ),
                Field(
                    "blok_vi.jumlah_petugas_supervisor",
                    "6.6",
                    "Jumlah petugas: supervisor/penyelia/pengawas",
                    INT,
                    when=FIELD_WORK,
                ),
                Field(
                    "blok_vi.jumlah_petugas_enumerator",
                    "6.6",
                    "Jumlah petugas: pengumpul data/enumerator",
                    INT,
                    when=FIELD_WORK,
                ),
                Field(
                    "blok_vi.apakah_melakukan_pelatihan_petugas",
                    "6.7",
                    "Apakah melakukan pelatihan petugas?",
                    BOOL,
                    when=FIELD_WORK,
                ),
            ),
        ),
        Section(
            "blok_vii",
            "Blok VII. Pengolahan dan analisis",
            (
                Field(
                    "blok_vii.tahapan_pengolahan_data.editing",
                    "7.1",
                    "Tahapan pengolahan: penyuntingan (editing)",
                    BOOL,
                ),
                Field(
                    "blok_vii.tahapan_pengolahan_data.coding",
                    "7.1",
                    "Tahapan pengolahan: penyandian (coding)",
                    BOOL,
                ),
                Field(
                    "blok_vii.tahapan_pengolahan_data.data_entry",
                    "7.1",
                    "Tahapan pengolahan: data entry",
                    BOOL,
                ),
                Field(
                    "blok_vii.tahapan_pengolahan_data.validasi",
                    "7.1",
                    "Tahapan pengolahan: penyahihan (validasi)",
                    BOOL,
                ),
                Field(
                    "blok_vii.metode_analisis",
                    "7.2",
                    "Metode analisis",
                    CHOICE,
                    _choices(
                        ("DESKRIPTIF", "Deskriptif"),
                        ("INFERENSIA", "Inferensia"),
                        ("DESKRIPTIF_DAN_INFERENSIA", "Deskriptif dan inferensia"),
                    ),
                ),
                Field(
                    "blok_vii.unit_analsis",
                    "7.3",
                    "Unit analisis",
                    MULTI,
                    _bits(*UNITS),
                    other_key="unit_analisis_lainnya",
                ),
                Field(
                    "blok_vii.tingkat_penyajian_hasil_analisis",
                    "7.4",
                    "Tingkat penyajian hasil analisis",
                    MULTI,
                    _bits(
                        ("nasional", "Nasional"),
                        ("provinsi", "Provinsi"),
                        ("kabupaten_atau_kota", "Kabupaten/Kota"),
                        ("kecamatan", "Kecamatan"),
                        ("lainnya", "Lainnya"),
                    ),
                    other_key="tingkat_penyajian_hasil_analisis_lainnya",
                ),
            ),
        ),
        Section(
            "blok_viii",
            "Blok VIII. Diseminasi hasil",
            (
                *(
                    Field(
                        f"blok_viii.ketersediaan_produk_{key}",
                        "8.1",
                        f"Produk tersedia untuk umum: {label}",
                        BOOL,
                    )
                    for key, label in (
                        ("tercetak", "tercetak (hardcopy)"),
                        ("digital", "digital (softcopy)"),
                        ("mikrodata", "data mikro"),
                    )
                ),
                *(
                    Field(
                        f"blok_viii.rencana_jadwal_rilis_produk_{key}",
                        "8.2",
                        f"Rencana rilis produk {label}",
                        DATES,
                        when=When(f"blok_viii.ketersediaan_produk_{key}", (True,)),
                        help="Satu tanggal per baris atau dipisah titik koma.",
                    )
                    for key, label in (
                        ("tercetak", "tercetak"),
                        ("digital", "digital"),
                        ("mikrodata", "data mikro"),
                    )
                ),
            ),
        ),
    ),
    rules=(_schedule_in_order, _sample_method_fits, _year_plausible),
)

COMPOSITE = When("apakah_indikator_komposit", (True,))
NOT_COMPOSITE = When("apakah_indikator_komposit", (False,))

MS_IND = Form(
    "MS-Ind",
    (
        Section(
            "indikator",
            "Metadata indikator",
            (
                Field("nama", "1", "Nama indikator"),
                Field("konsep", "2", "Konsep", LONG),
                Field("definisi", "3", "Definisi", LONG),
                Field("interpretasi", "4", "Interpretasi", LONG),
                Field("metode_perhitungan", "5", "Metode penghitungan", LONG),
                Field(
                    "rumus",
                    "5",
                    "Rumus penghitungan",
                    required=False,
                    help="Mis. (jumlah penduduk miskin / jumlah penduduk) × 100",
                ),
                Field("ukuran", "6", "Ukuran", help="Mis. Indeks, Persentase, Rasio"),
                Field("satuan", "7", "Satuan", help="Mis. Persen, (tanpa satuan)"),
                Field(
                    "variabel_disaggregasi",
                    "8",
                    "Klasifikasi penyajian",
                    ROWS,
                    columns=(
                        Field("nama", "", "Disagregasi"),
                        Field("sumber", "", "Sumber klasifikasi", required=False),
                    ),
                    required=False,
                    help="Mis. jenis kelamin, kelompok umur, kecamatan.",
                ),
                Field("apakah_indikator_komposit", "9", "Apakah indikator komposit?", BOOL),
                Field(
                    "indikator_pembangun",
                    "10–11",
                    "Indikator pembangun",
                    ROWS,
                    columns=(
                        Field("nama", "", "Nama indikator pembangun"),
                        Field("publikasi", "", "Publikasi ketersediaan"),
                        Field("link", "", "Tautan publikasi", required=False),
                    ),
                    when=COMPOSITE,
                ),
                Field(
                    "variabel_pembangun",
                    "12–14",
                    "Variabel pembangun",
                    ROWS,
                    columns=(
                        Field("nama", "", "Nama variabel pembangun"),
                        Field("kegiatan_penghasil", "", "Kegiatan penghasil"),
                        Field("kode_kegiatan", "", "Kode kegiatan", required=False),
                    ),
                    when=NOT_COMPOSITE,
                    help="Nama variabel sesuai MS-Var; dipakai untuk memeriksa data yang diunggah.",
                ),
                Field(
                    "level_estimasi",
                    "15",
                    "Level estimasi",
                    MULTI,
                    _bits(
                        ("nasional", "Nasional"),
                        ("provinsi", "Provinsi"),
                        ("kabupaten_kota", "Kabupaten/Kota"),
                        ("kecamatan", "Kecamatan"),
                        ("desa_kelurahan", "Desa/Kelurahan"),
                        ("lainnya", "Lainnya"),
                    ),
                    other_key="level_estimasi_lainnya",
                    help="Level terendah penyajian indikator.",
                ),
                Field(
                    "apakah_indikator_bisa_diakses_umum",
                    "16",
                    "Apakah indikator dapat diakses umum?",
                    BOOL,
                ),
            ),
        ),
    ),
)
