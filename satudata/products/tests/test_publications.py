from __future__ import annotations

import copy
import datetime as dt
import io
import socket
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import docx  # type: ignore[import-untyped]
import pypdf
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from satudata.catalog.demo import send_table
from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table
from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.products import publications
from satudata.products.errors import ProductError
from satudata.products.models import ChapterProduct, Product, ProductVersion, PublicationChapter
from satudata.products.publication_text import read_markdown
from satudata.products.services import create_product
from satudata.releases.testing import release

HOSTILE = """Pembuka **tebal**.

<script>alert("xss")</script>

Teks <b onclick="steal()">berbahaya</b> dan ![peta](https://contoh.invalid/peta.png)
serta [unduh gambar](http://contoh.invalid/foto.jpg) dan [situs](https://pringsewukab.go.id).
"""

ROWS = [["18.10.01", 2025, 1234], ["18.10.02", 2025, 5678]]
COLUMNS = [("Kode Wilayah", "region"), ("Tahun", "year"), ("Jumlah", "int")]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def no_network(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("a publication must fetch nothing from outside")


class MarkdownTests(SimpleTestCase):
    def test_it_drops_script_raw_html_and_images_with_a_warning_each(self) -> None:
        text = read_markdown(HOSTILE, "Bab 1")
        self.assertNotIn("<script", text.html)
        self.assertNotIn("alert", text.html)
        self.assertNotIn("onclick", text.html)
        self.assertNotIn("<img", text.html)
        self.assertNotIn("foto.jpg", text.html)
        self.assertIn("<strong>tebal</strong>", text.html)
        self.assertIn('href="https://pringsewukab.go.id"', text.html)
        self.assertIn("unduh gambar", text.html)  # the words of a dropped image link stay
        joined = " ".join(text.warnings)
        self.assertIn("https://contoh.invalid/peta.png", joined)
        self.assertIn("http://contoh.invalid/foto.jpg", joined)
        self.assertEqual(sum("Bab 1" in w for w in text.warnings), len(text.warnings))
        self.assertGreaterEqual(len(text.warnings), 4)  # block, two inline tags, two images

    def test_it_makes_markdown_headings_sections_below_the_chapter(self) -> None:
        self.assertIn("<h2>Penduduk</h2>", read_markdown("# Penduduk", "Bab 1").html)

    def test_typst_markup_in_the_text_is_printed_not_run(self) -> None:
        from satudata.products.publication_text import typst_markup

        markup = typst_markup(read_markdown('#read("/etc/passwd") $x$ *a*', "Bab 1").blocks)
        self.assertNotRegex(markup, r"(?<!\\)#read")
        self.assertIn("\\#read", markup)
        self.assertIn("#emph[a]", markup)


class PublicationSetUp(PersonaTestCase):
    dataset: Dataset
    publication: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SiteProfile.objects.create(
            site_name="Satu Data Pringsewu",
            regency_name="Kabupaten Pringsewu",
            walidata_name="Dinas Komunikasi dan Informatika",
        )
        cls.dataset = published_table(cls.p, "Jumlah Penduduk", ROWS, COLUMNS)
        walidata, agency = cls.p.walidata, cls.p.walidata_agency
        table = create_product(
            actor=walidata,
            kind="tabel",
            title="Penduduk menurut Kecamatan",
            agency=agency,
            spec={
                "sources": [{"dataset": cls.dataset.slug}],
                "measures": ["jumlah"],
                "select": {"kode_wilayah": "*", "tahun": "*"},
                "stub": ["kode_wilayah"],
                "heading": ["tahun"],
            },
        )
        chart = create_product(
            actor=walidata,
            kind="grafik",
            title="Grafik Penduduk",
            agency=agency,
            source=table,
            spec={"mark": "bar", "x": "kode_wilayah", "alt_text": "Batang penduduk"},
        )
        cls.publication = create_product(
            actor=walidata,
            kind="publikasi",
            title="Kabupaten Pringsewu Dalam Angka 2026",
            agency=agency,
            spec={
                "title_page": {
                    "issn": "2087-1234",
                    "catalogue_number": "1102001.1810",
                    "publication_number": "18100.2601",
                    "editors": "Rina Walidata",
                    "foreword": "Puji syukur atas terbitnya publikasi ini.",
                    "signatory": "Sri Kadis",
                    "sample_label": "DATA CONTOH",
                }
            },
        )
        first = PublicationChapter.objects.create(
            product=cls.publication, position=1, title="Geografi dan Iklim", text="Pringsewu."
        )
        second = PublicationChapter.objects.create(
            product=cls.publication, position=2, title="Kependudukan", text=HOSTILE
        )
        ChapterProduct.objects.create(chapter=first, position=1, bound=table)
        ChapterProduct.objects.create(
            chapter=second, position=1, bound=table, caption="Penduduk per kecamatan"
        )
        ChapterProduct.objects.create(chapter=second, position=2, bound=chart)

    def make_version(self) -> ProductVersion:
        """What ``generation.new_version`` does for a publication."""
        product = Product.objects.get(pk=self.publication.pk)
        sources = publications.sources_for(product, self.p.walidata)
        version = ProductVersion.objects.create(
            product=product,
            number=product.versions.count() + 1,
            spec=copy.deepcopy(product.spec),
        )
        version.sources.set(sources)
        return version

    def generate(self, version: ProductVersion) -> dict[str, bytes]:
        steps: list[tuple[int, str]] = []
        with mock.patch.object(socket.socket, "connect", no_network):
            files = publications.files_for(version, lambda p, label: steps.append((p, label)))
        self.steps = steps
        return {f.format: bytes(f.content) for f in files}  # type: ignore[arg-type]


class PublicationFilesTests(PublicationSetUp):
    def test_it_makes_a_pdf_with_chapter_titles_and_table_values(self) -> None:
        files = self.generate(self.make_version())
        self.assertTrue(files["png"].startswith(b"\x89PNG"))  # the cover, for the page
        text = pdf_text(files["pdf"])
        self.assertIn("Kependudukan", text)
        self.assertIn("Geografi dan Iklim", text)
        self.assertIn("1.234", text)
        self.assertIn("5.678", text)
        self.assertIn("2087-1234", text)  # the title page
        self.assertIn("Daftar Tabel", text)
        self.assertIn("Daftar Gambar", text)
        self.assertIn("Tabel 2.1", text)
        self.assertIn("Gambar 2.1", text)

    def test_it_makes_a_docx_with_headings_and_table_cells(self) -> None:
        document = docx.Document(io.BytesIO(self.generate(self.make_version())["docx"]))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]  # type: ignore[union-attr]
        self.assertIn("1. Geografi dan Iklim", headings)
        self.assertIn("2. Kependudukan", headings)
        cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
        self.assertIn("1.234", cells)
        self.assertIn("Gading Rejo", cells)  # the region's name from the reference
        captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]  # type: ignore[union-attr]
        self.assertIn("Tabel 2.1 Penduduk per kecamatan", captions)
        self.assertIn("Gambar 2.1 Grafik Penduduk", captions)
        self.assertEqual(len(document.inline_shapes), 1)  # the chart, as PNG

    def test_hostile_markdown_leaves_no_script_and_fetches_nothing(self) -> None:
        files = self.generate(self.make_version())
        text = pdf_text(files["pdf"])
        document = docx.Document(io.BytesIO(files["docx"]))
        words = "\n".join(p.text for p in document.paragraphs)
        for output in (text, words):
            self.assertNotIn("alert", output)
            self.assertNotIn("script", output)
            self.assertNotIn("onclick", output)
            self.assertNotIn("peta.png", output)
        self.assertIn("berbahaya", text)

    def test_it_reports_progress_per_chapter(self) -> None:
        self.generate(self.make_version())
        labels = [label for _p, label in self.steps]
        self.assertTrue(any("Geografi dan Iklim" in label for label in labels))
        self.assertTrue(any("Kependudukan" in label for label in labels))
        self.assertEqual(self.steps[-1][0], 100)

    def test_the_outline_numbers_items_and_lists_the_dropped_text(self) -> None:
        outline = publications.outline(self.make_version())
        self.assertEqual(
            outline["chapters"][1]["items"],
            ["Tabel 2.1 Penduduk per kecamatan", "Gambar 2.1 Grafik Penduduk"],
        )
        self.assertTrue(any("peta.png" in w for w in outline["warnings"]))

    def test_a_broken_template_is_a_product_error(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            broken = Path(folder) / "rusak.typ"
            broken.write_text("#let publication(data, body) = { body\n")
            with (
                override_settings(PUBLICATION_TEMPLATE=str(broken)),
                self.assertRaises(ProductError) as raised,
            ):
                self.generate(self.make_version())
        self.assertIn("unclosed delimiter", raised.exception.message)  # Typst's reason

    def test_a_missing_template_is_a_product_error(self) -> None:
        with (
            override_settings(PUBLICATION_TEMPLATE="/tidak/ada/publikasi.typ"),
            self.assertRaises(ProductError) as raised,
        ):
            self.generate(self.make_version())
        self.assertIn("publikasi.typ", raised.exception.message)

    def test_a_font_the_server_lacks_is_a_product_error(self) -> None:
        with (
            override_settings(PUBLICATION_FONT="Huruf Yang Tidak Ada"),
            self.assertRaises(ProductError) as raised,
        ):
            self.generate(self.make_version())
        self.assertIn("huruf yang tidak ada", raised.exception.message.lower())


class RegenerationTests(PublicationSetUp):
    def new_dataset_version(self, at: Any = None) -> Any:
        rows = "\n".join(f"{code};{year};{int(str(value)) * 2}" for code, year, value in ROWS)
        header = ";".join(c for c, _ in COLUMNS)
        send_table(self.p.walidata, self.dataset, f"{header}\n{rows}")
        newer = self.dataset.versions.order_by("-number").first()
        release(newer, kepala_bidang=self.p.kepala_bidang, at=at)
        return newer

    def test_a_newer_released_dataset_version_makes_a_new_version_with_a_change_note(
        self,
    ) -> None:
        first = self.make_version()
        newer = self.new_dataset_version()
        with mock.patch.object(publications, "_start_generation") as started:
            made = publications.regenerate_publications()
        self.assertEqual(len(made), 1)
        version = made[0]
        self.assertEqual(version.number, 2)
        self.assertIn(self.dataset.title, version.change_note)
        self.assertIn("1 → 2", version.change_note)
        self.assertEqual(list(version.sources.all()), [newer])
        self.assertEqual(version.spec, first.spec)
        started.assert_called_once_with(version)
        self.assertEqual(list(first.sources.values_list("number", flat=True)), [1])
        with mock.patch.object(publications, "_start_generation"):
            self.assertEqual(publications.regenerate_publications(), [])  # once only
        files = self.generate(version)
        self.assertIn("2.468", pdf_text(files["pdf"]))  # the newer data

    def test_releasing_a_dataset_version_makes_the_publication_again(self) -> None:
        self.make_version()
        with (
            mock.patch.object(publications, "_start_generation") as started,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.new_dataset_version()
        started.assert_called_once()
        self.assertEqual(self.publication.versions.count(), 2)

    def test_a_dataset_version_scheduled_for_later_does_not_yet(self) -> None:
        self.make_version()
        self.new_dataset_version(at=timezone.now() + dt.timedelta(days=3))
        with mock.patch.object(publications, "_start_generation") as started:
            self.assertEqual(publications.regenerate_publications(), [])
        started.assert_not_called()
        later = timezone.now() + dt.timedelta(days=4)
        with mock.patch.object(publications, "_start_generation"):
            self.assertEqual(len(publications.regenerate_publications(at=later)), 1)

    def test_a_publication_without_a_version_is_left_alone(self) -> None:
        self.new_dataset_version()
        with mock.patch.object(publications, "_start_generation") as started:
            self.assertEqual(publications.regenerate_publications(), [])
        started.assert_not_called()
