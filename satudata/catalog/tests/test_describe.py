"""The producers' form for what the portal says about a dataset: who may use it, what it
refuses (in Indonesian, at the field), and a change saved meanwhile by someone else is never
overwritten unseen."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from satudata.catalog.models import Dataset, Topic
from satudata.catalog.services import describe_dataset
from satudata.catalog.testing import published_table
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase


class DescribeFormTests(PersonaTestCase):
    dataset: Dataset
    health: Topic

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dataset = published_table(cls.p, "Jumlah Posyandu", [["Pringsewu", 40]])
        cls.health = Topic.objects.create(slug="kesehatan", name="Kesehatan")

    def setUp(self) -> None:
        self.url = reverse("catalog:dataset-describe", args=[self.dataset.slug])

    def opened(self) -> dict[str, Any]:
        """The form's fields as the browser would send them back unchanged."""
        form = self.client.get(self.url).context["form"]
        return {
            name: form[name].value() if name != "topics" else [t.pk for t in form[name].value()]
            for name in form.fields
        }

    def test_the_producer_describes_its_dataset_and_the_portal_shows_it(self) -> None:
        self.client.force_login(self.p.producer)
        sent = self.opened()
        self.assertEqual(sent["title"], self.dataset.title)
        sent.update(
            title="Jumlah Posyandu Aktif menurut Kecamatan",
            description="Posyandu yang melapor setiap bulan (data contoh).",
            sector="KESEHATAN",
            tags="Posyandu,  balita , posyandu",
            topics=[self.health.pk],
        )
        answer = self.client.post(self.url, sent)
        page = reverse("portal:dataset", args=[self.dataset.slug])
        self.assertRedirects(answer, page, fetch_redirect_response=False)
        dataset = Dataset.objects.get(pk=self.dataset.pk)
        self.assertEqual(dataset.title, "Jumlah Posyandu Aktif menurut Kecamatan")
        self.assertEqual(sorted(t.name for t in dataset.tags.all()), ["balita", "posyandu"])
        self.assertEqual(list(dataset.topics.all()), [self.health])
        event = AuditEvent.objects.filter(action="catalog.dataset_described").latest("pk")
        self.assertEqual(event.actor, self.p.producer)
        shown = self.client.get(page)
        self.assertContains(shown, "Posyandu yang melapor setiap bulan")
        self.assertContains(shown, "Perubahan keterangan dataset tersimpan.")
        self.assertContains(shown, self.url)  # the way back to the form

    def test_bad_input_is_named_at_its_field_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.p.producer)
        sent = self.opened()
        for change, field, words in [
            ({"title": "Ab"}, "title", "paling sedikit 3"),
            ({"tags": "x" * 61}, "tags", "paling banyak 60 karakter"),
            ({"tags": ",".join(f"t{i}" for i in range(31))}, "tags", "Paling banyak 30"),
            ({"sector": "BUKAN_SEKTOR"}, "sector", "Masukkan pilihan yang valid"),
            ({"license_id": "proprietary"}, "license_id", "Masukkan pilihan yang valid"),
            ({"seen": "kemarin"}, "seen", "Buka formulir ini lagi"),
        ]:
            with self.subTest(field=field):
                answer = self.client.post(self.url, {**sent, **change})
                self.assertEqual(answer.status_code, 400)
                errors = " ".join(answer.context["form"].errors[field])
                self.assertIn(words, errors)
        self.assertEqual(Dataset.objects.get(pk=self.dataset.pk).title, self.dataset.title)

    def test_a_change_saved_meanwhile_is_shown_not_overwritten(self) -> None:
        self.client.force_login(self.p.producer)
        sent = {**self.opened(), "title": "Judul dari produsen"}
        describe_dataset(  # the Walidata saves first
            actor=self.p.walidata,
            dataset=self.dataset,
            title="Judul dari Walidata",
            description="",
            sector="",
            license_id=self.dataset.license_id,
            tags=[],
            topics=[],
        )
        answer = self.client.post(self.url, sent)
        self.assertEqual(answer.status_code, 400)
        self.assertContains(answer, "menyimpan perubahan", status_code=400)
        self.assertContains(answer, "Judul dari produsen", status_code=400)  # text kept
        self.assertEqual(Dataset.objects.get(pk=self.dataset.pk).title, "Judul dari Walidata")
        # Saving again from the form as shown is a deliberate choice, and succeeds.
        again = answer.context["form"]["seen"].value()
        self.assertRedirects(
            self.client.post(self.url, {**sent, "seen": again}),
            reverse("portal:dataset", args=[self.dataset.slug]),
        )
        self.assertEqual(Dataset.objects.get(pk=self.dataset.pk).title, "Judul dari produsen")

    def test_only_those_acting_for_the_agency_may_describe(self) -> None:
        self.client.force_login(self.p.other_producer)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        page = self.client.get(reverse("portal:dataset", args=[self.dataset.slug]))
        self.assertNotContains(page, self.url)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
        missing = reverse("catalog:dataset-describe", args=["tidak-ada"])
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.client.get(missing).status_code, 404)
