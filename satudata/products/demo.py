"""The demo's publication: "Kabupaten Pringsewu Dalam Angka (data contoh)", chapters built from
the demo's published datasets (``satudata.catalog.demo``), generated and released. Every
number in it is sample data and the cover, the title page and the title say so."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from satudata.accounts.models import Agency, User
from satudata.catalog.models import Dataset
from satudata.products import generation
from satudata.products.models import (
    ChapterProduct,
    Generation,
    Product,
    ProductKind,
    ProductVersion,
    PublicationChapter,
)
from satudata.products.publications import released_version_of
from satudata.products.services import create_product

SLUG = "kabupaten-pringsewu-dalam-angka-data-contoh"
NOTE = "Angka dalam bab ini adalah *data contoh* untuk demo platform, bukan data resmi."

# Chapter title, its text, and the Daftar Data items whose datasets it shows (a chart of each
# named in the third element's second part).
CHAPTERS: list[tuple[str, str, list[str], list[str]]] = [
    (
        "Geografi dan Pemerintahan",
        "Kabupaten Pringsewu (kode Kemendagri 18.10, BPS 1810) di Provinsi Lampung terdiri atas "
        "**9 kecamatan** dengan 126 pekon (desa) dan 5 kelurahan; kelima kelurahan berada di "
        "Kecamatan Pringsewu. Luas wilayahnya sekitar 617 km².\n\n"
        "Tabel dan grafik pada bab-bab berikut disusun otomatis dari data yang sudah dirilis "
        "perangkat daerah melalui portal Satu Data, dan dibuat ulang bila datanya diperbarui.",
        [],
        [],
    ),
    (
        "Kependudukan",
        "Jumlah penduduk menurut kecamatan dan jenis kelamin.\n\n" + NOTE,
        ["Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin"],
        ["Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin"],
    ),
    (
        "Pendidikan",
        "Angka partisipasi sekolah (APS) jenjang SD dan SMP menurut kecamatan.\n\n" + NOTE,
        ["Angka Partisipasi Sekolah menurut Jenjang"],
        [],
    ),
    (
        "Kesehatan",
        "Fasilitas kesehatan dasar: puskesmas rawat inap dan non rawat inap.\n\n" + NOTE,
        ["Jumlah Puskesmas"],
        [],
    ),
    (
        "Pertanian",
        "Produksi dan luas panen padi menurut kecamatan.\n\n" + NOTE,
        ["Produksi Padi", "Luas Panen Padi"],
        ["Produksi Padi"],
    ),
    (
        "Kebencanaan",
        "Kejadian bencana menurut jenis: banjir, tanah longsor dan angin puting beliung.\n\n"
        + NOTE,
        ["Jumlah Kejadian Bencana menurut Jenis"],
        ["Jumlah Kejadian Bencana menurut Jenis"],
    ),
]

TITLE_PAGE = {
    "subtitle": "Data contoh untuk demo platform Satu Data",
    "issn": "0000-0000 (contoh)",
    "publication_number": "18100.0000 (contoh)",
    "catalogue_number": "1102001.1810 (contoh)",
    "paper": "b5",
    "authors": "Bidang Statistik, Dinas Komunikasi dan Informatika",
    "editors": "Tim Walidata Kabupaten Pringsewu",
    "cover_design": "Tim Walidata Kabupaten Pringsewu",
    "foreword": (
        "Publikasi ini menunjukkan bagaimana portal Satu Data menyusun *Kabupaten Pringsewu "
        "Dalam Angka* langsung dari data yang sudah dirilis perangkat daerah. **Semua angka di "
        "dalamnya adalah data contoh**, bukan data resmi."
    ),
    "place_date": "Pringsewu, data contoh",
    "signatory": "Kepala Dinas (contoh)",
    "signatory_position": "Kepala Dinas Komunikasi dan Informatika",
    "sample_label": "DATA CONTOH",
    "english": True,
}


def _dataset(item_name: str, data_year: int) -> Dataset | None:
    return (
        Dataset.objects.filter(item__name=item_name, item__data_list__year=data_year)
        .order_by("pk")
        .first()
    )


def _table_spec(dataset: Dataset) -> dict[str, Any] | None:
    """Every measure of the dataset over every dimension, placed by the table builder's
    defaults (time across the top, the rest down the side)."""
    from satudata.products import tables

    version = released_version_of(dataset.slug)
    if version is None:
        return None
    return {
        "sources": [{"dataset": dataset.slug}],
        "measures": list(tables.measure_columns([version])),
        "select": dict.fromkeys(tables.dimension_columns([version]), "*"),
    }


def _table(actor: User, agency: Agency, dataset: Dataset) -> Product | None:
    """The demo's table product of ``dataset``: one already made from it, else a new one."""
    for product in Product.objects.filter(kind=ProductKind.TABLE):
        entries = product.spec.get("sources") or []
        if any(isinstance(e, dict) and e.get("dataset") == dataset.slug for e in entries):
            return product
    spec = _table_spec(dataset)
    if spec is None:
        return None
    return create_product(
        actor=actor,
        kind=ProductKind.TABLE,
        title=dataset.title,
        agency=agency,
        spec=spec,
        alt_text=f"Tabel {dataset.title}",
    )


