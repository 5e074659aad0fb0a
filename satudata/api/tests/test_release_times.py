"""Harvesters see a release when it happens: the modification time every channel shows is the
release time of the newest version the viewer may see, never the time a release was scheduled,
and ``issued`` is the first release. An incremental harvest (CKAN ``package_search`` with
``fq=metadata_modified:[last TO *]``) run between scheduling and release finds the new version
on its next run after the release. Only the clock moves (time_machine)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django.utils import timezone
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from satudata.api.packages import ckan_time
from satudata.catalog.demo import send_table
from satudata.catalog.models import Dataset
from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase
from satudata.releases import services
from satudata.releases.models import Release
from satudata.releases.testing import release


def solr_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ReleaseTimesTests(PersonaTestCase):
    first_at: datetime
    scheduled_at: datetime
    at: datetime
    dataset: Dataset

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        now = timezone.now().replace(microsecond=0)
        cls.first_at = now - timedelta(days=30)
        with time_machine.travel(cls.first_at, tick=False):
            cls.dataset = published_table(p, "Jumlah Sekolah Dasar", [["Pringsewu", 30]])
        # Version 2 is sent and scheduled now, for release three days ahead.
        cls.scheduled_at = timezone.now()
        send_table(p.walidata, cls.dataset, "Kecamatan;Jumlah\nPringsewu;31\nSukoharjo;12")
        cls.at = now + timedelta(days=3)
        release(cls.dataset.versions.get(number=2), kepala_bidang=p.kepala_bidang, at=cls.at)

    def get(self, url: str, moment: datetime) -> bytes:
        with time_machine.travel(moment, tick=False):
            response = Client().get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content

    def harvest(self, since: datetime, moment: datetime) -> list[str]:
        """The names an incremental CKAN harvest run at ``moment`` gets, last run ``since``."""
        fq = f"metadata_modified:[{solr_time(since)} TO *]"
        body = self.get(f"/api/3/action/package_search?fq={fq}", moment)
        return [package["name"] for package in json.loads(body)["result"]["results"]]

    def shown(self, moment: datetime) -> dict[str, tuple[str | None, str | None]]:
        """(modified, issued) as each channel shows them at ``moment``."""
        slug = self.dataset.slug
        ckan = json.loads(self.get(f"/api/3/action/package_show?id={slug}", moment))["result"]
        pod = json.loads(self.get("/data.json", moment))["dataset"][0]
        rest = json.loads(self.get(f"/api/v1/datasets/{slug}", moment))
        graph = Graph().parse(data=self.get(f"/dataset/{slug}.ttl", moment), format="turtle")
        node = next(graph.subjects(RDF.type, DCAT.Dataset))
        modified, issued = graph.value(node, DCTERMS.modified), graph.value(node, DCTERMS.issued)
        return {
            "CKAN": (ckan["metadata_modified"], ""),
            "data.json": (
                ckan_time(datetime.fromisoformat(pod["modified"])),
                ckan_time(datetime.fromisoformat(pod["issued"])),
            ),
            "REST": (
                ckan_time(datetime.fromisoformat(rest["modified_at"].replace("Z", "+00:00"))),
                ckan_time(datetime.fromisoformat(rest["issued_at"].replace("Z", "+00:00"))),
            ),
            "DCAT": (
                ckan_time(modified.toPython()),  # type: ignore[union-attr]
                ckan_time(issued.toPython()),  # type: ignore[union-attr]
            ),
        }

    def test_an_incremental_harvest_between_scheduling_and_release_gets_the_release(
        self,
    ) -> None:
        last_run = self.scheduled_at + timedelta(hours=1)
        self.assertEqual(self.harvest(last_run, last_run + timedelta(minutes=5)), [])
        after = self.at + timedelta(minutes=1)
        self.assertEqual(self.harvest(last_run, after), [self.dataset.slug])

    def test_a_withdrawal_is_a_change_a_harvest_gets(self) -> None:
        scheduled = Release.objects.for_content(self.dataset.versions.get(number=2)).get()
        with time_machine.travel(self.at + timedelta(hours=2), tick=False):
            services.withdraw_release(
                actor=self.p.kepala_bidang, release=scheduled, reason="Angka Sukoharjo salah."
            )
        since = self.at + timedelta(hours=1)
        self.assertEqual(self.harvest(since, self.at + timedelta(hours=3)), [self.dataset.slug])

    def test_scheduling_shows_no_change_before_the_release(self) -> None:
        since = self.scheduled_at - timedelta(seconds=1)
        self.assertEqual(self.harvest(since, self.at - timedelta(minutes=1)), [])

    def test_every_channel_shows_the_newest_release_as_modified_and_the_first_as_issued(
        self,
    ) -> None:
        first, second = ckan_time(self.first_at), ckan_time(self.at)
        for moment, modified in (
            (self.at - timedelta(minutes=1), first),
            (self.at + timedelta(minutes=1), second),
        ):
            for channel, (shown_modified, shown_issued) in self.shown(moment).items():
                with self.subTest(channel=channel, moment=moment):
                    self.assertEqual(shown_modified, modified)
                    if channel != "CKAN":
                        self.assertEqual(shown_issued, first)
