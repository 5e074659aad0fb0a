from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from satudata.core.testing import PersonaTestCase
from satudata.products.models import ChapterProduct, Product, ProductVersion, PublicationChapter
from satudata.products.services import create_product
from satudata.sop.models import SopTask


class PublicationEditorTests(PersonaTestCase):
    publication: Product
    table: Product

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.publication = create_product(
            actor=cls.p.walidata,
            kind="publikasi",
            title="Statistik Sektoral Dinas Kesehatan",
            agency=cls.p.walidata_agency,
        )
        cls.table = create_product(
            actor=cls.p.walidata,
            kind="tabel",
            title="Puskesmas menurut Kecamatan",
            agency=cls.p.walidata_agency,
        )

    def url(self, name: str, *args: object) -> str:
        return reverse(f"publications:{name}", args=[self.publication.slug, *args])

    def chapter(self, title: str) -> PublicationChapter:
        return PublicationChapter.objects.create(
            product=self.publication,
            title=title,
            position=PublicationChapter.objects.filter(product=self.publication).count() + 1,
        )

    def test_only_staff_who_compose_products_may_open_the_editor(self) -> None:
        edit = self.url("edit")
        self.assertEqual(self.client.get(edit).status_code, 302)  # to log-in
        for person, status in (
            (self.p.producer, 403),
            (self.p.kepala_dinas, 403),
            (self.p.walidata, 200),
            (self.p.kepala_bidang, 200),
            (self.p.admin, 200),
        ):
            self.client.force_login(person)
            self.assertEqual(self.client.get(edit).status_code, status, person.username)

    def test_a_new_publication_opens_the_activity_2_task(self) -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.post(
            reverse("publications:new"),
            {"title": "Kabupaten Pringsewu Dalam Angka 2026", "agency": self.p.walidata_agency.pk},
        )
        product = Product.objects.get(title="Kabupaten Pringsewu Dalam Angka 2026")
        self.assertRedirects(response, reverse("publications:edit", args=[product.slug]))
        self.assertEqual(product.kind, "publikasi")
        self.assertTrue(SopTask.objects.filter(title__contains=product.title).exists())

    def test_the_title_page_is_saved_in_the_definition(self) -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.post(
            self.url("edit"),
            {
                "title": "Statistik Sektoral Dinkes 2026",
                "issn": "2087-1234",
                "catalogue_number": "1102001.1810",
                "paper": "b5",
                "foreword": "Puji syukur.",
                "signatory": "Sri Kadis",
                "english": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.publication.refresh_from_db()
        self.assertEqual(self.publication.title, "Statistik Sektoral Dinkes 2026")
        page = self.publication.spec["title_page"]
        self.assertEqual((page["issn"], page["paper"], page["english"]), ("2087-1234", "b5", True))

    def test_a_bad_paper_size_is_a_field_error_not_a_500(self) -> None:
        self.client.force_login(self.p.walidata)
        response = self.client.post(self.url("edit"), {"title": "X", "paper": "a0"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="error"', status_code=400)

    def test_chapters_are_added_moved_and_removed_in_order(self) -> None:
        self.client.force_login(self.p.walidata)
        for title in ("Geografi", "Penduduk", "Kesehatan"):
            self.client.post(self.url("chapter-add"), {"title": title})
        chapters = list(self.publication.chapters.all())
        self.assertEqual([c.title for c in chapters], ["Geografi", "Penduduk", "Kesehatan"])
        self.client.post(self.url("chapter-move", chapters[2].pk), {"step": "up"})
        self.client.post(self.url("chapter-remove", chapters[0].pk))
        titles = list(self.publication.chapters.values_list("title", flat=True))
        self.assertEqual(titles, ["Kesehatan", "Penduduk"])

    def test_the_preview_shows_safe_text_and_what_was_dropped_without_saving(self) -> None:
        chapter = self.chapter("Penduduk")
        self.client.force_login(self.p.walidata)
        response = self.client.post(
            self.url("chapter", chapter.pk),
            {
                "title": "Penduduk",
                "text": "**Naik** 2%.\n\n<script>alert(1)</script>\n\n![x](https://contoh.invalid/a.png)",
                "preview": "1",
            },
        )
        self.assertContains(response, "<strong>Naik</strong>")
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, '<img src="https://contoh.invalid')
        self.assertContains(response, "https://contoh.invalid/a.png")  # named in the warning
        chapter.refresh_from_db()
        self.assertEqual(chapter.text, "")  # a preview saves nothing

    def test_a_chapter_is_saved(self) -> None:
        chapter = self.chapter("Penduduk")
        self.client.force_login(self.p.walidata)
        self.client.post(
            self.url("chapter", chapter.pk),
            {"title": "Kependudukan", "title_en": "Population", "text": "Teks.", "save": "1"},
        )
        chapter.refresh_from_db()
        self.assertEqual(
            (chapter.title, chapter.title_en, chapter.text), ("Kependudukan", "Population", "Teks.")
        )

    def test_tables_and_charts_are_bound_in_order_and_nothing_else(self) -> None:
        chapter = self.chapter("Kesehatan")
        chart = create_product(
            actor=self.p.walidata,
            kind="grafik",
            title="Grafik Puskesmas",
            agency=self.p.walidata_agency,
            source=self.table,
        )
        self.client.force_login(self.p.walidata)
        self.client.post(self.url("binding-add", chapter.pk), {"bound": self.table.pk})
        self.client.post(
            self.url("binding-add", chapter.pk), {"bound": chart.pk, "caption": "Sebaran"}
        )
        self.client.post(self.url("binding-add", chapter.pk), {"bound": self.publication.pk})
        bound = list(chapter.bindings.values_list("bound__title", "caption"))
        self.assertEqual(
            bound, [("Puskesmas menurut Kecamatan", ""), ("Grafik Puskesmas", "Sebaran")]
        )
        second = chapter.bindings.get(bound=chart)
        self.client.post(self.url("binding-move", chapter.pk, second.pk), {"step": "up"})
        self.assertEqual(chapter.bindings.get(position=1).bound, chart)
        self.client.post(self.url("binding-remove", chapter.pk, second.pk))
        self.assertEqual(
            list(ChapterProduct.objects.values_list("bound", flat=True)), [self.table.pk]
        )

    def test_another_publications_chapter_is_not_found(self) -> None:
        other = create_product(
            actor=self.p.walidata, kind="publikasi", title="Lain", agency=self.p.walidata_agency
        )
        chapter = PublicationChapter.objects.create(product=other, title="Bab lain")
        self.client.force_login(self.p.walidata)
        self.assertEqual(self.client.get(self.url("chapter", chapter.pk)).status_code, 404)
        self.assertEqual(self.client.post(self.url("chapter-remove", chapter.pk)).status_code, 404)
        self.assertTrue(PublicationChapter.objects.filter(pk=chapter.pk).exists())


class PublicationPartTests(PersonaTestCase):
    def test_the_product_page_part_lists_chapters_with_numbered_tables(self) -> None:
        product = create_product(
            actor=self.p.walidata,
            kind="publikasi",
            title="Dalam Angka",
            agency=self.p.walidata_agency,
        )
        item = {"kind": "tabel", "caption": "Luas wilayah", "datasets": [], "table": {}}
        version = ProductVersion.objects.create(
            product=product,
            number=1,
            spec={
                "chapters": [
                    {"title": "Geografi", "text": "![x](http://a.invalid/b.png)", "items": [item]}
                ]
            },
        )
        html = render_to_string(
            "products/parts/publikasi.html",
            {"product": product, "version": version, "files": [], "user": self.p.walidata},
        )
        self.assertIn("Geografi", html)
        self.assertIn("Tabel 1.1 Luas wilayah", html)
        self.assertIn("http://a.invalid/b.png", html)  # the warning, for staff
        public = render_to_string(
            "products/parts/publikasi.html",
            {"product": product, "version": version, "files": [], "user": None},
        )
        self.assertNotIn("http://a.invalid/b.png", public)