def _chart(actor: User, agency: Agency, table: Product) -> Product:
    existing = Product.objects.filter(kind=ProductKind.CHART, source=table).first()
    if existing is not None:
        return existing
    several = len(table.spec.get("measures") or []) > 1
    return create_product(
        actor=actor,
        kind=ProductKind.CHART,
        title=f"Grafik {table.title}",
        agency=agency,
        source=table,
        spec={
            "mark": "bar",
            "x": "kode_wilayah",
            **({"color": "measure"} if several else {}),
            "alt_text": f"Diagram batang {table.title} per kecamatan (data contoh).",
        },
        alt_text=f"Diagram batang {table.title} per kecamatan (data contoh).",
    )


def _chapters(product: Product, actor: User, agency: Agency, data_year: int) -> None:
    for position, (title, text, items, charted) in enumerate(CHAPTERS, start=1):
        chapter = PublicationChapter.objects.create(
            product=product, position=position, title=title, text=text
        )
        bound: list[Product] = []
        for item_name in items:
            dataset = _dataset(item_name, data_year)
            table = _table(actor, agency, dataset) if dataset is not None else None
            if table is None:
                continue
            bound.append(table)
            if item_name in charted:
                bound.append(_chart(actor, agency, table))
        for n, item in enumerate(bound, start=1):
            ChapterProduct.objects.create(chapter=chapter, position=n, bound=item)


def load_sample_publication(year: int) -> int:
    """The demo's "Dalam Angka" of the data year before ``year``, generated (PDF, DOCX) and
    released by the demo Kepala Bidang; 0 when it is there already."""
    from satudata.releases.services import release_at_once

    if Product.objects.filter(slug=SLUG).exists():
        return 0
    walidata = User.objects.get(username="walidata")
    kabid = User.objects.get(username="kabid")
    agency = Agency.objects.filter(is_walidata=True).order_by("pk").first()
    agency = agency or walidata.agencies.get()
    data_year = year - 1
    product = create_product(
        actor=walidata,
        kind=ProductKind.PUBLICATION,
        title=f"Kabupaten Pringsewu Dalam Angka {year} (data contoh)",
        agency=agency,
        slug=SLUG,
        title_en=f"Pringsewu Regency in Figures {year} (sample data)",
        spec={"title_page": TITLE_PAGE},
        description="Publikasi contoh yang disusun otomatis dari data contoh demo.",
    )
    _chapters(product, walidata, agency, data_year)
    _release_tables_and_charts(walidata, kabid)
    version = generation.new_version(walidata, product, "Edisi pertama (data contoh).")
    generation.run_generation(version.pk)
    version.refresh_from_db()
    if version.generation == "selesai":
        release_at_once(actor=kabid, content=version, reason="Data contoh untuk demo portal")
    return 1


