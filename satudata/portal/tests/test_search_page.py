"""The search page: each chosen filter is a chip that removes only itself, the facet values and
the sort links keep the other filters, counts are written the Indonesian way, and each result
shows its views and downloads."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from satudata.catalog.models import Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.reports.models import DatasetUsage

COLUMNS = [("Kecamatan", "text"), ("Jumlah", "int")]


@override_settings(PAGE_CACHE_SECONDS=0)
class SearchPageTests(PersonaTestCase):
    health: Dataset
    schools: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.health = table_dataset(
            actor=cls.p.walidata,
            agency=cls.p.agency,
            name="Jumlah Puskesmas",
            columns=COLUMNS,
            rows=[["Pringsewu", 2]],
            publisher=cls.p.kepala_bidang,
            sector="KESEHATAN",
            tags=["puskesmas"],
        )
        cls.schools = table_dataset(
            actor=cls.p.walidata,
            agency=cls.p.other_agency,
            name="Jumlah Sekolah",
            columns=COLUMNS,
            rows=[["Pringsewu", 30]],
            publisher=cls.p.kepala_bidang,
            sector="PENDIDIKAN_DAN_PELATIHAN",
            tags=["sekolah"],
        )

    def search(self, **params: str | list[str]) -> str:
        response = self.client.get(reverse("portal:search"), params)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_shows_each_chosen_filter_as_a_chip_that_removes_only_itself(self) -> None:
        page = self.search(q="jumlah", sector="KESEHATAN", tags="puskesmas")
        self.assertIn('data-chip="sector"', page)
        self.assertIn('data-chip="tags"', page)
        # The sector's chip keeps the words and the tag; the tag's keeps the words and sector.
        self.assertIn('href="?q=jumlah&amp;tags=puskesmas&amp;urut=relevan" class="chip"', page)
        self.assertIn('href="?q=jumlah&amp;sector=KESEHATAN&amp;urut=relevan" class="chip"', page)
        self.assertIn("Sektor BPS:</span> Kesehatan", page)
        self.assertIn("Hapus penyaring", page)  # two chips or more: clear them all at once

    def test_it_labels_a_chip_whose_value_matched_nothing(self) -> None:
        page = self.search(sector="KESEHATAN", organization=self.p.other_agency.slug)
        self.assertIn("0 dataset ditemukan", page)
        self.assertIn(f"Perangkat daerah:</span> {self.p.other_agency.name}", page)
        self.assertIn("hapus salah satu di atas", page)

    def test_a_facet_value_adds_itself_and_a_chosen_one_removes_itself(self) -> None:
        page = self.search(q="jumlah", sector="KESEHATAN")
        slug = self.p.agency.slug
        self.assertIn(
            f'href="?q=jumlah&amp;sector=KESEHATAN&amp;organization={slug}&amp;urut=relevan"'
            ' data-facet="organization"',
            page,
        )
        self.assertIn(
            'href="?q=jumlah&amp;urut=relevan" data-facet="sector" class="is-chosen"', page
        )

    def test_the_sort_links_keep_the_filters_and_offer_relevance_only_for_words(self) -> None:
        page = self.search(sector="KESEHATAN")
        self.assertIn('href="?sector=KESEHATAN&amp;urut=judul"', page)
        self.assertNotIn("urut=relevan", page)
        self.assertIn("urut=relevan", self.search(q="jumlah"))

    def test_each_result_shows_its_views_and_downloads_in_indonesian_numbers(self) -> None:
        DatasetUsage.objects.create(dataset=self.health.slug, views=1234567, downloads=2500)
        page = self.search(q="puskesmas")
        self.assertIn("1.234.567 kali dilihat", page)
        self.assertIn("2.500 kali diunduh", page)

    def test_a_phone_gets_the_filters_in_a_drawer_after_the_search_box(self) -> None:
        page = self.search(q="jumlah", sector="KESEHATAN")
        self.assertIn('<details class="filter-drawer" data-drawer>', page)
        self.assertLess(page.index('id="search-form"'), page.index("filter-drawer"))
        self.assertIn('<span class="badge">1</span>', page)  # how many filters are on

    def test_the_header_menu_is_a_disclosure_that_works_without_a_script(self) -> None:
        page = self.search()
        self.assertIn('<details class="site-menu" data-drawer>', page)
        self.assertIn('<summary class="menu-button">', page)
        self.assertIn("js/disclosure.js", page)

    def test_a_page_past_the_end_is_the_last_page_in_every_format(self) -> None:
        # A page past 64 bits overflowed SQL's OFFSET (a 500 in JSON and CSV); any page past the
        # end is now the last one, as the HTML paginator already said.
        for hal in ("2", "99999999999999999999999", "1" + "0" * 5000):
            page = self.search(hal=hal)
            self.assertIn("Jumlah Puskesmas", page, hal)
            listing = self.client.get(reverse("portal:search-file", args=["json"]), {"hal": hal})
            self.assertEqual(listing.status_code, 200, hal)
            self.assertEqual(listing.json()["count"], 2)
            self.assertEqual(len(listing.json()["results"]), 2, hal)
            table = self.client.get(reverse("portal:search-file", args=["csv"]), {"hal": hal})
            self.assertEqual(table.status_code, 200, hal)
            self.assertEqual(len(table.content.decode("utf-8-sig").splitlines()), 3, hal)
