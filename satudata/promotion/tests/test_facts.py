"""What every channel tells of a release is computed from the released data, and scheduling a
release opens its promotion task."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from satudata.catalog.models import Dataset
from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.promotion.facts import absolute, facts_of, figure_text, number_text
from satudata.releases.testing import release
from satudata.sop.models import SopTask


class FactsTests(PersonaTestCase):
    def _dataset(
        self, name: str, columns: list[tuple[str, str]], rows: list[list[object]]
    ) -> Dataset:
        p = self.p
        return table_dataset(
            actor=p.producer,
            agency=p.agency,
            name=name,
            columns=columns,
            rows=rows,
            sector="KESEHATAN",
        )

    def test_it_sums_a_count_at_the_newest_period_with_its_change(self) -> None:
        dataset = self._dataset(
            "Jumlah Puskesmas",
            [("tahun", "year"), ("kecamatan", "text"), ("jumlah", "int")],
            [[2023, "A", 4], [2023, "B", 6], [2024, "A", 5], [2024, "B", 6]],
        )
        item = release(dataset.versions.get(), kepala_bidang=self.p.kepala_bidang)
        facts = facts_of(item)
        [figure] = facts.figures
        self.assertEqual((figure.value, figure.period, figure.previous), (11, "2024", 10))
        self.assertEqual(figure_text(figure, "id"), "Jumlah 2024: 11 (naik 10,0% dari 2023)")
        self.assertEqual(figure_text(figure, "en"), "Jumlah 2024: 11 (up 10.0% from 2023)")
        self.assertIn(("sektor", "KESEHATAN"), facts.topics)
        self.assertIn(("dataset", str(dataset.uuid)), facts.topics)
        self.assertIn(("instansi", self.p.agency.slug), facts.topics)

    def test_it_averages_a_rate_instead_of_adding_it_up(self) -> None:
        dataset = self._dataset(
            "Persentase Balita Gizi Baik",
            [("tahun", "year"), ("kecamatan", "text"), ("persentase", "dec")],
            [[2024, "A", 80.0], [2024, "B", 90.0]],
        )
        item = release(dataset.versions.get(), kepala_bidang=self.p.kepala_bidang)
        [figure] = facts_of(item).figures
        self.assertEqual(figure.value, 85.0)
        self.assertTrue(figure.label.startswith("Average") or figure.label.startswith("Rata"))

    def test_a_table_without_a_period_gets_no_figure_rather_than_an_invented_one(self) -> None:
        dataset = self._dataset(
            "Daftar Puskesmas",
            [("kecamatan", "text"), ("jumlah", "int")],
            [["A", 4], ["B", 6]],
        )
        item = release(dataset.versions.get(), kepala_bidang=self.p.kepala_bidang)
        self.assertEqual(facts_of(item).figures, [])

    def test_numbers_are_written_as_each_language_writes_them(self) -> None:
        self.assertEqual(number_text(444834.5, 1, "id"), "444.834,5")
        self.assertEqual(number_text(444834.5, 1, "en"), "444,834.5")
        self.assertEqual(number_text(None), "–")

    def test_campaign_links_carry_the_tag(self) -> None:
        self.assertTrue(absolute("/rilis-terbaru/", "ig-1").endswith("/rilis-terbaru/?k=ig-1"))
        self.assertTrue(absolute("/cari/?q=a", "x").endswith("/cari/?q=a&k=x"))


class PromotionTaskTests(PersonaTestCase):
    def test_scheduling_a_release_opens_its_promotion_task_due_after_the_release(self) -> None:
        p = self.p
        dataset = table_dataset(
            actor=p.producer,
            agency=p.agency,
            name="Jumlah Posyandu",
            columns=[("tahun", "year"), ("jumlah", "int")],
            rows=[[2024, 7]],
        )
        at = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
        item = release(dataset.versions.get(), kepala_bidang=p.kepala_bidang, at=at)
        task = SopTask.objects.open_for(item, "promosi").get()
        self.assertGreater(task.due_at, at)
        self.assertLess(task.due_at, at + dt.timedelta(days=7))
        self.assertEqual(task.step.number, 4)

    def test_a_release_out_at_once_opens_it_too_and_only_once(self) -> None:
        p = self.p
        dataset = table_dataset(
            actor=p.producer,
            agency=p.agency,
            name="Jumlah Pustu",
            columns=[("tahun", "year"), ("jumlah", "int")],
            rows=[[2024, 3]],
        )
        item = release(dataset.versions.get(), kepala_bidang=p.kepala_bidang)
        self.assertEqual(SopTask.objects.open_for(item, "promosi").count(), 1)
