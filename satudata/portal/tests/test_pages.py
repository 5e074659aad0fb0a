"""The portal's pages and files: search with facets, the dataset page, its preview rows and its
downloads in four formats, and clear errors (never a 500) for bad parameters."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq  # type: ignore[import-untyped]
from django.test import override_settings
from django.urls import reverse
from python_calamine import CalamineWorkbook

from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table, table_dataset
from satudata.core.testing import PersonaTestCase


class PortalTests(PersonaTestCase):
    dataset: Dataset
    slug: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = published_table(
            cls.p,
            "Jumlah Puskesmas",
            [["Pringsewu", 2], ["Gadingrejo", 3], ["Pagelaran", 1]],
            sector="KESEHATAN",
            tags=["puskesmas"],
            description="Puskesmas per kecamatan (data contoh).",
        )
        cls.slug = cls.dataset.slug

    def test_home_and_search_show_the_published_dataset_with_facets(self) -> None:
        home = self.client.get(reverse("portal:home"))
        self.assertContains(home, "Jumlah Puskesmas")
        page = self.client.get(reverse("portal:search"), {"q": "puskesmas", "sector": "KESEHATAN"})
        self.assertContains(page, reverse("portal:dataset", args=[self.slug]))
        self.assertContains(page, 'data-facet="organization"')
        empty = self.client.get(reverse("portal:search"), {"q": "zzzz"})
        self.assertNotContains(empty, reverse("portal:dataset", args=[self.slug]))
        listing = self.client.get(reverse("portal:search-file", args=["json"]), {"q": "sehat"})
        self.assertEqual(listing.json()["count"], 1)
        table = self.client.get(reverse("portal:search-file", args=["csv"]))
        self.assertTrue(table.content.startswith(b"\xef\xbb\xbfname,title"))

    def test_the_dataset_page_and_its_json(self) -> None:
        page = self.client.get(reverse("portal:dataset", args=[self.slug]))
        self.assertContains(page, 'property="og:title"')
        self.assertContains(page, "datastore_search")
        self.assertContains(page, "Kecamatan")
        self.assertContains(page, reverse("portal:download-version", args=[self.slug, 1, "xlsx"]))
        about = self.client.get(reverse("portal:dataset-file", args=[self.slug, "json"])).json()
        self.assertEqual(about["name"], self.slug)
        self.assertEqual(about["num_resources"], 4)

    def test_the_page_stands_when_a_column_s_variable_is_gone(self) -> None:
        # The version keeps the variable's name as it was; the agency renamed it since.
        from satudata.catalog.models import Variable

        Variable.objects.filter(agency=self.p.agency, name="Jumlah").update(name="Jumlah Unit")
        page = self.client.get(reverse("portal:dataset", args=[self.slug]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "<code>jumlah</code>", html=False)

    def test_preview_rows_are_paged_filtered_and_sorted_by_the_server(self) -> None:
        url = reverse("portal:rows", args=[self.slug, 1])
        answer = self.client.get(url, {"urut": "-jumlah", "baris": "2"}).json()
        self.assertEqual(answer["total"], 3)
        self.assertEqual([row[2] for row in answer["rows"]], [3, 2])
        filtered = self.client.get(url, {"f.kecamatan": "Pagelaran"}).json()
        self.assertEqual(filtered["rows"], [[3, "Pagelaran", 1]])
        for params in (
            {"f.nope": "1"},
            {"f.jumlah": "satu"},
            {"urut": "x;drop"},
            {"hal": "x"},
            {"hal": "0"},
        ):
            response = self.client.get(url, params)
            self.assertEqual(response.status_code, 400, params)
            self.assertIn("message", response.json()["error"])

    def test_downloads_in_every_format(self) -> None:
        def get(fmt: str, **params: str) -> bytes:
            response = self.client.get(reverse("portal:download", args=[self.slug, fmt]), params)
            self.assertEqual(response.status_code, 200)
            self.assertIn(f"{self.slug}-v1.{fmt}", response["Content-Disposition"])
            if response.streaming:
                return b"".join(response.streaming_content)  # type: ignore[attr-defined]
            return response.content

        csv_bytes = get("csv")
        self.assertTrue(csv_bytes.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(
            csv_bytes.decode("utf-8-sig").splitlines()[:2],
            ["kecamatan,jumlah", '"Pringsewu",2'],
        )
        only = get("csv", **{"f.kecamatan": "Gadingrejo"}).decode("utf-8-sig").splitlines()
        self.assertEqual(only, ["kecamatan,jumlah", '"Gadingrejo",3'])
        records = json.loads(get("json"))
        self.assertEqual(records["records"][1], {"kecamatan": "Gadingrejo", "jumlah": 3})
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(get("xlsx")))
        self.assertEqual(workbook.sheet_names, ["Data", "Metadata"])
        self.assertEqual(workbook.get_sheet_by_name("Data").to_python()[1], ["Pringsewu", 2.0])
        meta = workbook.get_sheet_by_name("Metadata").to_python()
        self.assertIn(["Judul", self.dataset.title], [row[:2] for row in meta])
        table = pq.read_table(io.BytesIO(get("parquet")))
        self.assertEqual(table.num_rows, 3)
        filtered = pq.read_table(io.BytesIO(get("parquet", urut="-jumlah")))
        self.assertEqual(filtered.column("jumlah").to_pylist(), [3, 2, 1])

    @override_settings(DATASTORE_EXPORT_MAX_ROWS=2)
    def test_a_filtered_download_past_the_cap_says_so(self) -> None:
        response = self.client.get(
            reverse("portal:download", args=[self.slug, "csv"]), {"f.jumlah": ["1", "2", "3"]}
        )
        self.assertEqual(response["X-Truncated"], "true")
        self.assertEqual(len(b"".join(response.streaming_content).splitlines()), 3)  # type: ignore[attr-defined]

    def test_unknown_datasets_and_versions_are_not_found(self) -> None:
        self.assertEqual(self.client.get(reverse("portal:dataset", args=["nope"])).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("portal:dataset-version", args=[self.slug, 9])).status_code, 404
        )
        response = self.client.get(
            reverse("portal:download", args=[self.slug, "csv"]), {"f.nope": "1"}
        )
        self.assertEqual(response.status_code, 400)


class ReleaseLinkTests(PersonaTestCase):
    def test_the_walidata_reaches_the_release_from_the_dataset_page(self) -> None:
        dataset = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Bidan",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 4]],
        )
        from satudata.releases.models import Release

        release = Release.objects.for_content(dataset.versions.get()).get()
        page = reverse("portal:dataset", args=[dataset.slug])
        link = reverse("releases:release", args=[release.uuid])
        self.assertEqual(self.client.get(page).status_code, 404)
        self.client.force_login(self.p.producer)
        self.assertNotContains(self.client.get(page), link)
        self.client.force_login(self.p.walidata)
        self.assertContains(self.client.get(page), link)


class HomeTests(PersonaTestCase):
    def test_the_newest_releases_ignore_a_version_not_yet_out(self) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from satudata.catalog.demo import send_table
        from satudata.releases.testing import release

        p = self.p
        columns = [("Kecamatan", "text"), ("Jumlah", "int")]
        now = timezone.now()
        older = table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name="Jumlah Posyandu",
            columns=columns,
            rows=[["Pringsewu", 2]],
            publisher=p.kepala_bidang,
            published_at=now - timedelta(days=2),
        )
        table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name="Jumlah Bidan",
            columns=columns,
            rows=[["Pringsewu", 5]],
            publisher=p.kepala_bidang,
            published_at=now - timedelta(days=1),
        )
        # A second version of the older table, scheduled for next week.
        send_table(p.walidata, older, "Kecamatan;Jumlah\nPringsewu;3")
        version = older.versions.get(number=2)
        release(version, kepala_bidang=p.kepala_bidang, at=now + timedelta(days=7))

        newest = list(self.client.get(reverse("portal:home")).context["newest"])
        self.assertEqual([d.item.name for d in newest], ["Jumlah Bidan", "Jumlah Posyandu"])