def _generated(actor: User, product: Product, note: str) -> ProductVersion | None:
    """A first version of ``product`` with its files, or None if the generation failed."""
    version = generation.new_version(actor, product, note)
    generation.run_generation(version.pk)
    version.refresh_from_db()
    return version if version.generation == Generation.DONE else None


def _release_tables_and_charts(walidata: User, kabid: User) -> None:
    """Every demo table, then every chart drawn from them, generated and released at once (a
    chart draws its table's newest released version)."""
    from satudata.releases.services import release_at_once

    for kind in (ProductKind.TABLE, ProductKind.CHART):
        for product in Product.objects.filter(kind=kind, versions__isnull=True):
            version = _generated(walidata, product, "Versi pertama (data contoh).")
            if version is not None:
                release_at_once(actor=kabid, content=version, reason="Data contoh untuk demo")


def _infographic(
    walidata: User, table: Product, template: str, title: str, label: str, unit: str
) -> Product:
    alt = f"Infografis {title}: {label} per kecamatan di Kabupaten Pringsewu (data contoh)."
    several = len(table.spec.get("measures") or []) > 1
    return create_product(
        actor=walidata,
        kind=ProductKind.INFOGRAPHIC,
        title=title,
        agency=table.agency,
        source=table,
        alt_text=alt,
        spec={
            "template": template,
            "title": title,
            "headlines": [{"label": label, "table": table.slug, "unit": unit}],
            "charts": [
                {
                    "table": table.slug,
                    "mark": "bar",
                    "x": "kode_wilayah",
                    **({"color": "measure"} if several else {}),
                    "alt_text": alt,
                }
            ],
            "alt_text": alt,
        },
    )


def load_sample_products(year: int) -> int:
    """The demo's products (SOP activity 2): a table of each demo dataset, three charts, two
    infographics and the "Dalam Angka" publication, all released except the A4 infographic,
    which is scheduled on the release calendar for next week (under embargo until then).
    Every number is sample data and every title says so; 0 when they are there already."""
    from satudata.releases import services as releases
    from satudata.releases.dates import at_release_time
    from satudata.releases.models import Release, ReleaseKind

    if not load_sample_publication(year):
        return 0
    walidata = User.objects.get(username="walidata")
    kabid = User.objects.get(username="kabid")
    tables = {p.spec["sources"][0]["dataset"]: p for p in Product.objects.filter(kind="tabel")}
    people = next((p for slug, p in tables.items() if "penduduk" in slug), None)
    rice = next((p for slug, p in tables.items() if "produksi-padi" in slug), None)
    if people is not None:
        square = _infographic(
            walidata,
            people,
            "square",
            f"Penduduk Pringsewu {year - 1} (data contoh)",
            "Jumlah penduduk",
            "jiwa",
        )
        version = _generated(walidata, square, "Versi pertama (data contoh).")
        if version is not None:
            releases.release_at_once(actor=kabid, content=version, reason="Data contoh untuk demo")
    if rice is not None:
        a4 = _infographic(
            walidata,
            rice,
            "a4",
            f"Produksi Padi Pringsewu {year - 1} (data contoh)",
            "Produksi padi",
            "ton",
        )
        version = _generated(walidata, a4, "Versi pertama (data contoh).")
        if version is not None:
            release = Release.objects.for_content(version).get()
            day = timezone.localdate() + timedelta(days=8)
            entry = releases.plan_entry(
                actor=walidata,
                title=a4.title,
                agency=a4.agency,
                planned_at=at_release_time(day.replace(day=1)),
                kind=ReleaseKind.FIRST,
                product_type=ProductKind.INFOGRAPHIC,
                reference_period=str(year - 1),
                summary="Infografis produksi padi per kecamatan (data contoh).",
            )
            Release.objects.filter(pk=release.pk).update(entry=entry)
            release = releases.submit_release(actor=walidata, release=release, note="Data contoh.")
            release = releases.approve_release(actor=kabid, release=release)
            releases.confirm_entry(
                actor=kabid, entry=entry, day=day, reason="Tanggal rilis infografis (data contoh)."
            )
            releases.schedule_release(actor=walidata, release=Release.objects.get(pk=release.pk))
    return 1
