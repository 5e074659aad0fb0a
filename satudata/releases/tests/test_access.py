"""The access module (``satudata.releases.access``): every channel that serves a version before
its release logs the read once, naming the version served; staff who see unpublished content
without working on its release are logged like a pre-release reader; the APIs reach the module
without going through a view module."""

from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from satudata.accounts.models import User
from satudata.accounts.roles import Role
from satudata.api.packages import resource_id
from satudata.catalog.demo import send_table
from satudata.catalog.models import Dataset, DatasetVersion, Variable
from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase
from satudata.releases import services
from satudata.releases.models import PreReleaseAccess, PreReleaseView, Release
from satudata.releases.testing import release


class RevisionUnderEmbargo(PersonaTestCase):
    """Version 1 of a dataset is public; version 2 is scheduled three days ahead, and an
    official of the Sekretariat Daerah is on its pre-release access list."""

    at: datetime
    dataset: Dataset
    revision: DatasetVersion
    official: User
    grant: PreReleaseAccess

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        cls.dataset = published_table(p, "Jumlah Sekolah Dasar", [["Pringsewu", 30]])
        Variable.objects.create(agency=p.agency, name="Guru Honorer", data_type="integer")
        send_table(
            p.walidata,
            cls.dataset,
            "Kecamatan;Jumlah;Guru Honorer\nPringsewu;31;77\nSukoharjo;12;40",
        )
        cls.revision = cls.dataset.versions.get(number=2)
        scheduled = release(cls.revision, kepala_bidang=p.kepala_bidang, at=cls.at)
        cls.official = User.objects.create_user(
            "agus.setda", password="x" * 12, role=Role.PEJABAT, full_name="Agus Setda"
        )
        cls.grant = services.grant_access(
            actor=p.walidata,
            release=scheduled,
            person=cls.official,
            organisation="Sekretariat Daerah",
            position="Kepala Bagian Perekonomian",
            justification="Bahan rapat pimpinan",
            access_from=cls.at - timedelta(hours=20),
        )

    def read(self, user: User, url: str) -> tuple[int, list[PreReleaseView]]:
        """Read ``url`` as ``user`` an hour before the release: the status and the log rows the
        read added."""
        client = Client()
        before = set(PreReleaseView.objects.values_list("pk", flat=True))
        with time_machine.travel(self.at - timedelta(hours=1), tick=False):
            client.force_login(user)
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
        added = list(PreReleaseView.objects.exclude(pk__in=before))
        return response.status_code, added


class PreReleaseReadOnEveryChannelTests(RevisionUnderEmbargo):
    def serving(self) -> dict[str, str]:
        """Channels that serve version 2 (its data or its description) to the reader."""
        slug = self.dataset.slug
        resource = resource_id(self.dataset, "CSV")
        return {
            "dataset page": f"/dataset/{slug}/",
            "version page": f"/dataset/{slug}/v2/",
            "preview rows": f"/dataset/{slug}/v2/baris.json",
            "chart": f"/dataset/{slug}/v2/grafik.json?ukuran=jumlah&menurut=kecamatan",
            "file": f"/dataset/{slug}/v2/data.csv",
            "latest file": f"/dataset/{slug}/data.csv",
            "page as JSON": f"/dataset/{slug}.json",
            "comparison": f"/dataset/{slug}/banding/?dari=1&ke=2",
            "Data Package": f"/dataset/{slug}/datapackage.json",
            "DCAT dataset": f"/dataset/{slug}.jsonld",
            "DCAT catalogue": "/catalog.ttl",
            "data.json": "/data.json",
            "REST list": "/api/v1/datasets",
            "REST dataset": f"/api/v1/datasets/{slug}",
            "REST versions": f"/api/v1/datasets/{slug}/versions",
            "REST version": f"/api/v1/datasets/{slug}/versions/2",
            "REST data": f"/api/v1/datasets/{slug}/data",
            "REST resource": f"/api/v1/resources/{resource}",
            "CKAN package_show": f"/api/3/action/package_show?id={slug}",
            "CKAN package_search": "/api/3/action/package_search?q=sekolah",
            "CKAN current_package_list_with_resources": (
                "/api/3/action/current_package_list_with_resources"
            ),
            "CKAN organization_show": (
                "/api/3/action/organization_show?id=dinkes&include_datasets=true"
            ),
            "CKAN resource_show": f"/api/3/action/resource_show?id={resource}",
            "CKAN datastore_search": f"/api/3/action/datastore_search?resource_id={resource}",
        }

    def not_serving(self) -> dict[str, str]:
        """Channels that name the dataset but serve no version's content (or only what is out
        for everyone): nothing to log."""
        return {
            "home page": "/",
            "search page": "/dataset/?q=sekolah",
            "sitemap": "/sitemap-dataset-1.xml",
            "RSS of releases": "/rilis.rss",
            "CKAN package_list": "/api/3/action/package_list",
        }

    def test_it_logs_one_read_per_channel_naming_the_version_served(self) -> None:
        kind = ContentType.objects.get_for_model(DatasetVersion)
        for name, url in self.serving().items():
            with self.subTest(channel=name):
                status, added = self.read(self.official, url)
                self.assertEqual(status, 200, name)
                self.assertEqual(len(added), 1, f"{name} logged {len(added)} reads")
                read = added[0]
                self.assertEqual((read.content_type, read.object_id), (kind, self.revision.pk))
                self.assertEqual((read.user, read.access), (self.official, self.grant))
                self.assertEqual(read.path, url)
        for name, url in self.not_serving().items():
            with self.subTest(channel=name):
                status, added = self.read(self.official, url)
                self.assertEqual(status, 200, name)
                self.assertEqual(added, [], f"{name} serves no unreleased version")
        self.assertEqual(self.grant.views.count(), len(self.serving()))

    def test_ckan_package_show_and_rest_serve_the_revision_with_its_log_row(self) -> None:
        # The two reads that served version 2 with no row before the access module.
        status, added = self.read(
            self.official, f"/api/3/action/package_show?id={self.dataset.slug}"
        )
        self.assertEqual((status, [r.object_id for r in added]), (200, [self.revision.pk]))
        status, added = self.read(self.official, f"/api/v1/datasets/{self.dataset.slug}")
        self.assertEqual((status, [r.object_id for r in added]), (200, [self.revision.pk]))

    def test_nothing_is_logged_once_the_version_is_out(self) -> None:
        client = Client()
        with time_machine.travel(self.at + timedelta(minutes=1), tick=False):
            client.force_login(self.official)
            response = client.get(f"/api/3/action/package_show?id={self.dataset.slug}")
        self.assertEqual(response.json()["result"]["version"], "2")
        self.assertFalse(PreReleaseView.objects.exists())


