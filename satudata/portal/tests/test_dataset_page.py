"""The dataset page links only to what the viewer may open, an embargoed dataset's address names
its release calendar entry (and nothing more), and a visitor sees its views and downloads."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from satudata.catalog.demo import send_table
from satudata.catalog.models import Access, DataItem, DataListStatus, ReviewStatus, Variable
from satudata.catalog.testing import COUNTS, published_table, table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.releases.dates import at_release_time
from satudata.releases.models import Release, ReleaseEntry
from satudata.releases.testing import release
from satudata.reports import counts, usage
from satudata.reports.models import DatasetUsage, UsageEvent


def _variable_url(variable: Variable) -> str:
    return reverse("catalog:metadata-detail", args=["variabel", variable.pk])


@override_settings(PAGE_CACHE_SECONDS=0)
class MetadataLinkTests(PersonaTestCase):
    def test_a_visitor_gets_links_only_to_approved_variables(self) -> None:
        dataset = published_table(self.p, "Jumlah Puskesmas", [["Pringsewu", 2]])
        approved = Variable.objects.get(agency=self.p.agency, name="Kecamatan")
        approved.review_status = ReviewStatus.APPROVED
        approved.definition = "Wilayah kecamatan (definisi disetujui)."
        approved.save()
        draft = Variable.objects.get(agency=self.p.agency, name="Jumlah")
        draft.definition = "Definisi draf yang belum diperiksa BPS."
        draft.save()
        url = reverse("portal:dataset", args=[dataset.slug])

        page = self.client.get(url).content.decode()
        self.assertIn(_variable_url(approved), page)
        self.assertIn("definisi disetujui", page)
        self.assertNotIn(_variable_url(draft), page)  # it would answer 404
        self.assertNotIn("Definisi draf", page)
        self.assertEqual(self.client.get(_variable_url(draft)).status_code, 404)

        self.client.force_login(self.p.walidata)  # who may open the draft gets its link
        self.assertContains(self.client.get(url), _variable_url(draft))

    def test_a_daftar_data_not_yet_approved_is_not_linked(self) -> None:
        dataset = published_table(self.p, "Jumlah Puskesmas", [["Pringsewu", 2]])
        dataset.item.data_list.status = DataListStatus.DRAFT
        dataset.item.data_list.save()
        page = self.client.get(reverse("portal:dataset", args=[dataset.slug]))
        year = dataset.item.data_list.year
        self.assertNotContains(page, reverse("catalog:datalist-detail", args=[year]))


@override_settings(PAGE_CACHE_SECONDS=0)
class EmbargoNoticeTests(PersonaTestCase):
    def setUp(self) -> None:
        self.at = at_release_time(timezone.localdate() + timedelta(days=3))
        self.dataset = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Rumah Sakit Bersalin",
            columns=COUNTS,
            rows=[["Gadingrejo", 7]],
            publisher=self.p.kepala_bidang,
            published_at=self.at,
            description="Uraian rahasia sebelum rilis.",
        )
        entry = Release.objects.for_content(self.dataset.versions.get()).get().entry
        assert entry is not None
        self.entry = entry
        self.url = reverse("portal:dataset", args=[self.dataset.slug])

    def test_it_names_the_calendar_entry_and_its_release_time_and_nothing_else(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 404)
        page = response.content.decode()
        self.assertIn(reverse("releases:entry", args=[self.entry.uuid]), page)
        self.assertIn(self.entry.title, page)
        local = timezone.localtime(self.at)
        self.assertIn(f"Dirilis {local.day} ", page)
        self.assertIn(f"{local.year} pukul 10.00 WIB", page)
        for secret in ("Uraian rahasia", "Gadingrejo", "Kecamatan", "data.csv"):
            self.assertNotIn(secret, page)

    @override_settings(RELEASE_TIME="09:30")
    def test_the_time_is_the_entry_s_own(self) -> None:
        self.assertNotContains(self.client.get(self.url), "09.30", status_code=404)
        self.assertContains(self.client.get(self.url), "10.00 WIB", status_code=404)

    def test_at_the_release_time_the_address_serves_the_data(self) -> None:
        with time_machine.travel(self.at, tick=False):
            response = self.client.get(self.url)
        self.assertContains(response, "Uraian rahasia sebelum rilis.")
        self.assertContains(response, "data.csv")

    def test_an_entry_the_public_calendar_hides_is_not_named(self) -> None:
        ReleaseEntry.objects.filter(pk=self.entry.pk).update(item=self.dataset.item)
        self.assertContains(self.client.get(self.url), str(self.entry.uuid), status_code=404)
        DataItem.objects.filter(pk=self.dataset.item_id).update(access=Access.RESTRICTED)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, str(self.entry.uuid), status_code=404)

    def test_an_entry_without_item_does_not_name_a_closed_item_s_dataset(self) -> None:
        ReleaseEntry.objects.filter(pk=self.entry.pk).update(item=None)
        DataItem.objects.filter(pk=self.dataset.item_id).update(access=Access.RESTRICTED)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, str(self.entry.uuid), status_code=404)
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_a_dataset_never_scheduled_is_a_plain_404(self) -> None:
        other = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Bidan",
            columns=COUNTS,
            rows=[["Pringsewu", 1]],
        )
        response = self.client.get(reverse("portal:dataset", args=[other.slug]))
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "belum dirilis", status_code=404)

    def test_a_scheduled_revision_s_address_names_its_entry(self) -> None:
        old = published_table(self.p, "Jumlah Sekolah Dasar", [["Pringsewu", 30]])
        send_table(self.p.walidata, old, "Kecamatan;Jumlah\nPringsewu;31477")
        revision = release(
            old.versions.get(number=2), kepala_bidang=self.p.kepala_bidang, at=self.at
        )
        assert revision.entry is not None
        response = self.client.get(reverse("portal:dataset-version", args=[old.slug, 2]))
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Versi 2", status_code=404)
        self.assertContains(response, str(revision.entry.uuid), status_code=404)
        for written in ("31477", "31.477"):  # the new value, as stored or as shown
            self.assertNotContains(response, written, status_code=404)
        # The public version's page is as it was.
        public = self.client.get(reverse("portal:dataset", args=[old.slug]))
        self.assertEqual(public.status_code, 200)


@override_settings(PAGE_CACHE_SECONDS=0, USAGE_FLUSH_SECONDS=0)
class UsageCountTests(PersonaTestCase):
    def setUp(self) -> None:
        self.dataset = published_table(self.p, "Jumlah Puskesmas", [["Pringsewu", 2]])
        usage.buffer.flush()
        UsageEvent.objects.all().delete()
        DatasetUsage.objects.all().delete()

    def test_a_visitor_sees_the_views_and_downloads_of_the_table(self) -> None:
        url = reverse("portal:dataset", args=[self.dataset.slug])
        self.client.get(url)
        self.client.get(url)
        self.client.get(reverse("portal:download", args=[self.dataset.slug, "csv"]))
        self.client.get(f"/api/v1/datasets/{self.dataset.uuid}/export?format=json")
        self.client.get(reverse("portal:download", args=["no-such-table", "csv"]))  # a 404
        page = self.client.get(url).content.decode()
        self.assertIn("2 kali dilihat", page)  # this view is counted after it is served
        self.assertIn("2 kali diunduh", page)  # by name and by identifier alike
        self.assertFalse(DatasetUsage.objects.filter(dataset="no-such-table").exists())

    def test_reads_by_signed_in_staff_are_not_public_use(self) -> None:
        url = reverse("portal:dataset", args=[self.dataset.slug])
        self.client.force_login(self.p.walidata)
        self.client.get(url)
        self.client.get(reverse("portal:download", args=[self.dataset.slug, "csv"]))
        usage.buffer.flush()
        self.assertEqual(counts.of(self.dataset.slug), (0, 0))
        self.assertTrue(UsageEvent.objects.filter(signed_in=True).exists())  # still recorded
        counts.recount()
        self.assertEqual(counts.of(self.dataset.slug), (0, 0))

    def test_the_running_totals_agree_with_a_recount_from_the_events(self) -> None:
        url = reverse("portal:dataset", args=[self.dataset.slug])
        for _ in range(3):
            self.client.get(url)
        self.client.get(reverse("portal:download", args=[self.dataset.slug, "xlsx"]))
        kept = counts.of(self.dataset.slug)
        self.assertEqual(kept, (3, 1))
        counts.recount()
        self.assertEqual(counts.of(self.dataset.slug), kept)
