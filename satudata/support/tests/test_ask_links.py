"""A published dataset's page and a released product's page link to the ask form ("Tanya tentang
data ini"), for anyone; the link opens the form already about that dataset or product, and a
question sent from it is filed against it."""

from __future__ import annotations

import html
import re

from django.test import Client, override_settings

from satudata.catalog.testing import published_table
from satudata.core.testing import PersonaTestCase
from satudata.products.testing import released_product
from satudata.support.models import Ticket
from satudata.support.tests.public_forms import ask_data

LINK = re.compile(r'<a href="(/bantuan/tanya/\?[^"]+)">Tanya tentang data ini</a>')


def ask_link(page: str) -> str:
    found = LINK.search(page)
    assert found is not None, "no link to the ask form"
    return html.unescape(found.group(1))


@override_settings(SUPPORT_POW_BITS=8)
class AskLinkTests(PersonaTestCase):
    def test_a_dataset_page_links_to_a_form_about_it(self) -> None:
        dataset = published_table(self.p, "Jumlah Puskesmas", [["Pringsewu", 3], ["Pagelaran", 2]])
        visitor = Client()
        page = visitor.get(f"/dataset/{dataset.slug}/")
        self.assertEqual(page.status_code, 200)
        link = ask_link(page.content.decode())
        self.assertEqual(link, f"/bantuan/tanya/?dataset={dataset.slug}")
        form = visitor.get(link)
        self.assertContains(form, f"Tentang data: {dataset.title}")
        self.assertEqual(form.context["form"].initial["dataset"], str(dataset.uuid))
        sent = visitor.post(
            "/bantuan/tanya/",
            ask_data(
                visitor, subject=form.context["form"].initial["subject"], dataset=str(dataset.uuid)
            ),
        )
        self.assertEqual(sent.status_code, 302)
        self.assertEqual(Ticket.objects.get().dataset, dataset)

    def test_a_product_page_links_to_a_form_about_it(self) -> None:
        item, _version = released_product(
            actor=self.p.walidata,
            kepala_bidang=self.p.kepala_bidang,
            agency=self.p.agency,
            title="Jumlah Tenaga Kesehatan",
        )
        visitor = Client()
        page = visitor.get(f"/produk/{item.slug}/")
        self.assertEqual(page.status_code, 200)
        link = ask_link(page.content.decode())
        self.assertEqual(link, f"/bantuan/tanya/?product={item.slug}")
        form = visitor.get(link)
        self.assertContains(form, "Jumlah Tenaga Kesehatan")
        self.assertEqual(form.context["form"].initial["product"], item.slug)
        sent = visitor.post(
            "/bantuan/tanya/",
            ask_data(visitor, subject="Tentang tenaga kesehatan", product=item.slug),
        )
        self.assertEqual(sent.status_code, 302)
        self.assertEqual(Ticket.objects.get().product, item)
