from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model
from django.db.utils import DatabaseError
from django.test import TestCase
from django.urls import reverse

from satudata.accounts.models import Agency
from satudata.core.audit import record
from satudata.core.models import AppendOnlyError, AuditEvent
from satudata.core.testing import PASSWORD, PersonaTestCase


class AuditLogTests(PersonaTestCase):
    def test_it_records_actor_object_and_address_of_the_request(self) -> None:
        self.client.force_login(self.p.admin)
        url = reverse("admin:accounts_agency_change", args=[self.p.agency.pk])
        data = {
            "name": "Dinas Kesehatan Kabupaten",
            "short_name": "Dinkes",
            "slug": "dinkes",
            "kind": "dinas",
            "is_active": "on",
        }
        response = self.client.post(url, data, REMOTE_ADDR="10.1.2.3")
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.filter(action="admin.changed").get()
        self.assertEqual(event.actor, self.p.admin)
        self.assertEqual(event.object_type, "accounts.agency")
        self.assertEqual(event.object_id, str(self.p.agency.pk))
        self.assertEqual(event.ip_address, "10.1.2.3")
        self.assertEqual(event.changes["name"], ["Dinas Kesehatan", "Dinas Kesehatan Kabupaten"])

    def test_it_refuses_to_change_or_delete_a_record_through_the_orm(self) -> None:
        event = record("test.happened", actor=None, summary="x")
        event.summary = "changed"
        with self.assertRaises(AppendOnlyError):
            event.save()
        with self.assertRaises(AppendOnlyError):
            event.delete()
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(summary="changed")
        with self.assertRaises(AppendOnlyError):
            AuditEvent.objects.all().delete()

    def test_it_refuses_an_update_beneath_the_orm(self) -> None:
        event = record("test.happened", actor=None, summary="original")
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE core_auditevent SET summary = 'forged' WHERE id = %s", [event.pk])
        event.refresh_from_db()
        self.assertEqual(event.summary, "original")

    def test_it_keeps_users_who_acted_from_being_deleted(self) -> None:
        record("test.happened", actor=self.p.walidata)
        self.client.force_login(self.p.admin)
        url = reverse("admin:accounts_user_delete", args=[self.p.walidata.pk])
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_it_records_deletes_in_the_administration_site(self) -> None:
        agency = Agency.objects.create(
            name="Kantor Uji", short_name="KU", slug="ku", kind="lainnya"
        )
        self.client.force_login(self.p.admin)
        url = reverse("admin:accounts_agency_delete", args=[agency.pk])
        self.client.post(url, {"post": "yes"})
        event = AuditEvent.objects.get(action="admin.deleted")
        self.assertEqual(event.object_repr, "Kantor Uji")
        self.assertIn("name", event.changes)


class AuditViewTests(PersonaTestCase):
    def test_it_lists_and_filters_events_for_the_kepala_bidang(self) -> None:
        record("sop.task_opened", actor=self.p.walidata, summary="Tugas A dibuka")
        record("auth.login", actor=self.p.producer, summary="Masuk")
        self.client.force_login(self.p.kepala_bidang)
        response = self.client.get(reverse("core:audit"), {"aksi": "sop.task_opened"})
        self.assertContains(response, "Tugas A dibuka")
        self.assertNotContains(response, "Masuk</td>")
        response = self.client.get(reverse("core:audit"), {"pelaku": "budi"})
        self.assertContains(response, "Masuk")
        self.assertNotContains(response, "Tugas A dibuka")

    def test_it_is_closed_to_walidata_staff_and_the_refusal_is_recorded(self) -> None:
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.client.get(reverse("core:audit")).status_code, 403)
        denial = AuditEvent.objects.get(action="auth.permission_denied")
        self.assertEqual(denial.actor, self.p.walidata)
        self.assertIn("/audit/", denial.summary)


class LoginAuditTests(PersonaTestCase):
    def test_it_records_log_in_failed_log_in_and_log_out(self) -> None:
        url = reverse("accounts:login")
        self.client.post(url, {"username": "rina.walidata", "password": "salah-sandi"})
        self.client.post(url, {"username": "rina.walidata", "password": PASSWORD})
        self.client.post(reverse("accounts:logout"))
        events = AuditEvent.objects.filter(action__startswith="auth.").order_by("id")
        actions = list(events.values_list("action", flat=True))
        self.assertEqual(actions, ["auth.login_failed", "auth.login", "auth.logout"])
        failed = AuditEvent.objects.get(action="auth.login_failed")
        self.assertEqual(failed.actor_label, "rina.walidata")
        self.assertIsNone(failed.actor)
        self.assertEqual(failed.ip_address, "127.0.0.1")


class ClientAddressTests(TestCase):
    def test_it_trusts_forwarded_addresses_only_as_far_as_configured_proxies(self) -> None:
        from django.test import RequestFactory, override_settings

        from satudata.core.middleware import client_ip

        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
        )
        with override_settings(TRUSTED_PROXIES=[]):
            self.assertEqual(client_ip(request), "10.0.0.1")
        with override_settings(TRUSTED_PROXIES=["10.0.0.1"]):
            self.assertEqual(client_ip(request), "203.0.113.9")


class AuditViewOverEveryModelTests(PersonaTestCase):
    """The audit page shows the changes of events on every model of the project, whatever the
    names of their fields (MS-Keg's ``items`` once made the page answer 500)."""

    @staticmethod
    def project_models() -> list[type[Model]]:
        return [
            model
            for config in apps.get_app_configs()
            if config.name.startswith("satudata.")
            for model in config.get_models()
        ]

    def test_it_renders_events_of_every_model_whatever_their_field_names(self) -> None:
        models = self.project_models()
        self.assertGreater(len(models), 20)
        for model in models:
            names = [field.name for field in model._meta.get_fields()]
            # a [before, after] pair for one field, any other shape for the next, as services
            # write them ({"items": [3, 5, 8]}, {"note": "..."}, {"codes": [[..], ..]}).
            changes: dict[str, list[Any]] = {
                name: [f"lama-{name}", f"baru-{name}"] if i % 2 else [f"{name}-1", 2, None]
                for i, name in enumerate(names)
            }
            record(
                f"test.{model._meta.label_lower}",
                actor=self.p.walidata,
                summary=f"uji {model._meta.label_lower}",
                changes={**changes, "items": [3, 5, 8], "keys": "catatan", "values": {"a": 1}},
            )
        self.client.force_login(self.p.kepala_bidang)
        seen = ""
        for number in range(1, len(models) // 50 + 2):
            response = self.client.get(reverse("core:audit"), {"halaman": number})
            self.assertEqual(response.status_code, 200)
            seen += response.content.decode()
        for model in models:
            with self.subTest(model=model._meta.label_lower):
                self.assertIn(f"uji {model._meta.label_lower}</td>", seen)
        self.assertIn("<dt>items</dt><dd>3, 5, 8</dd>", seen)
        self.assertIn("<dt>keys</dt><dd>catatan</dd>", seen)

    def test_it_shows_a_real_ms_keg_change_with_its_linked_items(self) -> None:
        from satudata.catalog.metadata import services

        services.save_activity(
            actor=self.p.walidata,
            agency=self.p.agency,
            answers={"judul_kegiatan": "Survei Bidan", "tahun": 2025},
            items=[],
        )
        self.client.force_login(self.p.kepala_bidang)
        response = self.client.get(reverse("core:audit"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<dt>items</dt><dd>—</dd>", html=False)
        self.assertContains(response, "<dt>title</dt><dd>— → Survei Bidan</dd>", html=False)
