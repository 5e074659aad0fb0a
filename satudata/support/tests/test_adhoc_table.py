"""A data request answered with a table is published for everyone as an ad hoc table, through
the release workflow, with nothing of the requester."""

from __future__ import annotations

from django.urls import reverse

from satudata.core.models import OutgoingMail
from satudata.core.testing import PersonaTestCase
from satudata.products.models import Product, ProductVersion
from satudata.products.testing import generated_version, product
from satudata.releases.models import Release, ReleaseState
from satudata.releases.services import approve_release, publish_now
from satudata.support import publishing, services
from satudata.support.models import AdhocTable, Category, MessageKind, State, Ticket

REQUESTER = "Sekar Pemohonadhoc"
EMAIL = "sekar.adhoc@example.org"


class AdhocTableTests(PersonaTestCase):
    def _ticket(self, category: str = Category.DATA_REQUEST) -> Ticket:
        ticket, _token = services.create_ticket(
            actor=None,
            category=category,
            subject="Jumlah puskesmas per kecamatan",
            message="Mohon tabel jumlah puskesmas per kecamatan.",
            requester_name=REQUESTER,
            requester_email=EMAIL,
        )
        return ticket

    def _table(self, title: str = "Puskesmas menurut Kecamatan") -> tuple[Product, ProductVersion]:
        table = product(actor=self.p.walidata, agency=self.p.agency, title=title)
        return table, generated_version(self.p.walidata, table)

    def test_the_walidata_submits_it_the_kepala_bidang_releases_it_and_the_public_sees_it(
        self,
    ) -> None:
        ticket = self._ticket()
        table, version = self._table()
        self.client.force_login(self.p.walidata)
        url = reverse("support:adhoc_table", args=[ticket.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        done = self.client.post(url, {"product": table.pk, "note": "Semoga membantu."})
        self.assertRedirects(done, reverse("support:ticket", args=[ticket.pk]))

        adhoc = AdhocTable.objects.get(ticket=ticket)
        self.assertEqual((adhoc.product, adhoc.version), (table, version))
        release = Release.objects.for_content(version).get()
        self.assertEqual(adhoc.release, release)
        self.assertEqual(release.state, ReleaseState.SUBMITTED)
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.ANSWERED)
        self.assertEqual(ticket.product, table)
        answer = ticket.messages.filter(kind=MessageKind.REPLY).get()
        address = reverse("products:detail", args=[table.slug])
        self.assertIn(address, answer.body)
        self.assertIn("Semoga membantu.", answer.body)
        [attached] = answer.attachments.all()  # the table itself, at once
        self.assertEqual((attached.filename, attached.mimetype), (f"{table.slug}.csv", "text/csv"))
        mail = OutgoingMail.objects.filter(to=[EMAIL]).order_by("-pk").first()
        assert mail is not None
        self.assertIn(address, mail.body)
        # The staff page shows where it went; a second submission is refused.
        self.assertContains(self.client.get(url), table.title)
        self.assertEqual(self.client.post(url, {"product": table.pk}).status_code, 200)
        with self.assertRaises(services.SupportError):
            publishing.adhoc_table_from_ticket(actor=self.p.walidata, ticket=ticket, product=table)
        self.assertEqual(AdhocTable.objects.filter(ticket=ticket).count(), 1)

        self.client.logout()
        self.assertEqual(self.client.get(address).status_code, 404)  # not yet released
        self.assertNotContains(self.client.get(reverse("support:adhoc_list")), table.title)

        release = approve_release(actor=self.p.kepala_bidang, release=release)
        publish_now(actor=self.p.kepala_bidang, release=release, reason="Tabel ad hoc.")
        page = self.client.get(address)
        self.assertContains(page, reverse("support:adhoc_list"))
        listing = self.client.get(reverse("support:adhoc_list"))
        self.assertContains(listing, table.title)
        for response in (page, listing):
            for private in (REQUESTER, EMAIL, ticket.number):
                self.assertNotContains(response, private)

    def test_a_closed_request_is_told_without_reopening(self) -> None:
        ticket = self._ticket()
        services.answer(actor=self.p.walidata, ticket=ticket, body="Terlampir tabelnya.")
        services.close(actor=self.p.walidata, ticket=ticket)
        table, _version = self._table()
        before = OutgoingMail.objects.filter(to=[EMAIL]).count()
        publishing.adhoc_table_from_ticket(actor=self.p.walidata, ticket=ticket, product=table)
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.CLOSED)
        self.assertEqual(ticket.messages.filter(kind=MessageKind.REPLY).count(), 2)
        self.assertEqual(OutgoingMail.objects.filter(to=[EMAIL]).count(), before + 1)

    def test_what_is_refused_is_said_and_nothing_is_made(self) -> None:
        consultation = self._ticket(Category.CONSULTATION)
        self.client.force_login(self.p.walidata)
        self.assertEqual(
            self.client.get(reverse("support:adhoc_table", args=[consultation.pk])).status_code,
            404,
        )
        table, _version = self._table()
        with self.assertRaises(services.SupportError):
            publishing.adhoc_table_from_ticket(
                actor=self.p.walidata, ticket=consultation, product=table
            )
        ticket = self._ticket()
        url = reverse("support:adhoc_table", args=[ticket.pk])
        ungenerated = product(actor=self.p.walidata, agency=self.p.agency, title="Belum dibuat")
        refused = self.client.post(url, {"product": ungenerated.pk})
        self.assertEqual(refused.status_code, 400)
        self.assertIn("product", refused.context["form"].errors)
        with self.assertRaises(services.SupportError) as error:
            publishing.adhoc_table_from_ticket(
                actor=self.p.walidata, ticket=ticket, product=ungenerated
            )
        self.assertEqual(error.exception.field, "product")
        # A version whose release the Kepala Bidang returned is settled on its release page.
        returned, returned_version = self._table("Dikembalikan")
        release = Release.objects.for_content(returned_version).get()
        Release.objects.filter(pk=release.pk).update(state=ReleaseState.RETURNED)
        with self.assertRaises(services.SupportError):
            publishing.adhoc_table_from_ticket(
                actor=self.p.walidata, ticket=ticket, product=returned
            )
        self.assertEqual(self.client.post(url, {"product": "x<script>"}).status_code, 400)
        self.assertEqual(self.client.post(url, {}).status_code, 400)
        self.assertFalse(AdhocTable.objects.exists())
        ticket.refresh_from_db()
        self.assertEqual(ticket.state, State.RECEIVED)

        self.client.force_login(self.p.producer)
        self.assertEqual(self.client.post(url, {"product": table.pk}).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.assertFalse(AdhocTable.objects.exists())
