from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from satudata.accounts.models import ApiToken, hash_token
from satudata.accounts.services import create_api_token, revoke_api_token
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase


class ApiTokenTests(PersonaTestCase):
    def test_it_shows_a_new_token_once_and_stores_only_its_hash(self) -> None:
        self.client.force_login(self.p.producer)
        response = self.client.post(
            reverse("accounts:token-create"),
            {"name": "Skrip unggah", "scopes": ["read", "write"], "expires_in": "90"},
        )
        raw = response.context["issued"].raw
        self.assertContains(response, raw)
        self.assertEqual(response["Cache-Control"], "no-store")
        token = ApiToken.objects.get(user=self.p.producer)
        self.assertEqual(token.key_hash, hash_token(raw))
        self.assertNotIn(raw, str(ApiToken.objects.values_list().get()))
        self.assertEqual(token.scopes, ["read", "write"])
        profile = self.client.get(reverse("accounts:profile"))
        self.assertNotContains(profile, raw)
        self.assertContains(profile, token.prefix)
        self.assertTrue(AuditEvent.objects.filter(action="accounts.token_created").exists())

    def test_a_token_identifies_its_owner_to_the_api(self) -> None:
        issued = create_api_token(actor=self.p.producer, name="t", scopes=["read"])
        response = self.client.get(reverse("api-v1:me"), HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["username"], "budi.dinkes")
        self.assertEqual(response.json()["agencies"], ["dinkes"])
        issued.token.refresh_from_db()
        self.assertIsNotNone(issued.token.last_used_at)

    def test_a_revoked_or_expired_or_wrong_token_is_refused(self) -> None:
        revoked = create_api_token(actor=self.p.producer, name="a", scopes=["read"])
        revoke_api_token(actor=self.p.producer, token=revoked.token)
        expiring = create_api_token(
            actor=self.p.producer,
            name="b",
            scopes=["read"],
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        url = reverse("api-v1:me")
        for raw in (revoked.raw, "sdk_00000000_bukan-token"):
            response = self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
            self.assertEqual(response.status_code, 401)
            self.assertIn("Authorization", response.json()["error"]["message"])
        with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
            response = self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {expiring.raw}")
        self.assertEqual(response.status_code, 401)

    def test_a_deactivated_user_s_token_stops_working(self) -> None:
        issued = create_api_token(actor=self.p.producer, name="a", scopes=["read"])
        self.p.producer.is_active = False
        self.p.producer.save()
        response = self.client.get(reverse("api-v1:me"), HTTP_AUTHORIZATION=issued.raw)
        self.assertEqual(response.status_code, 401)

    def test_nobody_revokes_someone_else_s_token(self) -> None:
        issued = create_api_token(actor=self.p.producer, name="a", scopes=["read"])
        self.client.force_login(self.p.other_producer)
        response = self.client.post(reverse("accounts:token-revoke", args=[issued.token.prefix]))
        self.assertEqual(response.status_code, 404)
        issued.token.refresh_from_db()
        self.assertIsNone(issued.token.revoked_at)

    def test_the_owner_revokes_a_token_from_the_profile(self) -> None:
        issued = create_api_token(actor=self.p.producer, name="a", scopes=["read"])
        self.client.force_login(self.p.producer)
        self.client.post(reverse("accounts:token-revoke", args=[issued.token.prefix]))
        issued.token.refresh_from_db()
        self.assertIsNotNone(issued.token.revoked_at)
        self.assertTrue(AuditEvent.objects.filter(action="accounts.token_revoked").exists())