class StaffReadsOfEmbargoedDataTests(RevisionUnderEmbargo):
    def test_the_kepala_dinas_and_the_administrator_are_logged_without_a_grant(self) -> None:
        for person in (self.p.kepala_dinas, self.p.admin):
            for url in (
                f"/dataset/{self.dataset.slug}/v2/data.csv",
                f"/api/3/action/package_show?id={self.dataset.slug}",
            ):
                with self.subTest(person=person.username, url=url):
                    status, added = self.read(person, url)
                    self.assertEqual(status, 200)
                    self.assertEqual(
                        [(r.user, r.access, r.object_id) for r in added],
                        [(person, None, self.revision.pk)],
                    )

    def test_the_public_version_s_page_logs_the_revision_it_lists(self) -> None:
        # /v1/ lists every version the reader may see, v2 with its rows, file and time.
        status, added = self.read(self.p.kepala_dinas, f"/dataset/{self.dataset.slug}/v1/")
        self.assertEqual(status, 200)
        self.assertEqual([r.object_id for r in added], [self.revision.pk])

    def test_the_revision_s_upload_report_is_a_logged_read(self) -> None:
        for suffix in ("", "?format=xlsx"):
            with self.subTest(suffix=suffix):
                url = reverse("catalog:upload-report", args=[self.revision.upload_id]) + suffix
                status, added = self.read(self.p.kepala_dinas, url)
                self.assertEqual(status, 200)
                self.assertEqual(
                    [(r.user, r.object_id) for r in added],
                    [(self.p.kepala_dinas, self.revision.pk)],
                )

    def test_the_release_page_lists_the_reads_without_a_grant(self) -> None:
        url = f"/dataset/{self.dataset.slug}/v2/data.csv"
        self.read(self.p.kepala_dinas, url)
        scheduled = Release.objects.for_content(self.revision).get()
        with time_machine.travel(self.at - timedelta(minutes=30), tick=False):
            self.client.force_login(self.p.walidata)
            page = self.client.get(reverse("releases:release", args=[scheduled.uuid]))
        self.assertContains(page, str(self.p.kepala_dinas))
        self.assertContains(page, url)

    def test_those_who_prepare_the_release_and_its_producer_are_not_logged(self) -> None:
        for person in (self.p.walidata, self.p.kepala_bidang, self.p.producer):
            with self.subTest(person=person.username):
                status, added = self.read(person, f"/dataset/{self.dataset.slug}/v2/data.csv")
                self.assertEqual((status, added), (200, []))

    def test_anyone_else_still_gets_404(self) -> None:
        for person in (self.p.other_producer, self.p.pembina):
            with self.subTest(person=person.username):
                status, added = self.read(person, f"/dataset/{self.dataset.slug}/v2/")
                self.assertEqual((status, added), (404, []))


class ImportsTests(PersonaTestCase):
    def test_it_keeps_the_apis_off_the_view_modules(self) -> None:
        api = Path(__file__).resolve().parents[2] / "api"
        for module in sorted(api.glob("*.py")):
            tree = ast.parse(module.read_text())
            imported = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    imported.add(node.module or "")
                    imported.update(f"{node.module}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.Import):
                    imported.update(alias.name for alias in node.names)
            with self.subTest(module=module.name):
                views = sorted(name for name in imported if name.endswith(".views"))
                self.assertEqual(views, [])


class ProductVersionReadsTests(PersonaTestCase):
    """Product versions (SOP activity 2) go through the same access module: a read of one not
    yet out is logged under the product version's own content type, beside dataset reads."""

    def test_a_read_of_a_product_version_is_logged_under_its_own_content_type(self) -> None:
        from django.test import RequestFactory

        from satudata.products.models import ProductVersion
        from satudata.products.testing import generated_version, product
        from satudata.releases import access

        item = product(actor=self.p.walidata, agency=self.p.agency, title="Tabel Gizi Balita")
        version = generated_version(self.p.walidata, item)
        request = RequestFactory().get("/produk/tabel-gizi-balita/")
        admin = self.p.admin
        self.assertEqual(access.note_reads(request, admin, [version]), 1)
        self.assertEqual(access.note_reads(request, admin, [version]), 0)  # once a request
        read = PreReleaseView.objects.get()
        self.assertEqual(read.content_type, ContentType.objects.get_for_model(ProductVersion))
        self.assertEqual((read.object_id, read.user), (version.pk, admin))
        # Their own agency's producer and the Walidata are not pre-release readers.
        self.assertFalse(access.must_log(self.p.producer, version))
        self.assertFalse(access.must_log(self.p.walidata, version))
        self.assertTrue(access.must_log(self.p.kepala_dinas, version))
