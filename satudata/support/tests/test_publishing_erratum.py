"""A confirmed data correction becomes an erratum on its release and answers the ticket."""

from __future__ import annotations

from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.releases.models import Erratum
from satudata.support import publishing, services
from satudata.support.models import Category, State


class ErratumFromTicketTests(PersonaTestCase):
    def _ticket(self, category: str = Category.CORRECTION) -> services.Ticket:
        ticket, _token = services.create_ticket(
            actor=None,
            category=category,
            subject="Total salah",
            message="Total tidak sama dengan jumlah rincian.",
            requester_name="Rudi",
            requester_email="rudi@example.org",
        )
        return ticket

    def test_only_a_published_release_takes_an_erratum_and_the_ticket_stays_open_otherwise(
        self,
    ) -> None:
        from satudata.releases.models import Release

        ticket = self._ticket()
        self.client.force_login(self.p.walidata)
        url = reverse("support:erratum", args=[ticket.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        answer = self.client.post(url, {"note": "Total dikoreksi.", "confirmed": "on"})
        self.assertEqual(answer.status_code, 200)  # no release chosen: the form says so
        self.assertFalse(Erratum.objects.exists())
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.RECEIVED)
        self.assertFalse(Release.objects.published().exists())

    def test_a_published_release_gets_the_erratum_and_the_requester_the_answer(self) -> None:
        from satudata.catalog.testing import published_table
        from satudata.releases.models import Release

        dataset = published_table(self.p, "Jumlah Puskesmas", [["Pringsewu", 3]])
        release = Release.objects.for_content(dataset.versions.get()).get()
        ticket = self._ticket()
        self.client.force_login(self.p.walidata)
        refused = self.client.post(
            reverse("support:erratum", args=[ticket.pk]),
            {"release": release.pk, "note": "Total dikoreksi."},
        )
        self.assertEqual(refused.status_code, 200)
        self.assertIn("confirmed", refused.context["form"].errors)
        self.assertFalse(Erratum.objects.exists())
        with self.assertRaises(services.SupportError):
            publishing.erratum_from_ticket(
                actor=self.p.walidata,
                ticket=self._ticket(Category.FEEDBACK),
                release=release,
                note="x",
                significant=False,
            )
        done = self.client.post(
            reverse("support:erratum", args=[ticket.pk]),
            {"release": release.pk, "note": "Total dikoreksi.", "confirmed": "on"},
        )
        self.assertRedirects(
            done, reverse("support:ticket", args=[ticket.pk]), fetch_redirect_response=False
        )
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.ANSWERED)
        self.assertEqual(Erratum.objects.get().release, release)

    def test_roles_and_categories_are_checked(self) -> None:
        question = self._ticket(Category.CONSULTATION)
        self.client.force_login(self.p.walidata)
        self.assertEqual(
            self.client.get(reverse("support:erratum", args=[question.pk])).status_code, 404
        )
        self.client.force_login(self.p.producer)
        correction = self._ticket()
        self.assertEqual(
            self.client.get(reverse("support:erratum", args=[correction.pk])).status_code, 403
        )
