"""The public table builder: the table of the selection in the address, the form without
JavaScript made into that address, bad selections said at their field (never a 500), the gate
kept, and a table saved as a product by the Walidata's staff only."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table, table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.products.models import Product
from satudata.releases.models import PreReleaseView

COLUMNS = [("Kode Wilayah", "region"), ("Tahun", "year"), ("Jenis", "text"), ("Jumlah", "int")]
ROWS = [
    ["18.10.01", 2023, "Laki-laki", 1200],
    ["18.10.01", 2023, "Perempuan", 1300],
    ["18.10.01", 2024, "Laki-laki", 1250],
    ["18.10.01", 2024, "Perempuan", 1350],
    ["18.10.02", 2023, "Laki-laki", 900],
    ["18.10.02", 2024, "Perempuan", 1000],
    ["18.10.02", 2025, "Perempuan", 1100],
]


class BuilderPageTests(PersonaTestCase):
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = published_table(cls.p, "Jumlah Penduduk", ROWS, columns=COLUMNS)

    def page(self, query: str = "", user: Any = None) -> Any:
        if user is not None:
            self.client.force_login(user)
        return self.client.get(f"{reverse('builder:table', args=[self.dataset.slug])}?{query}")

    def test_it_shows_regions_down_the_side_and_years_across_by_default(self) -> None:
        response = self.page()
        self.assertEqual(response.status_code, 200)
        cube = response.context["cube"]
        self.assertEqual(cube.stub, ["kode_wilayah"])
        self.assertEqual(cube.heading, ["tahun"])
        # Pringsewu 2023: both sexes summed, in Indonesian digits.
        self.assertContains(response, ">Pringsewu</th>")
        self.assertContains(response, ">2.500</td>")

    def test_it_builds_the_table_the_address_asks_for(self) -> None:
        response = self.page(
            "ukuran=jumlah&baris=tahun&baris=jenis&kolom=kode_wilayah&v.tahun=2023&v.tahun=2024"
        )
        self.assertEqual(response.status_code, 200)
        cube = response.context["cube"]
        self.assertEqual(cube.stub, ["tahun", "jenis"])
        self.assertEqual(cube.heading, ["kode_wilayah"])
        self.assertEqual([c.code for c in cube.dimension("tahun").categories], ["2023", "2024"])
        # 2024, Perempuan, Gading Rejo
        self.assertEqual(cube.values[3 * 2 + 1], 1000)
        self.assertContains(response, 'id="letak-tahun" name="letak.tahun"')
        self.assertContains(response, 'value="2025"> 2025')  # offered, not chosen
        self.assertNotContains(response, 'value="2025" checked')

    def test_the_latest_years_stay_an_expression_in_the_address(self) -> None:
        response = self.page("ukuran=jumlah&baris=kode_wilayah&kolom=tahun&v.tahun=TOP(2)")
        cube = response.context["cube"]
        self.assertEqual([c.code for c in cube.dimension("tahun").categories], ["2024", "2025"])
        self.assertIn("v.tahun=TOP(2)", response.context["query"])

    def test_a_dimension_in_neither_rows_nor_columns_is_summed_over_its_chosen_values(
        self,
    ) -> None:
        response = self.page("ukuran=jumlah&baris=kode_wilayah&v.jenis=Perempuan")
        cube = response.context["cube"]
        self.assertEqual([d.id for d in cube.dimensions], ["kode_wilayah"])
        self.assertEqual(cube.values, [1300 + 1350, 1000 + 1100])

    def test_the_form_without_javascript_comes_back_as_a_shareable_address(self) -> None:
        response = self.page(
            "ukuran=jumlah&letak.jenis=baris&letak.tahun=kolom&letak.kode_wilayah=ringkas"
            "&v.tahun=&v.tahun=2023&v.tahun=2024&v.tahun=2025&v.jenis=&v.jenis=Perempuan"
            "&v.kode_wilayah=&v.kode_wilayah=18.10.01&v.kode_wilayah=18.10.02"
        )
        self.assertRedirects(
            response,
            f"{reverse('builder:table', args=[self.dataset.slug])}"
            "?ukuran=jumlah&baris=jenis&kolom=tahun&v.jenis=Perempuan",
        )

    def test_the_swap_button_without_javascript_swaps_rows_and_columns(self) -> None:
        response = self.page("ukuran=jumlah&letak.kode_wilayah=baris&letak.tahun=kolom&tukar=1")
        self.assertEqual(response.status_code, 302)
        self.assertIn("baris=tahun&kolom=kode_wilayah", response["Location"])

    def test_an_unknown_value_is_said_at_its_field_not_a_500(self) -> None:
        response = self.page("ukuran=jumlah&baris=kode_wilayah&v.jenis=Anak")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="error-v-jenis"', status_code=400)
        self.assertIn("Anak", response.context["errors"]["jenis"])

    def test_an_unknown_dimension_or_measure_is_said_at_its_field(self) -> None:
        response = self.page("ukuran=nama&baris=desa")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["errors"]), {"ukuran", "letak"})
        self.assertContains(response, 'id="error-letak"', status_code=400)

    def test_choosing_no_value_asks_for_one(self) -> None:
        response = self.page("ukuran=jumlah&baris=kode_wilayah&v.kode_wilayah=")
        self.assertEqual(response.status_code, 400)
        self.assertIn("kode_wilayah", response.context["errors"])

    def test_a_table_over_the_cell_cap_is_refused_with_its_size(self) -> None:
        with self.settings(TABLE_MAX_CELLS=5):
            response = self.page("ukuran=jumlah&baris=kode_wilayah&kolom=tahun")
        self.assertEqual(response.status_code, 400)
        self.assertIn("6", response.context["errors"]["sel"])
        self.assertContains(response, 'id="error-sel"', status_code=400)

    def test_the_fragment_is_the_table_or_a_json_error_naming_the_field(self) -> None:
        url = reverse("builder:fragment", args=[self.dataset.slug])
        fine = self.client.get(f"{url}?ukuran=jumlah&baris=jenis")
        self.assertContains(fine, "<caption")
        self.assertNotContains(fine, "<html")
        self.assertEqual(fine["X-Cells"], "2")
        bad = self.client.get(f"{url}?ukuran=jumlah&baris=jenis&v.jenis=Anak")
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(bad.json()["error"]["code"], "jenis")

    def test_the_dataset_page_links_to_its_builder(self) -> None:
        response = self.client.get(reverse("portal:dataset", args=[self.dataset.slug]))
        self.assertContains(response, reverse("builder:table", args=[self.dataset.slug]))

    def test_download_links_carry_the_selection(self) -> None:
        response = self.page("ukuran=jumlah&baris=jenis")
        self.assertContains(
            response,
            f"{reverse('builder:download', args=[self.dataset.slug, 'xlsx'])}"
            "?ukuran=jumlah&amp;baris=jenis",
        )

    def test_a_range_of_values_is_kept_as_asked(self) -> None:
        response = self.page("ukuran=jumlah&baris=tahun&v.tahun=RANGE(2023,2024)")
        self.assertEqual(response.status_code, 200)
        cube = response.context["cube"]
        self.assertEqual([c.code for c in cube.dimension("tahun").categories], ["2023", "2024"])
        self.assertIn("v.tahun=RANGE(2023,2024)", response.context["query"])

    def test_the_table_downloads_in_the_format_asked_with_the_selection(self) -> None:
        url = reverse("builder:download", args=[self.dataset.slug, "csv"])
        response = self.client.get(f"{url}?ukuran=jumlah&baris=jenis&v.tahun=2025")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        text = response.content.decode("utf-8-sig")
        self.assertIn("Perempuan", text)
        self.assertIn("1100", text.replace(".", ""))
        self.assertNotIn("Laki-laki,1", text)  # no man counted in 2025

    def test_a_json_stat_download_is_a_dataset_of_the_selection(self) -> None:
        url = reverse("builder:download", args=[self.dataset.slug, "json-stat"])
        response = self.client.get(f"{url}?ukuran=jumlah&baris=kode_wilayah&kolom=jenis")
        data = json.loads(response.content)
        self.assertEqual(data["class"], "dataset")
        self.assertEqual(data["id"], ["kode_wilayah", "jenis"])
        self.assertEqual(data["size"], [2, 2])

    def test_a_bad_selection_downloads_nothing_and_says_why(self) -> None:
        url = reverse("builder:download", args=[self.dataset.slug, "xlsx"])
        response = self.client.get(f"{url}?ukuran=jumlah&baris=tahun&v.tahun=1999")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "tahun")


class BuilderGateTests(PersonaTestCase):
    def test_a_dataset_not_yet_released_is_404_to_the_public_and_its_staff_read_logged(
        self,
    ) -> None:
        hidden = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Data Belum Rilis",
            columns=COLUMNS,
            rows=ROWS,
        )
        url = reverse("builder:table", args=[hidden.slug])
        self.assertEqual(self.client.get(url).status_code, 404)
        fragment = reverse("builder:fragment", args=[hidden.slug])
        self.assertEqual(self.client.get(fragment).status_code, 404)
        self.client.force_login(self.p.kepala_dinas)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["is_published"])  # marked so on the page
        self.assertTrue(PreReleaseView.objects.filter(user=self.p.kepala_dinas).exists())

    def test_an_unknown_dataset_is_404(self) -> None:
        response = self.client.get(reverse("builder:table", args=["tidak-ada"]))
        self.assertEqual(response.status_code, 404)


class SaveAsProductTests(PersonaTestCase):
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = published_table(cls.p, "Jumlah Penduduk", ROWS, columns=COLUMNS)

    def save(self, user: Any, query: str, **data: str) -> Any:
        if user is not None:
            self.client.force_login(user)
        url = reverse("builder:save", args=[self.dataset.slug])
        return self.client.post(f"{url}?{query}", data)

    def test_the_walidata_saves_the_table_as_a_table_product(self) -> None:
        response = self.save(
            self.p.walidata,
            "ukuran=jumlah&baris=tahun&kolom=jenis&v.tahun=TOP(2)",
            judul="Penduduk menurut jenis kelamin",
            catatan="Angka sementara.",
        )
        self.assertEqual(response.status_code, 302)
        product = Product.objects.get()
        self.assertEqual(product.kind, "tabel")
        self.assertEqual(product.title, "Penduduk menurut jenis kelamin")
        self.assertEqual(product.agency, self.dataset.agency)
        self.assertEqual(product.spec["stub"], ["tahun"])
        self.assertEqual(product.spec["heading"], ["jenis"])
        self.assertEqual(product.spec["notes"], {"table": ["Angka sementara."]})
        self.assertEqual(product.spec["select"], {"tahun": "TOP(2)", "jenis": "*"})

    def test_the_staff_page_shows_the_save_form_and_the_public_s_does_not(self) -> None:
        url = reverse("builder:table", args=[self.dataset.slug])
        self.assertNotContains(self.client.get(url), 'id="save-form"')
        self.client.force_login(self.p.walidata)
        self.assertContains(self.client.get(url), 'id="save-form"')

    def test_a_title_is_required(self) -> None:
        response = self.save(self.p.walidata, "ukuran=jumlah&baris=tahun", judul="  ")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="error-judul"', status_code=400)
        self.assertFalse(Product.objects.exists())

    def test_the_public_and_producers_may_not_save(self) -> None:
        for user in (None, self.p.producer):
            response = self.save(user, "ukuran=jumlah&baris=tahun", judul="Tabel")
            self.assertEqual(response.status_code, 403)
        self.assertFalse(Product.objects.exists())
