"""The dataset gate reads the stored ``public_from`` instead of every dataset's versions; this
checks it always agrees with the version gate (a dataset is visible exactly when one of its
versions is), for every kind of viewer, before and after each publication time, and after an
item is closed or a later version published."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from satudata.catalog.demo import send_table
from satudata.catalog.models import Access, Dataset, DatasetVersion
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.releases.testing import release

COLUMNS = [("Kecamatan", "text"), ("Jumlah", "int")]


class GateTests(PersonaTestCase):
    def make(self, name: str, **kwargs) -> Dataset:
        return table_dataset(
            actor=self.p.walidata,
            agency=kwargs.pop("agency", self.p.agency),
            name=name,
            columns=COLUMNS,
            rows=[["Pringsewu", 3]],
            **kwargs,
        )

    def assert_gates_agree(self, moments) -> None:
        p = self.p
        viewers = [None, p.producer, p.other_producer, p.walidata, p.kepala_bidang, p.pembina]
        for at in moments:
            for viewer in viewers:
                with self.subTest(viewer=str(viewer), at=at):
                    versions = DatasetVersion.objects.visible_to(viewer, at)
                    expected = set(
                        Dataset.objects.filter(pk__in=versions.values("dataset")).values_list(
                            "slug", flat=True
                        )
                    )
                    found = set(
                        Dataset.objects.visible_to(viewer, at).values_list("slug", flat=True)
                    )
                    self.assertEqual(found, expected)

    def test_the_dataset_gate_agrees_with_the_version_gate(self) -> None:
        p = self.p
        now = timezone.now()
        soon = now + timedelta(days=7)
        later = now + timedelta(days=30)
        self.make("Terbit", publisher=p.kepala_bidang, published_at=now - timedelta(days=1))
        self.make("Dijadwalkan", publisher=p.kepala_bidang, published_at=soon)
        self.make("Belum Terbit")
        self.make("OPD Lain Belum Terbit", agency=p.other_agency)
        closed = self.make("Ditutup", publisher=p.kepala_bidang, published_at=now)
        # A first version scheduled later than a second version published now: the dataset is
        # public from the earlier of the two.
        twice = self.make("Dua Versi", publisher=p.kepala_bidang, published_at=later)
        send_table(p.walidata, twice, "Kecamatan;Jumlah\nPringsewu;4")
        release(twice.versions.get(number=2), kepala_bidang=p.kepala_bidang, at=soon)
        item = closed.item
        item.access = Access.RESTRICTED
        item.save()

        self.assertEqual(Dataset.objects.get(pk=twice.pk).public_from, soon)
        self.assertIsNone(Dataset.objects.get(pk=closed.pk).public_from)
        moments = [
            None,
            now - timedelta(days=2),
            soon - timedelta(seconds=1),
            soon,
            later + timedelta(seconds=1),
        ]
        self.assert_gates_agree(moments)
        public = set(Dataset.objects.visible_to(None, soon).values_list("item__name", flat=True))
        self.assertEqual(public, {"Terbit", "Dijadwalkan", "Dua Versi"})

        # Opening the item again brings the dataset back at its own publication time.
        item.access = Access.OPEN
        item.save()
        self.assertEqual(
            Dataset.objects.get(pk=closed.pk).public_from, closed.versions.get().published_at
        )
        self.assert_gates_agree(moments)
