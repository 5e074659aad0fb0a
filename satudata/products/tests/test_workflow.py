from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from satudata.core.testing import PersonaTestCase
from satudata.products.models import ProductVersion
from satudata.products.services import STEP
from satudata.products.testing import generated_version, product
from satudata.releases import services
from satudata.releases.daftar_produk import product_rows
from satudata.releases.models import Release, ReleaseState
from satudata.sop.models import SopTask, TaskStatus


class ProductReleaseWorkflowTests(PersonaTestCase):
    def test_a_product_version_goes_from_draft_to_published_and_its_task_closes_on_submit(
        self,
    ) -> None:
        p = self.p
        item = product(actor=p.walidata, agency=p.agency, title="Jumlah Bidan Desa")
        task = SopTask.objects.open_for(item, STEP).get()
        version = generated_version(p.walidata, item)
        release = Release.objects.for_content(version).get()
        self.assertEqual(release.state, ReleaseState.DRAFT)
        self.assertEqual(release.title, "Jumlah Bidan Desa (versi 1)")
        self.assertEqual(SopTask.objects.open_for(item, STEP).count(), 1)

        release = services.submit_release(actor=p.walidata, release=release)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        release = services.approve_release(actor=p.kepala_bidang, release=release)
        self.assertEqual(release.state, ReleaseState.APPROVED)

        at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
        entry = services.plan_entry(
            actor=p.walidata,
            title=release.title,
            agency=release.agency,
            planned_at=at,
            precision="bulan",
            product_type="tabel",
        )
        Release.objects.filter(pk=release.pk).update(entry=entry)
        local = timezone.localtime(at)
        entry = services.confirm_entry(
            actor=p.kepala_bidang, entry=entry, day=local.date(), time=local.time(), reason="uji"
        )
        release = services.schedule_release(actor=p.walidata, release=release, entry=entry)
        self.assertEqual(release.state, ReleaseState.SCHEDULED)
        version.refresh_from_db()
        self.assertEqual(version.published_at, at)
        self.assertFalse(ProductVersion.objects.visible_to(None).filter(pk=version.pk).exists())
        with time_machine.travel(at, tick=False):
            self.assertTrue(ProductVersion.objects.visible_to(None).filter(pk=version.pk).exists())
            rows = product_rows(None, at - timedelta(days=1), at + timedelta(days=1))
            self.assertEqual([(r.title, r.product_type) for r in rows], [(release.title, "Tabel")])
            self.assertEqual(rows[0].formats, ["csv", "html"])
            self.assertEqual(rows[0].url, "/produk/jumlah-bidan-desa/v1/")

    def test_only_the_first_submission_finishes_the_task(self) -> None:
        p = self.p
        item = product(actor=p.walidata, agency=p.agency, title="Jumlah Posyandu")
        version = generated_version(p.walidata, item)
        release = Release.objects.for_content(version).get()
        services.submit_release(actor=p.walidata, release=release)
        task = SopTask.objects.for_subject(item).get()
        finished = task.completed_at
        release = services.return_release(actor=p.kepala_bidang, release=release, comment="Judul")
        services.submit_release(actor=p.walidata, release=release)
        task.refresh_from_db()
        self.assertEqual(task.completed_at, finished)
