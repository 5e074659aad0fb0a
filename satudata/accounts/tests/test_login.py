from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from satudata.core.models import AuditEvent
from satudata.core.testing import PASSWORD, PersonaTestCase


class LoginTests(PersonaTestCase):
    url = reverse("accounts:login")

    def test_it_logs_a_user_in_and_out(self) -> None:
        response = self.client.post(self.url, {"username": "rina.walidata", "password": PASSWORD})
        self.assertRedirects(response, reverse("portal:home"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.p.walidata.pk)
        self.client.post(reverse("accounts:logout"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_explains_a_wrong_password_in_indonesian(self) -> None:
        response = self.client.post(self.url, {"username": "rina.walidata", "password": "keliru"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nama pengguna atau kata sandi salah")

    def test_it_locks_out_after_five_failures_even_with_the_right_password(self) -> None:
        for _ in range(5):
            self.client.post(self.url, {"username": "rina.walidata", "password": "keliru"})
        response = self.client.post(self.url, {"username": "rina.walidata", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "15 menit", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertTrue(AuditEvent.objects.filter(action="auth.locked_out").exists())

    def test_the_lock_out_is_per_address_so_a_colleague_elsewhere_can_still_log_in(self) -> None:
        for _ in range(5):
            self.client.post(
                self.url,
                {"username": "rina.walidata", "password": "keliru"},
                REMOTE_ADDR="10.9.9.9",
            )
        response = self.client.post(
            self.url, {"username": "rina.walidata", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
        )
        self.assertEqual(response.status_code, 302)

    def test_it_resets_a_password_by_e_mail(self) -> None:
        self.client.post(reverse("accounts:password_reset"), {"email": self.p.producer.email})
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"http://testserver(/lupa-sandi/\S+/)", str(mail.outbox[0].body))
        assert link is not None
        response = self.client.get(link.group(1), follow=True)
        new = "sandi-baru-untuk-budi-2026"
        response = self.client.post(
            response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
        )
        self.assertRedirects(response, reverse("accounts:password_reset_complete"))
        self.p.producer.refresh_from_db()
        self.assertTrue(self.p.producer.check_password(new))
        self.assertTrue(
            AuditEvent.objects.filter(
                action="accounts.password_reset", actor=self.p.producer
            ).exists()
        )

    def test_it_applies_the_password_validators(self) -> None:
        self.client.force_login(self.p.producer)
        response = self.client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        self.assertEqual(response.status_code, 200)
        self.p.producer.refresh_from_db()
        self.assertTrue(self.p.producer.check_password(PASSWORD))

    def test_its_session_cookie_is_http_only(self) -> None:
        self.client.post(self.url, {"username": "rina.walidata", "password": PASSWORD})
        self.assertTrue(self.client.cookies["sessionid"]["httponly"])
