"""A NUL or another control character in the ask form: the form comes back with the typed text
(without those characters) and an error beside the field, not the generic 400 page; nothing
is registered. Other paths keep the middleware's refusal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from satudata.core.testing import Personas
from satudata.support.models import Ticket
from satudata.support.tests.public_forms import ASK_URL, ask_data

REMOVED = "karakter kontrol tak terlihat"
SettingsWrapper = object


@pytest.fixture
def easy_pow(settings: SettingsWrapper) -> None:
    settings.SUPPORT_POW_BITS = 8  # type: ignore[attr-defined]


@pytest.mark.django_db
class TestControlCharacters:
    def test_a_nul_in_the_message_gives_the_form_back_with_the_text_kept(
        self, easy_pow: None, personas: Personas
    ) -> None:
        client = Client()
        typed = "Mohon data posyandu\x00 per desa tahun 2024,\r\nterima kasih."
        response = client.post(ASK_URL, ask_data(client, message=typed))
        assert response.status_code == 400
        page = response.content.decode()
        assert "Permintaan tidak dapat dipahami" not in page
        form = response.context["form"]
        assert REMOVED in " ".join(form.errors["message"])
        assert "Mohon data posyandu per desa tahun 2024,\r\nterima kasih." in page
        assert "\x00" not in page
        assert "Sulastri Wibowo" in page  # the other fields are kept too
        assert not Ticket.objects.exists()
        # Sent again as shown, the request is registered.
        again = client.post(ASK_URL, ask_data(client, message=form.data["message"]))
        assert again.status_code == 302
        assert Ticket.objects.get().message.startswith("Mohon data posyandu per desa")

    def test_other_control_characters_in_visible_and_hidden_fields(self, easy_pow: None) -> None:
        client = Client()
        data = ask_data(client, subject="Data\x1b[31m posyandu", requester_name="Sulastri\x07")
        data["search_query"] = "posyandu\x00"
        response = client.post(ASK_URL, data)
        assert response.status_code == 400
        form = response.context["form"]
        assert set(form.errors) == {"subject", "requester_name", "__all__"}
        assert form.data["subject"] == "Data[31m posyandu"
        assert form.data["requester_name"] == "Sulastri"
        assert not Ticket.objects.exists()

    def test_other_paths_still_refuse_a_nul(self, personas: Personas) -> None:
        client = Client()
        client.force_login(personas.walidata)
        refused = client.post(reverse("support:ticket_new"), {"subject": "a\x00b"})
        assert refused.status_code == 400
        assert "Permintaan tidak dapat dipahami" in refused.content.decode()
        assert client.get(ASK_URL, {"dataset": "a\x00b"}).status_code == 400
