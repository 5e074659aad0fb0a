from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from satudata.accounts.services import create_api_token, revoke_api_token
from satudata.core.testing import PersonaTestCase


class CkanTokenTests(PersonaTestCase):
    url = "/api/3/action/package_list"

    def test_a_revoked_or_unknown_token_is_refused_not_read_as_anonymous(self) -> None:
        revoked = create_api_token(actor=self.p.producer, name="a", scopes=["read"])
        revoke_api_token(actor=self.p.producer, token=revoked.token)
        for header in ("HTTP_AUTHORIZATION", "HTTP_X_CKAN_API_KEY"):
            for raw in (revoked.raw, "sdk_00000000_bukan-token"):
                extra: dict[str, Any] = {header: raw}
                response = self.client.get(self.url, **extra)
                self.assertEqual(response.status_code, 403)
                body = response.json()
                self.assertFalse(body["success"])
                self.assertEqual(body["error"]["__type"], "Authorization Error")

    def test_an_expired_token_is_refused(self) -> None:
        expiring = create_api_token(
            actor=self.p.producer,
            name="b",
            scopes=["read"],
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        self.assertEqual(
            self.client.get(self.url, HTTP_AUTHORIZATION=expiring.raw).status_code, 200
        )
        with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
            response = self.client.get(self.url, HTTP_AUTHORIZATION=expiring.raw)
        self.assertEqual(response.status_code, 403)

    def test_no_token_still_reads_as_anonymous(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 200)
