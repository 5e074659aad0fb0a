"""Search: Indonesian roots and prefixes, filters, facets, sorting and the gate. The expected
answers are written out, so the same assertions passing on SQLite and on PostgreSQL (CI runs the
suite on both) shows both databases give the same results and the same facet counts."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from satudata.catalog import search
from satudata.catalog.models import Dataset, Topic
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase

ROWS = [["Pringsewu", 3], ["Gadingrejo", 5]]
COLUMNS = [("Kecamatan", "text"), ("Jumlah", "int")]


class SearchTests(PersonaTestCase):
    tenaga: Dataset
    puskesmas: Dataset
    sekolah: Dataset
    draft: Dataset
    scheduled: Dataset
    next_week: datetime

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        health = Topic.objects.create(slug="kesehatan", name="Kesehatan")
        p = cls.p
        make = table_dataset
        cls.tenaga = make(
            actor=p.walidata,
            agency=p.agency,
            name="Tenaga Kesehatan menurut Kecamatan",
            columns=COLUMNS,
            rows=ROWS,
            publisher=p.kepala_bidang,
            sector="KESEHATAN",
            tags=["tenaga kesehatan", "sdm"],
            topics=[health],
            description="Dokter, bidan dan perawat di puskesmas.",
        )
        cls.puskesmas = make(
            actor=p.walidata,
            agency=p.agency,
            name="Jumlah Puskesmas",
            year=2024,
            columns=COLUMNS,
            rows=ROWS,
            publisher=p.kepala_bidang,
            sector="KESEHATAN",
            tags=["puskesmas"],
            topics=[health],
        )
        cls.sekolah = make(
            actor=p.walidata,
            agency=p.other_agency,
            name="Jumlah Sekolah Dasar",
            columns=COLUMNS,
            rows=ROWS,
            publisher=p.kepala_bidang,
            sector="PENDIDIKAN_DAN_PELATIHAN",
            tags=["sekolah"],
            description="Sekolah dasar negeri dan swasta; pendidikan dasar.",
        )
        # Synchronised but never published: only staff and its agency may find it.
        cls.draft = make(
            actor=p.walidata,
            agency=p.agency,
            name="Kesehatan Lingkungan Rahasia",
            columns=COLUMNS,
            rows=ROWS,
            sector="KESEHATAN",
            tags=["puskesmas"],
        )
        # Published for a moment next week.
        cls.next_week = timezone.now() + timedelta(days=7)
        cls.scheduled = make(
            actor=p.walidata,
            agency=p.other_agency,
            name="Angka Kesehatan Ibu",
            columns=COLUMNS,
            rows=ROWS,
            publisher=p.kepala_bidang,
            published_at=cls.next_week,
            sector="KESEHATAN",
        )

    def names(self, q: str = "", user=None, **kwargs) -> list[str]:
        criteria = search.Criteria(q=q, **kwargs)
        result = search.search(user, criteria, sort=[("name", False)], rows=50)
        return [d.slug for d in result.datasets]

    def test_a_word_finds_its_root_and_its_derived_forms(self) -> None:
        expected = ["jumlah-puskesmas-2024", "tenaga-kesehatan-menurut-kecamatan-2025"]
        # "kesehatan" and "sehat" share the root (both datasets are in the topic Kesehatan);
        # "puskesmas" is in one title and in the other's description.
        self.assertEqual(self.names("sehat"), expected)
        self.assertEqual(self.names("kesehatan"), expected)
        self.assertEqual(self.names("puskesmas"), expected)
        self.assertEqual(self.names("dokter"), ["tenaga-kesehatan-menurut-kecamatan-2025"])
        # "pendidikan" reaches "didik"; a prefix matches while typing.
        self.assertEqual(self.names("pendidikan"), ["jumlah-sekolah-dasar-2025"])
        self.assertEqual(self.names("seko"), ["jumlah-sekolah-dasar-2025"])

    def test_every_word_must_match_in_any_field(self) -> None:
        # Title, tags, variables (Kecamatan) and the agency's name are all searched.
        self.assertEqual(self.names("bidan kecamatan"), ["tenaga-kesehatan-menurut-kecamatan-2025"])
        self.assertEqual(self.names("bidan sekolah"), [])
        agency_word = self.p.other_agency.name.split()[-1]
        self.assertIn("jumlah-sekolah-dasar-2025", self.names(agency_word))

    def test_quotes_and_operators_in_the_query_are_only_words(self) -> None:
        for q in [
            '"sehat" OR *',
            "sehat) AND (x",
            "'; DROP TABLE catalog_dataset; --",
            "NEAR(a b)",
            "-:*&|!",
        ]:
            search.search(None, search.Criteria(q=q))  # no error, whatever it finds

    def test_filters_and_exclusions(self) -> None:
        include = [("organization", [self.p.agency.slug])]
        self.assertEqual(
            self.names(include=include),
            ["jumlah-puskesmas-2024", "tenaga-kesehatan-menurut-kecamatan-2025"],
        )
        self.assertEqual(self.names(exclude=include), ["jumlah-sekolah-dasar-2025"])
        self.assertEqual(self.names(include=[("year", ["2024"])]), ["jumlah-puskesmas-2024"])
        both = [("tags", ["puskesmas"]), ("tags", ["sdm"])]
        self.assertEqual(self.names(include=both), [])
        either = [("tags", ["puskesmas", "sdm"])]
        self.assertEqual(len(self.names(include=either)), 2)
        with self.assertRaises(search.BadSearch):
            self.names(include=[("colour", ["red"])])

    def test_facet_counts_follow_the_search_and_the_gate(self) -> None:
        result = search.search(
            None, search.Criteria(), facets=["organization", "sector", "tags", "year", "groups"]
        )
        counts = {name: {c.name: c.count for c in items} for name, items in result.facets.items()}
        self.assertEqual(result.count, 3)
        self.assertEqual(
            counts["organization"], {self.p.agency.slug: 2, self.p.other_agency.slug: 1}
        )
        self.assertEqual(counts["sector"], {"KESEHATAN": 2, "PENDIDIKAN_DAN_PELATIHAN": 1})
        self.assertEqual(
            counts["tags"], {"puskesmas": 1, "sdm": 1, "sekolah": 1, "tenaga kesehatan": 1}
        )
        self.assertEqual(counts["year"], {"2025": 2, "2024": 1})
        self.assertEqual(counts["groups"], {"kesehatan": 2})
        narrowed = search.search(None, search.Criteria(q="dokter"), facets=["sector"])
        self.assertEqual([(c.name, c.count) for c in narrowed.facets["sector"]], [("KESEHATAN", 1)])

    def test_staff_and_the_producing_agency_also_find_what_is_not_yet_published(self) -> None:
        self.assertNotIn("kesehatan-lingkungan-rahasia-2025", self.names("rahasia"))
        self.assertEqual(
            self.names("rahasia", user=self.p.walidata), ["kesehatan-lingkungan-rahasia-2025"]
        )
        self.assertEqual(
            self.names("rahasia", user=self.p.producer), ["kesehatan-lingkungan-rahasia-2025"]
        )
        self.assertEqual(self.names("rahasia", user=self.p.other_producer), [])
        self.assertEqual(self.names("rahasia", user=self.p.pembina), [])

    def test_a_publication_time_takes_effect_by_itself(self) -> None:
        self.assertEqual(self.names("ibu"), [])
        with time_machine.travel(self.next_week - timedelta(seconds=1)):
            self.assertEqual(self.names("ibu"), [])
        with time_machine.travel(self.next_week):
            self.assertEqual(self.names("ibu"), ["angka-kesehatan-ibu-2025"])
            result = search.search(None, search.Criteria(), facets=["sector"])
            self.assertEqual({c.name: c.count for c in result.facets["sector"]}["KESEHATAN"], 3)

    def test_sorting_and_paging(self) -> None:
        by_title = search.search(None, search.Criteria(), sort=[("title", False)], rows=2)
        self.assertEqual(by_title.count, 3)
        self.assertEqual(
            [d.item.name for d in by_title.datasets], ["Jumlah Puskesmas", "Jumlah Sekolah Dasar"]
        )
        rest = search.search(None, search.Criteria(), sort=[("title", False)], start=2, rows=2)
        self.assertEqual(
            [d.item.name for d in rest.datasets], ["Tenaga Kesehatan menurut Kecamatan"]
        )
        best = search.search(None, search.Criteria(q="puskesmas"), sort=[("score", True)])
        self.assertEqual(best.count, 2)
        with self.assertRaises(search.BadSearch):
            search.search(None, search.Criteria(), sort=[("colour", False)])

    def test_changing_the_description_updates_the_index(self) -> None:
        from satudata.catalog.services import describe_dataset

        describe_dataset(
            actor=self.p.walidata,
            dataset=self.sekolah,
            title=self.sekolah.title,
            description="Termasuk madrasah ibtidaiyah.",
            sector="",
            license_id="cc-by",
            tags=[],
            topics=[],
        )
        self.assertEqual(self.names("madrasah"), ["jumlah-sekolah-dasar-2025"])
        self.assertEqual(self.names("swasta"), [])

    def test_counts_from_the_kept_copy_equal_the_database_s(self) -> None:
        from satudata.catalog import facetindex

        names = [*search.PAGE_FACETS, "license_id"]
        cases = [
            (None, search.Criteria()),
            (None, search.Criteria(q="kesehatan")),
            (None, search.Criteria(include=[("organization", [self.p.agency.slug])])),
            (self.p.walidata, search.Criteria()),
            (self.p.producer, search.Criteria(q="puskesmas")),
            (self.p.other_producer, search.Criteria(exclude=[("tags", ["sdm"])])),
        ]
        for user, criteria in cases:
            with self.subTest(user=str(user), criteria=criteria):
                facetindex.forget()
                kept = search.search(user, criteria, facets=names).facets
                asked = search.facet_counts(search.filtered(user, criteria), names)
                self.assertEqual(kept, asked)
                self.assertIsNotNone(facetindex._current)  # the copy was used, not SQL

    def test_a_saved_change_of_facet_values_reaches_every_kept_copy(self) -> None:
        from satudata.catalog.services import describe_dataset

        def counts(name: str) -> dict[str, int]:
            result = search.search(None, search.Criteria(), facets=[name])
            return {c.name: c.count for c in result.facets[name]}

        self.assertEqual(counts("sector")["KESEHATAN"], 2)  # the copy is built here
        describe_dataset(
            actor=self.p.walidata,
            dataset=self.sekolah,
            title=self.sekolah.title,
            description="",
            sector="KESEHATAN",
            license_id="cc-by",
            tags=["sekolah", "madrasah"],
            topics=[],
        )
        self.assertEqual(counts("sector"), {"KESEHATAN": 3})
        self.assertEqual(counts("tags")["madrasah"], 1)
        item = self.puskesmas.item
        item.frequency = "bulanan"
        item.save()
        self.assertEqual(counts("frequency").get("bulanan"), 1)
        agency = self.p.other_agency
        agency.name = "Dinas Pendidikan (nama baru)"
        agency.save()
        organization = search.search(None, search.Criteria(), facets=["organization"])
        shown = {c.name: c.display_name for c in organization.facets["organization"]}
        self.assertEqual(shown[agency.slug], "Dinas Pendidikan (nama baru)")
