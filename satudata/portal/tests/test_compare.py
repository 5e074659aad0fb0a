"""What changed between two versions of a table, through the gate."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from satudata.catalog.demo import send_table
from satudata.catalog.models import Variable
from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase
from satudata.releases.testing import release


class CompareTests(PersonaTestCase):
    def setUp(self) -> None:
        p = self.p
        self.dataset = published_table(
            p, "Jumlah Posyandu", [["Pringsewu", 10], ["Ambarawa", 4], ["Pagelaran", 7]]
        )
        Variable.objects.create(agency=p.agency, name="Kader", data_type="integer")
        send_table(
            p.walidata,
            self.dataset,
            "Kecamatan;Jumlah;Kader\nPringsewu;11;50\nAmbarawa;4;20\nSukoharjo;6;30",
        )
        self.url = f"/dataset/{self.dataset.slug}/banding.json"

    def test_rows_added_removed_and_cells_changed_by_key(self) -> None:
        release(self.dataset.versions.get(number=2), kepala_bidang=self.p.kepala_bidang)
        answer = self.client.get(self.url).json()
        self.assertEqual(answer["kunci"], ["kecamatan"])
        self.assertEqual((answer["dari_versi"], answer["ke_versi"]), (1, 2))
        self.assertEqual(answer["kolom_ditambah"], ["kader"])
        self.assertEqual((answer["baris_ditambah"], answer["baris_dihapus"]), (1, 1))
        self.assertEqual((answer["sel_berubah"], answer["baris_berubah"]), (1, 1))
        self.assertEqual(
            answer["contoh_sel_berubah"],
            [{"kunci": ["Pringsewu"], "kolom": "jumlah", "lama": 10, "baru": 11}],
        )
        page = self.client.get(f"/dataset/{self.dataset.slug}/banding/", {"dari": 1, "ke": 2})
        self.assertContains(page, "Sukoharjo")
        self.assertContains(page, "Pagelaran")

    def test_a_version_under_embargo_cannot_be_compared_by_the_public(self) -> None:
        release(
            self.dataset.versions.get(number=2),
            kepala_bidang=self.p.kepala_bidang,
            at=timezone.now() + timedelta(days=2),
        )
        self.assertEqual(self.client.get(self.url, {"dari": 1, "ke": 2}).status_code, 404)
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.client.get(self.url, {"dari": 1, "ke": 2}).status_code, 200)
        self.assertEqual(self.client.get(self.url, {"dari": "x"}).status_code, 400)
