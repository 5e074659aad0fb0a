"""The embargo on every channel: before its release time nothing of a scheduled release reaches
the public — a first release (a whole dataset) nor a revision (a new version with a new column)
— and at that time both appear everywhere at once, with no job run in between. Only the clock
moves (time_machine). A person on the pre-release access list reads it before, and each read is
logged; nobody else is let in by that grant."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from satudata.accounts.models import User
from satudata.accounts.roles import Role
from satudata.api.packages import resource_id
from satudata.catalog.demo import send_table
from satudata.catalog.models import Dataset, Variable
from satudata.catalog.testing import COUNTS, published_table, table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.products.models import Product, ProductVersion
from satudata.products.testing import released_product
from satudata.releases import services
from satudata.releases.models import PreReleaseView, Release
from satudata.releases.testing import release


class EmbargoOnEveryChannelTests(PersonaTestCase):
    at: datetime
    new: Dataset
    old: Dataset
    revision: Release
    official: User
    first: Release

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        # A first release: the whole dataset is under embargo.
        cls.new = table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name="Jumlah Rumah Sakit Bersalin",
            columns=COUNTS,
            rows=[["Pringsewu", 2], ["Gadingrejo", 1]],
            publisher=p.kepala_bidang,
            published_at=cls.at,
        )
        # A revision of a public dataset, with a column only the new version has.
        cls.old = published_table(p, "Jumlah Sekolah Dasar", [["Pringsewu", 30]])
        Variable.objects.create(agency=p.agency, name="Guru Honorer", data_type="integer")
        send_table(
            p.walidata, cls.old, "Kecamatan;Jumlah;Guru Honorer\nPringsewu;31;77\nSukoharjo;12;40"
        )
        cls.revision = release(
            cls.old.versions.get(number=2), kepala_bidang=p.kepala_bidang, at=cls.at
        )
        cls.official = User.objects.create_user(
            "agus.setda", password="x" * 12, role=Role.PEJABAT, full_name="Agus Setda"
        )
        cls.first = Release.objects.for_content(cls.new.versions.get()).get()
        services.grant_access(
            actor=p.walidata,
            release=cls.first,
            person=cls.official,
            organisation="Sekretariat Daerah",
            position="Kepala Bagian Perekonomian",
            justification="Bahan rapat pimpinan",
            access_from=cls.at - timedelta(hours=20),
        )

    def channels(self) -> dict[str, str]:
        new, old = self.new.slug, self.old.slug
        return {
            "home page": "/",
            "search page": "/dataset/?q=bersalin",
            "search of the new column": "/dataset/?q=honorer",
            "search page facets": "/dataset/",
            "search as JSON": "/dataset.json",
            "sitemap": "/sitemap-dataset-1.xml",
            "RSS of releases": "/rilis.rss",
            "Atom of releases": "/rilis.atom",
            "Daftar Produk Diseminasi": "/daftar-produk/",
            "REST list": "/api/v1/datasets",
            "REST search": "/api/v1/datasets?q=honorer",
            "REST dataset": f"/api/v1/datasets/{new}",
            "REST versions": f"/api/v1/datasets/{old}/versions",
            "REST version": f"/api/v1/datasets/{old}/versions/2",
            "REST data": f"/api/v1/datasets/{old}/data",
            "CKAN package_list": "/api/3/action/package_list",
            "CKAN package_search": "/api/3/action/package_search?q=bersalin",
            "CKAN package_search facets": "/api/3/action/package_search"
            '?facet.field=["organization"]&rows=0',
            "REST facets": "/api/v1/datasets?facets=true&limit=1",
            "CKAN package_show": f"/api/3/action/package_show?id={new}",
            "CKAN package_show revision": f"/api/3/action/package_show?id={old}",
            "CKAN datastore_search": "/api/3/action/datastore_search?resource_id="
            + resource_id(self.old, "CSV"),
            "DCAT catalog": "/catalog.ttl",
            "DCAT dataset": f"/dataset/{new}.jsonld",
            "data.json": "/data.json",
            "Data Package": f"/dataset/{old}/datapackage.json",
            "dataset page": f"/dataset/{new}/",
            "revised dataset page": f"/dataset/{old}/",
            "version page": f"/dataset/{old}/v2/",
            "preview rows": f"/dataset/{old}/v2/baris.json",
            "chart": f"/dataset/{old}/v2/grafik.json?ukuran=Jumlah&menurut=Kecamatan",
            "file URL": f"/dataset/{old}/v2/data.csv",
            "latest file URL": f"/dataset/{old}/data.csv",
            "first release's file": f"/dataset/{new}/data.csv",
        }

    # Words only the embargoed content has (query words are echoed lower-case by search pages).
    SECRETS = ("Bersalin", "Honorer", "Sukoharjo", "Gadingrejo")

    def read_all(self, client: Client) -> dict[str, tuple[int, str]]:
        cache.clear()  # a kept page must not matter: run twice below without clearing
        seen = {}
        for name, url in self.channels().items():
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
            seen[name] = (response.status_code, body.decode("utf-8", "replace"))
        return seen

    def test_nothing_before_the_release_time_and_everything_at_it(self) -> None:
        client = Client()
        with time_machine.travel(self.at - timedelta(seconds=1), tick=False):
            client.get(f"/dataset/{self.old.slug}/")  # keeps the page of the public version
            before = self.read_all(client)
        for name, (status, body) in before.items():
            with self.subTest(channel=name, moment="before"):
                self.assertLess(status, 500)
                if name == "dataset page":  # it names its entry, as the public calendar does
                    body = body.replace(getattr(self.first.entry, "title", ""), "")
                leaked = [word for word in self.SECRETS if word in body]
                self.assertEqual(leaked, [], f"{name} shows {leaked} before the release")
        with time_machine.travel(self.at, tick=False):
            after = self.read_all(client)
        expected_after = {
            "search page": "Bersalin",
            "search of the new column": "Sekolah Dasar",
            "sitemap": self.new.slug,
            "RSS of releases": "Bersalin",
            "Atom of releases": "Bersalin",
            "Daftar Produk Diseminasi": "Bersalin",
            "REST list": "Bersalin",
            "REST search": "Sekolah Dasar",
            "REST dataset": "Bersalin",
            "REST version": "Honorer",
            "REST data": "Sukoharjo",
            "CKAN package_list": self.new.slug,
            "CKAN package_search": "Bersalin",
            "CKAN package_show": "Bersalin",
            "CKAN datastore_search": "Honorer",
            "DCAT catalog": "Bersalin",
            "DCAT dataset": "Bersalin",
            "data.json": "Bersalin",
            "Data Package": "Honorer",
            "dataset page": "Bersalin",
            "revised dataset page": "Honorer",
            "version page": "Honorer",
            "preview rows": "Sukoharjo",
            "file URL": "Sukoharjo",
            "latest file URL": "Sukoharjo",
            "first release's file": "Gadingrejo",
        }
        for name, text in expected_after.items():
            with self.subTest(channel=name, moment="at the release time"):
                status, body = after[name]
                self.assertEqual(status, 200, name)
                self.assertIn(text, body, f"{name} does not show the release at its time")
        # The home page's counts grew by the first release at that moment.
        self.assertIn(self.new.title, after["home page"][1])
        # Counts, facet counts included, grew by exactly the first release, at that moment.
        for moment, seen, expected in (("before", before, 1), ("at", after, 2)):
            with self.subTest(counts=moment):
                ckan = json.loads(seen["CKAN package_search facets"][1])["result"]
                self.assertEqual(ckan["count"], expected)
                facet = ckan["search_facets"]["organization"]["items"]
                self.assertEqual([f["count"] for f in facet], [expected])
                rest = json.loads(seen["REST facets"][1])
                self.assertEqual(rest["count"], expected)
                agencies = {f["value"]: f["count"] for f in rest["facets"]["organization"]}
                self.assertEqual(agencies, {"dinkes": expected})

    def test_the_pre_release_list_reads_before_and_every_read_is_logged(self) -> None:
        page = f"/dataset/{self.new.slug}/"
        official, other = Client(), Client()
        # Signed in at each moment: a session is short-lived (SESSION_COOKIE_AGE).
        with time_machine.travel(self.at - timedelta(hours=21), tick=False):
            official.force_login(self.official)
            self.assertEqual(official.get(page).status_code, 404)  # before the access starts
        with time_machine.travel(self.at - timedelta(hours=1), tick=False):
            official.force_login(self.official)
            other.force_login(self.p.other_producer)
            response = official.get(page)
            self.assertContains(response, "Diembargo sampai")
            self.assertEqual(official.get(f"/dataset/{self.new.slug}/data.csv").status_code, 200)
            self.assertEqual(official.get(f"/api/v1/datasets/{self.new.slug}").status_code, 200)
            show = f"/api/3/action/package_show?id={self.new.slug}"
            self.assertEqual(official.get(show).status_code, 200)
            # The grant is for that release alone, and for that person alone.
            self.assertEqual(official.get(f"/dataset/{self.old.slug}/v2/").status_code, 404)
            self.assertEqual(other.get(page).status_code, 404)
            self.assertEqual(Client().get(page).status_code, 404)
        paths = list(PreReleaseView.objects.values_list("path", flat=True))
        self.assertEqual(
            paths,
            [
                page,
                f"/dataset/{self.new.slug}/data.csv",
                f"/api/v1/datasets/{self.new.slug}",
                f"/api/3/action/package_show?id={self.new.slug}",
            ],
        )
        with time_machine.travel(self.at + timedelta(minutes=1), tick=False):
            official.force_login(self.official)
            self.assertEqual(official.get(page).status_code, 200)
            entry = self.first.entry
            assert entry is not None
            public = Client().get(f"/jadwal-rilis/{entry.uuid}/")
        self.assertEqual(PreReleaseView.objects.count(), 4)  # out for everyone: not logged
        # The list is published with the release.
        self.assertContains(public, "Sekretariat Daerah")
        self.assertContains(public, "Kepala Bagian Perekonomian")


class ProductEmbargoOnEveryChannelTests(PersonaTestCase):
    """The same embargo for a product version (SOP activity 2): its list, pages, files,
    search, feeds, sitemap, CKAN, DCAT and data.json show nothing of it before its release
    time and all of it at that time; a pre-release reader's reads are logged."""

    at: datetime
    product: Product
    version: ProductVersion
    official: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        cls.product, cls.version = released_product(
            actor=p.walidata,
            kepala_bidang=p.kepala_bidang,
            agency=p.agency,
            title="Tabel Imunisasi Campak",
            description="Cakupan imunisasi campak",
            at=cls.at,
        )
        cls.official = User.objects.create_user(
            "agus.setda", password="x" * 12, role=Role.PEJABAT, full_name="Agus Setda"
        )
        services.grant_access(
            actor=p.walidata,
            release=Release.objects.for_content(cls.version).get(),
            person=cls.official,
            organisation="Sekretariat Daerah",
            position="Kepala Bagian Perekonomian",
            justification="Bahan rapat pimpinan",
            access_from=cls.at - timedelta(hours=20),
        )

    def channels(self) -> dict[str, str]:
        slug = self.product.slug
        return {
            "product list": "/produk/",
            "product search": "/produk/?q=campak",
            "product tables": "/produk/?jenis=tabel",
            "product page": f"/produk/{slug}/",
            "version page": f"/produk/{slug}/v1/",
            "file": f"/produk/{slug}/v1/berkas/{slug}.csv",
            "sitemap": "/sitemap-produk.xml",
            "RSS of releases": "/rilis.rss",
            "Atom of releases": "/rilis.atom",
            "Daftar Produk Diseminasi": "/daftar-produk/",
            "CKAN package_list": "/api/3/action/package_list",
            "CKAN package_search": "/api/3/action/package_search?q=campak",
            "CKAN package_search by type": "/api/3/action/package_search?fq=type:tabel",
            "CKAN package_show": f"/api/3/action/package_show?id=produk-{slug}",
            "DCAT catalog": "/catalog.ttl",
            "data.json": "/data.json",
        }

    def read_all(self, client: Client) -> dict[str, tuple[int, str]]:
        cache.clear()
        seen = {}
        for name, url in self.channels().items():
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
            seen[name] = (response.status_code, body.decode("utf-8", "replace"))
        return seen

    def test_nothing_of_the_product_before_its_release_time_and_everything_at_it(self) -> None:
        client = Client()
        with time_machine.travel(self.at - timedelta(seconds=1), tick=False):
            before = self.read_all(client)
        for name, (status, body) in before.items():
            with self.subTest(channel=name, moment="before"):
                self.assertLess(status, 500)
                if name in ("product page", "version page"):  # the calendar entry's title
                    self.assertEqual(status, 404)
                    body = body.replace(self.version.release_title(), "")
                for word in ("Imunisasi", "Campak", "Pringsewu;12"):
                    self.assertNotIn(word, body, f"{name} shows {word} before the release")
        with time_machine.travel(self.at, tick=False):
            after = self.read_all(client)
        for name, (status, body) in after.items():
            with self.subTest(channel=name, moment="at the release time"):
                self.assertEqual(status, 200, name)
                expected = "Pringsewu;12" if name == "file" else self.product.slug
                if name in ("RSS of releases", "Atom of releases", "Daftar Produk Diseminasi"):
                    expected = "Tabel Imunisasi Campak"
                self.assertIn(expected, body, f"{name} does not show the product at its time")

    def test_the_pre_release_reader_reads_the_product_and_each_read_is_logged(self) -> None:
        slug = self.product.slug
        page, file = f"/produk/{slug}/", f"/produk/{slug}/v1/berkas/{slug}.csv"
        show = f"/api/3/action/package_show?id=produk-{slug}"
        official = Client()
        with time_machine.travel(self.at - timedelta(hours=21), tick=False):
            official.force_login(self.official)
            self.assertEqual(official.get(page).status_code, 404)  # before the access starts
        with time_machine.travel(self.at - timedelta(hours=1), tick=False):
            official.force_login(self.official)
            self.assertContains(official.get(page), "Diembargo sampai")
            self.assertEqual(official.get(file).status_code, 200)
            self.assertEqual(official.get(show).status_code, 200)
            self.assertEqual(Client().get(page).status_code, 404)
        reads = PreReleaseView.objects.order_by("pk")
        self.assertEqual([r.path for r in reads], [page, file, show])
        self.assertTrue(all(r.content == self.version for r in reads))
        self.assertTrue(all(r.access is not None for r in reads))
        with time_machine.travel(self.at + timedelta(minutes=1), tick=False):
            official.force_login(self.official)
            self.assertEqual(official.get(page).status_code, 200)
        self.assertEqual(PreReleaseView.objects.count(), 3)  # out for everyone: not logged
