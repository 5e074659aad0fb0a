"""The promotion plan and record of a release: planning, changing, cancelling, marking done
with evidence and reach, the SOP activity-4 task finished when the plan is complete, and who
may read or write it."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from unittest import mock

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satudata.catalog.testing import table_dataset
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.promotion import plan
from satudata.promotion.models import ActionChannel, ActionStatus, PromotionAction, ReachKind
from satudata.releases.models import Release
from satudata.sop.models import SopTask, TaskStatus


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class PlanTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.dataset = table_dataset(
            actor=self.p.producer,
            agency=self.p.agency,
            name="Jumlah Posyandu",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 12]],
            publisher=self.p.kepala_bidang,
        )
        self.release = Release.objects.for_content(self.dataset.versions.get()).get()

    def task(self) -> SopTask:
        found = plan.task_of(self.release)
        assert found is not None
        return found

    def plan_url(self, name: str = "promotion:plan") -> str:
        return reverse(name, args=[self.release.uuid])

    def add(self, channel: str = ActionChannel.INSTAGRAM, title: str = "Unggahan IG") -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.post(
            self.plan_url("promotion:plan-add"),
            {"channel": channel, "title": title, "planned_on": "2026-01-05"},
        )
        self.assertEqual(response.status_code, 302)


class PlanCrudTests(PlanTestCase):
    def test_it_plans_an_action_with_a_short_unique_tag_and_an_audit_row(self) -> None:
        self.add()
        self.add()
        tags = list(PromotionAction.objects.order_by("pk").values_list("campaign", flat=True))
        self.assertEqual(tags, [f"ig-r{self.release.pk}-a1", f"ig-r{self.release.pk}-a2"])
        self.assertEqual(AuditEvent.objects.filter(action="promotion.action_planned").count(), 2)
        page = self.client.get(self.plan_url())
        # The tagged link to copy: the release's page carrying ?k=<tag>.
        self.assertContains(page, f"?k={tags[0]}")
        self.assertContains(page, f"/dataset/{self.dataset.slug}/")

    def test_the_usual_plan_adds_four_actions_on_the_release_day_and_only_once(self) -> None:
        self.client.force_login(self.p.walidata)
        self.client.post(self.plan_url("promotion:plan-default"))
        self.client.post(self.plan_url("promotion:plan-default"))
        actions = PromotionAction.objects.filter(release=self.release)
        self.assertEqual(
            sorted(actions.values_list("channel", flat=True)),
            sorted(["situs", "instagram", "whatsapp", "email"]),
        )
        assert self.release.release_at is not None
        day = timezone.localdate(self.release.release_at)
        self.assertEqual(set(actions.values_list("planned_on", flat=True)), {day})
        # The e-mail action shares the subscribers' e-mail tag, so its clicks are theirs.
        self.assertEqual(actions.get(channel="email").campaign, f"surel-{self.release.pk}")

    def test_it_changes_an_action_but_not_its_tag_and_cancels_it(self) -> None:
        self.add()
        action = PromotionAction.objects.get()
        url = reverse("promotion:action-edit", args=[action.campaign])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url, {"channel": "facebook", "title": "Unggahan FB", "planned_on": "2026-01-06"}
        )
        self.assertEqual(response.status_code, 302)
        action.refresh_from_db()
        self.assertEqual((action.channel, action.title), ("facebook", "Unggahan FB"))
        self.assertTrue(action.campaign.startswith("ig-"))  # links already out keep working
        changed = AuditEvent.objects.get(action="promotion.action_changed")
        self.assertEqual(changed.changes["title"], ["Unggahan IG", "Unggahan FB"])
        self.client.post(
            reverse("promotion:action-cancel", args=[action.campaign]), {"reason": "batal"}
        )
        action.refresh_from_db()
        self.assertEqual(action.status, ActionStatus.CANCELLED)
        again = self.client.post(
            url, {"channel": "facebook", "title": "Lagi", "planned_on": "2026-01-06"}
        )
        self.assertEqual(again.status_code, 400)
        action.refresh_from_db()
        self.assertEqual(action.title, "Unggahan FB")

    def test_a_bad_form_shows_the_page_again_with_its_errors(self) -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.post(
            self.plan_url("promotion:plan-add"), {"channel": "tiktok", "title": ""}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(PromotionAction.objects.exists())


class EvidenceTests(PlanTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.add()
        self.action = PromotionAction.objects.get()
        self.url = reverse("promotion:action-done", args=[self.action.campaign])

    def done(self, upload: SimpleUploadedFile | None = None, **data: object) -> object:
        fields: dict[str, object] = {"reach": "", "reach_kind": "", **data}
        if upload is not None:
            fields["evidence_file"] = upload
        return self.client.post(self.url, fields)

    def test_done_with_a_photo_and_reach_keeps_the_file_for_staff_only(self) -> None:
        response = self.done(
            SimpleUploadedFile("layar.png", png_bytes(), "image/png"),
            reach="1200",
            reach_kind=ReachKind.FOLLOWERS,
        )
        self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
        self.action.refresh_from_db()
        self.assertEqual(self.action.status, ActionStatus.DONE)
        self.assertEqual((self.action.reach, self.action.reach_kind), (1200, "pengikut"))
        self.assertIsNotNone(self.action.done_at)
        self.assertTrue(AuditEvent.objects.filter(action="promotion.action_done").exists())
        # Kept under its hash: no uploader's file name, no personal data in the path.
        self.assertNotIn("layar", self.action.evidence_file.name)
        evidence = reverse("promotion:action-evidence", args=[self.action.campaign])
        got = self.client.get(evidence)
        self.assertEqual(got.status_code, 200)
        self.assertEqual(got["Content-Type"], "image/png")
        self.assertEqual(b"".join(got.streaming_content), png_bytes())  # type: ignore[attr-defined]
        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.get(evidence).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(evidence).status_code, 302)
        self.assertEqual(
            self.client.get("/media/" + self.action.evidence_file.name).status_code, 404
        )

    def test_a_pdf_is_accepted_and_downloaded(self) -> None:
        response = self.done(SimpleUploadedFile("bukti.pdf", PDF, "application/pdf"))
        self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
        got = self.client.get(reverse("promotion:action-evidence", args=[self.action.campaign]))
        self.assertIn("attachment", got["Content-Disposition"])

    def test_a_text_file_named_like_an_image_is_refused_with_a_clear_message(self) -> None:
        for name, content in (
            ("foto.png", b"ini bukan gambar, hanya teks biasa\n"),
            ("foto.png", b"\x89PNG\r\n\x1a\nini teks di balik tanda PNG"),
            ("foto.jpg", b"<html><script>alert(1)</script></html>"),
            ("bukti.pdf", b"%PDF- lalu teks tanpa akhir berkas"),
        ):
            with self.subTest(name=name, content=content[:12]):
                response = self.done(SimpleUploadedFile(name, content, "image/png"))
                self.assertEqual(response.status_code, 400)  # type: ignore[attr-defined]
                with translation.override("id"):
                    message = _(
                        "This file is not a PNG, JPEG or WebP image or a PDF document (its "
                        "content was checked, not its name). Upload a screenshot, a photo or a "
                        "PDF."
                    )
                self.assertContains(response, message, status_code=400)  # type: ignore[arg-type]
                self.action.refresh_from_db()
                self.assertEqual(self.action.status, ActionStatus.PLANNED)
                self.assertFalse(self.action.evidence_file)

    def test_a_file_over_the_limit_is_refused(self) -> None:
        with mock.patch.object(plan, "EVIDENCE_MAX_BYTES", 100):
            response = self.done(SimpleUploadedFile("besar.png", png_bytes() + b"\x00" * 200))
        self.assertEqual(response.status_code, 400)  # type: ignore[attr-defined]
        self.action.refresh_from_db()
        self.assertEqual(self.action.status, ActionStatus.PLANNED)

    def test_done_needs_evidence_and_reach_needs_its_kind(self) -> None:
        self.assertEqual(self.done().status_code, 400)  # type: ignore[attr-defined]
        response = self.done(evidence_url="https://instagram.com/p/abc", reach="50")
        self.assertEqual(response.status_code, 400)  # type: ignore[attr-defined]
        self.action.refresh_from_db()
        self.assertEqual(self.action.status, ActionStatus.PLANNED)
        ok = self.done(
            evidence_url="https://instagram.com/p/abc", reach="50", reach_kind="tayangan"
        )
        self.assertEqual(ok.status_code, 302)  # type: ignore[attr-defined]


class SopTaskTests(PlanTestCase):
    def test_the_task_is_finished_when_every_action_not_cancelled_is_done(self) -> None:
        self.client.force_login(self.p.walidata)
        self.client.post(self.plan_url("promotion:plan-default"))
        actions = list(PromotionAction.objects.order_by("pk"))
        self.assertEqual(self.task().status, TaskStatus.OPEN)
        for action in actions[:3]:
            self.client.post(
                reverse("promotion:action-done", args=[action.campaign]),
                {"evidence_url": f"https://contoh.invalid/{action.campaign}"},
            )
        self.assertTrue(self.task().is_open)  # one still planned
        self.client.post(reverse("promotion:action-cancel", args=[actions[3].campaign]))
        task = self.task()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertIn("3 aksi", task.note)

    def test_the_staff_may_declare_the_plan_complete(self) -> None:
        self.add()
        self.client.post(self.plan_url("promotion:plan-complete"), {"note": "Cukup."})
        task = self.task()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertIn("Cukup.", task.note)

    def test_the_list_marks_an_overdue_task(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.client.get(reverse("promotion:plan-list"))
        self.assertContains(page, self.release.title)
        self.assertNotContains(page, 'class="is-overdue"')
        with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
            self.client.force_login(self.p.walidata)  # sessions expire meanwhile
            late = self.client.get(reverse("promotion:plan-list") + "?terlambat=on")
        self.assertContains(late, 'class="is-overdue"')
        self.assertContains(late, self.release.title)


class PlanAccessTests(PlanTestCase):
    def test_anonymous_visitors_are_sent_to_log_in(self) -> None:
        for url in (reverse("promotion:plan-list"), self.plan_url()):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_a_producer_reads_its_agency_plans_but_cannot_write(self) -> None:
        self.add()
        self.client.force_login(self.p.producer)
        page = self.client.get(self.plan_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, reverse("promotion:plan-add", args=[self.release.uuid]))
        response = self.client.post(
            self.plan_url("promotion:plan-add"),
            {"channel": "x", "title": "Cuitan", "planned_on": "2026-01-05"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(PromotionAction.objects.count(), 1)
        listing = self.client.get(reverse("promotion:plan-list"))
        self.assertContains(listing, self.release.title)
        self.assertNotContains(listing, self.p.other_agency.name)  # not among its filters

    def test_another_agency_and_outsiders_see_nothing(self) -> None:
        self.client.force_login(self.p.other_producer)
        self.assertEqual(self.client.get(self.plan_url()).status_code, 404)
        self.assertNotContains(self.client.get(reverse("promotion:plan-list")), self.release.title)
        self.client.force_login(self.p.pembina)
        self.assertEqual(self.client.get(reverse("promotion:plan-list")).status_code, 403)
        self.assertEqual(self.client.get(self.plan_url()).status_code, 403)

    def test_the_kepala_dinas_reads_but_does_not_write(self) -> None:
        self.client.force_login(self.p.kepala_dinas)
        self.assertEqual(self.client.get(self.plan_url()).status_code, 200)
        self.assertEqual(self.client.post(self.plan_url("promotion:plan-default")).status_code, 403)

    def test_the_plan_links_its_release_share_kit(self) -> None:
        self.client.force_login(self.p.walidata)
        page = self.client.get(self.plan_url())
        self.assertContains(page, reverse("promotion:share", args=[self.release.uuid]))


class TagTests(PlanTestCase):
    def test_tags_are_slugs_without_personal_data(self) -> None:
        for channel in ActionChannel.values:
            tag = plan.new_tag(self.release, channel)
            self.assertRegex(tag, r"^[a-z0-9-]{1,40}$")
            self.assertNotIn("rina", tag)
        self.assertTrue(re.match(r"^wa-r\d+-a1$", plan.new_tag(self.release, "whatsapp")))


class PlanListQueryTests(PlanTestCase):
    def test_the_list_reads_a_fixed_number_of_queries_whatever_the_releases(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.client.force_login(self.p.walidata)
        url = reverse("promotion:plan-list")
        self.client.get(url)  # warm the per-process caches (site profile, SOP steps)
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        for n in range(2):
            table_dataset(
                actor=self.p.producer,
                agency=self.p.agency,
                name=f"Jumlah Kader {n}",
                columns=[("Kecamatan", "text"), ("Jumlah", "int")],
                rows=[["Pringsewu", n]],
                publisher=self.p.kepala_bidang,
            )
        with CaptureQueriesContext(connection) as three:
            page = self.client.get(url)
        self.assertContains(page, "Jumlah Kader 1")
        self.assertEqual(len(three.captured_queries), len(one.captured_queries))

    def test_the_tagged_link_is_the_release_page_with_the_tag(self) -> None:
        action = plan.plan_action(
            actor=self.p.walidata,
            release=self.release,
            channel="x",
            title="Cuitan",
            planned_on=timezone.localdate(),
        )
        link = plan.tagged_url(action)
        self.assertTrue(link.endswith(f"/dataset/{self.dataset.slug}/v1/?k={action.campaign}"))
        self.assertTrue(link.startswith("http"))
