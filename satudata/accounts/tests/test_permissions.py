from __future__ import annotations

from django.test import SimpleTestCase

from satudata.accounts.models import User
from satudata.accounts.permissions import acts_for_agency, can
from satudata.accounts.roles import GRANTS, Capability, Role
from satudata.core.testing import PersonaTestCase


class GrantTableTests(SimpleTestCase):
    def test_every_capability_has_a_row(self) -> None:
        self.assertEqual(set(GRANTS), set(Capability))

    def test_only_the_administrator_revises_the_sop(self) -> None:
        self.assertEqual(GRANTS[Capability.REVISE_SOP], {Role.ADMINISTRATOR})


class PermissionTests(PersonaTestCase):
    def test_nobody_anonymous_or_inactive_holds_a_capability(self) -> None:
        self.assertFalse(can(None, Capability.USE_API_TOKENS))
        inactive = User(username="x", role=Role.ADMINISTRATOR, is_active=False)
        self.assertFalse(can(inactive, Capability.ADMINISTER))

    def test_a_producer_acts_only_for_its_own_agency(self) -> None:
        self.assertTrue(acts_for_agency(self.p.producer, self.p.agency))
        self.assertFalse(acts_for_agency(self.p.producer, self.p.other_agency))
        self.assertTrue(acts_for_agency(self.p.walidata, self.p.other_agency))
        self.assertFalse(acts_for_agency(self.p.pembina, self.p.agency))

    def test_superusers_are_administrators_and_only_they_reach_the_admin_site(self) -> None:
        self.assertEqual(self.p.admin.role, Role.ADMINISTRATOR)
        self.assertTrue(self.p.admin.is_staff)
        self.assertFalse(self.p.kepala_bidang.is_staff)


class AdminPasswordTests(PersonaTestCase):
    def test_an_administrator_setting_a_password_is_recorded(self) -> None:
        from django.urls import reverse

        from satudata.core.models import AuditEvent

        self.client.force_login(self.p.admin)
        url = reverse("admin:auth_user_password_change", args=[self.p.producer.pk])
        new = "sandi-dari-admin-2026"
        response = self.client.post(url, {"password1": new, "password2": new})
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.get(action="accounts.password_changed")
        self.assertEqual((event.actor, event.object_id), (self.p.admin, str(self.p.producer.pk)))
