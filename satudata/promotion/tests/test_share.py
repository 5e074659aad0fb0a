"""Share kits (issue 20, point 3): social cards typeset by Typst at their exact pixel sizes with
the key figure and a QR code, the press release read back from its DOCX and PDF, suggested
posts within X's limit, made once per release, and under the release's embargo: 404 to the
public before the release time, served after it; staff see them before."""

from __future__ import annotations

import io
import zlib
from datetime import datetime, timedelta
from typing import Any

import time_machine
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from satudata.accounts.models import User
from satudata.accounts.roles import Role
from satudata.catalog.models import Dataset, DatasetVersion
from satudata.catalog.testing import table_dataset
from satudata.core.models import SiteProfile
from satudata.core.testing import PersonaTestCase
from satudata.promotion import cards, posts, press, sharekit
from satudata.promotion.facts import facts_of, figure_text
from satudata.promotion.models import PromotionAction, ShareFile, ShareFormat
from satudata.releases import services
from satudata.releases.models import PreReleaseView, Release, ReleaseEntry
from satudata.releases.testing import release

COLUMNS = [("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")]
ROWS = [
    [2023, "Pringsewu", 100000],
    [2023, "Gadingrejo", 300000],
    [2024, "Pringsewu", 112345],
    [2024, "Gadingrejo", 300000],
]
# 412.345 in 2024 against 400.000 in 2023: up 3,1%.
FIGURE_ID = "412.345"
FIGURE_EN = "412,345"


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, checked independently of ``cards.png_size``."""
    assert content[:8] == b"\x89PNG\r\n\x1a\n", "a PNG signature"
    length = int.from_bytes(content[8:12], "big")
    assert content[12:16] == b"IHDR" and length == 13
    crc = int.from_bytes(content[16 + length : 20 + length], "big")
    assert zlib.crc32(content[12 : 16 + length]) == crc, "the IHDR checksum"
    return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    from docx import Document

    document: Any = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(texts)


class ShareKitTests(PersonaTestCase):
    """A population table scheduled for release three days ahead."""

    at: datetime
    dataset: Dataset
    item: Release

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        SiteProfile.objects.create(
            site_name="Satu Data Pringsewu",
            regency_name="Kabupaten Pringsewu",
            walidata_name="Dinas Komunikasi dan Informatika",
            email="walidata@contoh.invalid",
            phone="0729 21000",
        )
        cls.at = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        cls.dataset = table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name="Jumlah Penduduk",
            columns=COLUMNS,
            rows=ROWS,
            title="Jumlah Penduduk menurut Kecamatan (data contoh)",
            sector="kependudukan",
        )
        cls.item = release(cls.dataset.versions.get(), kepala_bidang=p.kepala_bidang, at=cls.at)

    def setUp(self) -> None:
        cache.clear()

    def after(self) -> Any:
        return time_machine.travel(self.at + timedelta(minutes=1), tick=False)

    def before(self) -> Any:
        return time_machine.travel(self.at - timedelta(hours=1), tick=False)

    # --- the facts the kit is built from ------------------------------------------------------

    def test_the_facts_have_the_figure(self) -> None:
        facts = facts_of(self.item)
        self.assertTrue(facts.sample)
        self.assertEqual(len(facts.figures), 1)
        self.assertIn(FIGURE_ID, figure_text(facts.figures[0], "id"))

    # --- cards ----------------------------------------------------------------------------------

    def test_cards_have_their_exact_pixel_sizes(self) -> None:
        for fmt, (width, height) in {
            ShareFormat.CARD_WIDE: (1200, 630),
            ShareFormat.CARD_SQUARE: (1080, 1080),
            ShareFormat.CARD_STORY: (1080, 1920),
        }.items():
            content = cards.release_card(self.item, fmt, "id")
            self.assertEqual(png_size(content), (width, height), fmt)
            self.assertEqual(cards.png_size(content), (width, height), fmt)

    def test_the_card_prints_the_figure_the_qr_and_the_sample_label(self) -> None:
        facts = facts_of(self.item)
        page, files = cards.release_page(facts, cards.SHAPES[ShareFormat.CARD_WIDE], "id")
        self.assertEqual(page["figures"][0]["value"], FIGURE_ID)
        self.assertEqual(page["figures"][0]["unit"], "")
        self.assertIn("3,1%", page["figures"][0]["change"])
        self.assertIn("2023", page["figures"][0]["change"])
        self.assertTrue(page["sample"])
        self.assertEqual(page["sample_label"], "DATA CONTOH")
        self.assertEqual(page["regency"], "Kabupaten Pringsewu")
        self.assertIn(cards.long_date(self.at, "id"), page["date_line"])
        self.assertIn("<svg", files["qr.svg"])
        self.assertTrue(page["link_text"].endswith(f"?k=bagikan-{self.item.pk}"))
        english, _ = cards.release_page(facts, cards.SHAPES[ShareFormat.CARD_WIDE], "en")
        self.assertEqual(english["figures"][0]["value"], FIGURE_EN)
        self.assertEqual(english["sample_label"], "SAMPLE DATA")

    def test_the_qr_code_is_in_the_image(self) -> None:
        """The same card typeset without its QR code is a different image: the code is drawn."""
        facts = facts_of(self.item)
        page, files = cards.release_page(facts, cards.SHAPES[ShareFormat.CARD_SQUARE], "id")
        with_qr = cards.typeset(page, files)
        blank = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
        without = cards.typeset(page, {**files, "qr.svg": blank})
        self.assertNotEqual(with_qr, without)
        self.assertGreater(len(with_qr), len(without))

    def test_a_long_title_and_three_figures_still_make_one_card(self) -> None:
        facts = facts_of(self.item)
        facts.title = "Jumlah Penduduk " * 20
        facts.figures = facts.figures * 3
        for shape in cards.SHAPES.values():
            page, files = cards.release_page(facts, shape, "id")
            self.assertEqual(png_size(cards.typeset(page, files)), (shape.width, shape.height))

    def test_the_calendar_entry_card_has_no_figure(self) -> None:
        entry = self.item.entry
        assert entry is not None
        page, _files = cards.entry_page(entry, cards.SHAPES[ShareFormat.CARD_WIDE], "id")
        self.assertEqual(page["kicker"], "Segera rilis")
        self.assertEqual(page["figures"], [])
        self.assertIn(cards.long_date(self.at, "id"), page["note"])
        self.assertNotIn(FIGURE_ID, str(page))
        self.assertEqual(
            png_size(cards.entry_card(entry, ShareFormat.CARD_STORY, "id")), (1080, 1920)
        )

    # --- the press release ---------------------------------------------------------------------

    def test_the_press_release_docx_reads_back(self) -> None:
        text = docx_text(press.docx(self.item, "id"))
        self.assertIn(FIGURE_ID, text)
        self.assertIn(f"Pringsewu, {cards.long_date(self.at, 'id')}", text)
        self.assertIn("SIARAN PERS", text)
        self.assertIn("DATA CONTOH", text)
        self.assertIn(self.p.agency.name, text)
        self.assertIn(f"k=bagikan-{self.item.pk}", text)

    def test_the_press_release_pdf_reads_back(self) -> None:
        content = press.pdf(self.item, "id")
        self.assertTrue(content.startswith(b"%PDF"))
        text = pdf_text(content)
        self.assertIn(FIGURE_ID, text)
        self.assertIn("Pringsewu,", text)
        self.assertIn("DATA CONTOH", text)
        english = pdf_text(press.pdf(self.item, "en"))
        self.assertIn(FIGURE_EN, english)
        self.assertIn("PRESS RELEASE", english)

    def test_the_press_contact_is_the_entry_s_else_the_walidata_s(self) -> None:
        entry = self.item.entry
        assert entry is not None
        self.assertIn(press.content(self.item).contact[0], press.content(self.item).contact)
        entry.contact_name = "Rina Walidata"
        entry.contact_email = "rina@contoh.invalid"
        entry.save()
        self.item.refresh_from_db()
        contact = press.content(self.item).contact
        self.assertEqual(contact[0], "Rina Walidata")
        self.assertIn("rina@contoh.invalid", " ".join(contact))

    # --- posts ----------------------------------------------------------------------------------

    def test_posts_carry_the_figure_the_link_and_the_hashtags(self) -> None:
        for language, figure in (("id", FIGURE_ID), ("en", FIGURE_EN)):
            found = {post.channel: post for post in posts.posts_of(self.item, language)}
            self.assertEqual(set(found), {"x", "instagram", "whatsapp"})
            for post in found.values():
                self.assertIn(figure, post.text)
                self.assertIn(f"?k=bagikan-{self.item.pk}", post.text)
            self.assertLessEqual(found["x"].length, posts.X_LIMIT)
            self.assertIn("#SatuData", found["instagram"].text)
            self.assertIn("#Pringsewu", found["instagram"].text)
            self.assertIn("*", found["whatsapp"].text)

    def test_x_post_fits_even_with_a_very_long_title(self) -> None:
        facts = facts_of(self.item)
        facts.title = "Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin " * 8
        x_post = posts.posts_from(facts, "id", "bagikan-1")[0]
        self.assertEqual(x_post.channel, "x")
        self.assertLessEqual(posts.x_length(x_post.text), posts.X_LIMIT)
        self.assertIn(FIGURE_ID, x_post.text)
        self.assertIn("?k=bagikan-1", x_post.text)

    def test_x_counts_a_link_as_23(self) -> None:
        self.assertEqual(posts.x_length("a https://example.invalid/" + "x" * 100), 2 + 23)

    # --- made once --------------------------------------------------------------------------

    def test_the_kit_is_made_once(self) -> None:
        made = sharekit.make_share_kit(self.item, ["id"])
        self.assertEqual(len(made), len(sharekit.RELEASE_FORMATS))
        for share in made:
            self.assertTrue(default_storage.exists(share.path))
            self.assertTrue(share.path.startswith("promotion/share/"))
            self.assertIn(share.sha256, share.path)
        again = sharekit.make_share_kit(self.item, ["id"])
        self.assertEqual([s.pk for s in made], [s.pk for s in again])
        self.assertEqual(ShareFile.objects.filter(release=self.item).count(), len(made))
        # The task makes both languages: the Indonesian files are reused.
        self.assertEqual(sharekit.make_share_kit_task.call(self.item.pk), 10)
        self.assertEqual(ShareFile.objects.filter(release=self.item).count(), 10)
        self.assertEqual(
            ShareFile.objects.filter(release=self.item, language="id").count(), len(made)
        )

    def test_a_missing_stored_file_is_made_again(self) -> None:
        share = sharekit.share_file(self.item, ShareFormat.CARD_WIDE)
        default_storage.delete(share.path)
        again = sharekit.share_file(self.item, ShareFormat.CARD_WIDE)
        self.assertTrue(default_storage.exists(again.path))
        self.assertEqual(ShareFile.objects.filter(release=self.item).count(), 1)

    # --- embargo --------------------------------------------------------------------------------

    def kit_urls(self) -> list[str]:
        return [reverse("promotion:share", args=[self.item.uuid])] + [
            reverse("promotion:share_file", args=[self.item.uuid, fmt])
            for fmt in sharekit.RELEASE_FORMATS
        ]

    def test_the_public_gets_404_before_the_release_time(self) -> None:
        with self.before():
            for url in self.kit_urls():
                self.assertEqual(Client().get(url).status_code, 404, url)
            client = Client()
            client.force_login(self.p.other_producer)
            self.assertEqual(client.get(self.kit_urls()[1]).status_code, 404)
            client.force_login(self.p.producer)  # the content's own agency sees it
            self.assertEqual(client.get(self.kit_urls()[0]).status_code, 200)
        self.assertFalse(ShareFile.objects.exists(), "nothing is made for a refused request")

    def test_a_pre_release_reader_gets_the_kit_and_the_read_is_logged(self) -> None:
        official = User.objects.create_user(
            "agus.setda", password="x" * 12, role=Role.PEJABAT, full_name="Agus Setda"
        )
        services.grant_access(
            actor=self.p.walidata,
            release=self.item,
            person=official,
            organisation="Sekretariat Daerah",
            position="Kepala Bagian Perekonomian",
            justification="Bahan rapat pimpinan",
            access_from=self.at - timedelta(hours=20),
        )
        with time_machine.travel(self.at - timedelta(days=2), tick=False):
            client = Client()
            client.force_login(official)
            self.assertEqual(client.get(self.kit_urls()[1]).status_code, 404)  # not yet
        with self.before():
            client = Client()
            client.force_login(official)
            self.assertEqual(client.get(self.kit_urls()[1]).status_code, 200)
        self.assertEqual(
            PreReleaseView.objects.filter(user=official, object_id=self.item.object_id).count(),
            1,
        )

    def test_a_withdrawn_release_s_kit_is_gone(self) -> None:
        with self.after():
            url = self.kit_urls()[1]
            self.assertEqual(Client().get(url).status_code, 200)
            Release.objects.filter(pk=self.item.pk).update(
                state="ditarik", withdrawn_at=timezone.now()
            )
            DatasetVersion.objects.filter(pk=self.item.object_id).update(
                withdrawn_at=timezone.now()
            )
            self.assertEqual(Client().get(url).status_code, 404)

    def test_staff_get_the_kit_before_the_release_time_uncached(self) -> None:
        client = Client()
        with self.before():
            client.force_login(self.p.walidata)
            page = client.get(self.kit_urls()[0])
            self.assertEqual(page.status_code, 200)
            self.assertEqual(page["Cache-Control"], "private, no-store")
            self.assertContains(page, FIGURE_ID)
            self.assertContains(page, "embargo")
            card = client.get(self.kit_urls()[1])
            self.assertEqual(card.status_code, 200)
            self.assertEqual(card["Content-Type"], "image/png")
            self.assertEqual(card["Cache-Control"], "private, no-store")
            self.assertEqual(png_size(card.content), (1200, 630))
        self.assertEqual(ShareFile.objects.filter(release=self.item).count(), 1)

    def test_the_public_gets_the_kit_after_the_release_time(self) -> None:
        with self.after():
            client = Client()
            for url in self.kit_urls():
                response = client.get(url)
                self.assertEqual(response.status_code, 200, url)
            pdf = client.get(
                reverse("promotion:share_file", args=[self.item.uuid, ShareFormat.PRESS_PDF])
            )
            self.assertIn("public", pdf["Cache-Control"])
            self.assertIn("attachment", pdf["Content-Disposition"])
            self.assertIn(FIGURE_ID, pdf_text(pdf.content))
            english = client.get(
                reverse("promotion:share_file", args=[self.item.uuid, ShareFormat.PRESS_DOCX])
                + "?bahasa=en"
            )
            self.assertIn(FIGURE_EN, docx_text(english.content))
            self.assertEqual(client.get(self.kit_urls()[1] + "?bahasa=fr").status_code, 404)
            self.assertEqual(
                client.get(
                    reverse("promotion:share_file", args=[self.item.uuid, "rahasia.txt"])
                ).status_code,
                404,
            )

    def test_the_share_kit_page(self) -> None:
        with self.after():
            response = Client().get(self.kit_urls()[0])
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for fmt in cards.CARD_FORMATS:
            self.assertIn(reverse("promotion:share_file", args=[self.item.uuid, fmt]), html)
        self.assertIn('width="1200" height="630"', html)
        self.assertIn(FIGURE_ID, html)
        self.assertIn(FIGURE_EN, html)  # the English posts
        self.assertIn("#SatuData", html)
        self.assertIn("data-copy=", html)
        self.assertIn("promotion/share.js", html)
        self.assertNotIn("<script>", html)  # no inline script (CSP)
        self.assertIn(ShareFormat.PRESS_DOCX.value, html)
        self.assertIn("DATA CONTOH", html)
        self.assertIn('property="og:image"', html)  # the page's own card tags, once public

    def test_the_calendar_entry_cards_are_public_and_figureless(self) -> None:
        entry = self.item.entry
        assert entry is not None
        page_url = reverse("promotion:share_entry", args=[entry.uuid])
        card_url = reverse("promotion:share_entry_file", args=[entry.uuid, ShareFormat.CARD_WIDE])
        with self.before():
            client = Client()
            page = client.get(page_url)
            self.assertEqual(page.status_code, 200)
            self.assertNotContains(page, FIGURE_ID)
            card = client.get(card_url)
            self.assertEqual(card.status_code, 200)
            self.assertEqual(png_size(card.content), (1200, 630))
            self.assertEqual(
                client.get(
                    reverse("promotion:share_entry_file", args=[entry.uuid, "siaran-pers.pdf"])
                ).status_code,
                404,
            )
        with self.after():
            response = Client().get(page_url)
            self.assertRedirects(
                response,
                reverse("promotion:share", args=[self.item.uuid]),
                fetch_redirect_response=False,
            )

    # --- Open Graph tags ---------------------------------------------------------------------

    def test_open_graph_tags_only_once_released(self) -> None:
        template = Template("{% load promotion_share %}{% share_meta obj %}")
        with self.before():
            self.assertEqual(template.render(Context({"obj": self.dataset})).strip(), "")
        cache.clear()
        with self.after():
            html = template.render(Context({"obj": self.dataset}))
        self.assertIn('<meta property="og:image" content="http', html)
        card = reverse("promotion:share_file", args=[self.item.uuid, ShareFormat.CARD_WIDE])
        self.assertIn(card, html)
        self.assertIn('name="twitter:card" content="summary_large_image"', html)
        self.assertIn(FIGURE_ID, html)
        self.assertIn("og:title", html)
        # As the dataset page uses it: kept in a variable, its own address as og:url.
        page = Template(
            "{% load promotion_share %}{% share_meta obj url='https://x.invalid/d/' as tags %}"
            "{% if tags %}{{ tags }}{% else %}none{% endif %}"
        )
        with self.after():
            html = page.render(Context({"obj": self.dataset}))
        self.assertIn('<meta property="og:url" content="https://x.invalid/d/">', html)
        with self.before():
            self.assertEqual(page.render(Context({"obj": self.dataset})), "none")

    def test_the_calendar_entry_page_tags(self) -> None:
        template = Template("{% load promotion_share %}{% share_entry_meta entry %}")
        entry = self.item.entry
        with self.before():
            html = template.render(Context({"entry": entry}))
        self.assertIn(
            reverse("promotion:share_entry_file", args=[entry.uuid, ShareFormat.CARD_WIDE]),  # type: ignore[union-attr]
            html,
        )
        with self.after():
            self.assertEqual(template.render(Context({"entry": entry})).strip(), "")

    # --- a promotion action's campaign tag, a cancelled entry ----------------------------------

    def test_posts_for_an_action_carry_its_campaign_tag(self) -> None:
        action = PromotionAction.objects.create(
            release=self.item,
            channel="instagram",
            title="Unggahan Instagram",
            planned_on=self.at.date(),
            campaign="ig-penduduk-2024",
        )
        url = reverse("promotion:share", args=[self.item.uuid]) + f"?aksi={action.pk}"
        with self.after():
            client = Client()
            self.assertNotContains(client.get(url), "?k=ig-penduduk-2024")  # the public: no
            client.force_login(self.p.walidata)
            page = client.get(url)
        self.assertContains(page, "?k=ig-penduduk-2024")
        self.assertNotContains(page, f"?k=bagikan-{self.item.pk}")

    def test_a_cancelled_entry_has_no_cards(self) -> None:
        entry = self.item.entry
        assert entry is not None
        ReleaseEntry.objects.filter(pk=entry.pk).update(
            state="batal", cancellation_reason="uji", cancelled_at=timezone.now()
        )
        with self.before():
            for name in ("promotion:share_entry", "promotion:share_entry_file"):
                args: list[Any] = [entry.uuid]
                if name.endswith("file"):
                    args.append(ShareFormat.CARD_WIDE)
                self.assertEqual(Client().get(reverse(name, args=args)).status_code, 404)


class AccessRows(PersonaTestCase):
    """The rows given to tests/test_access_matrix.py, checked here on the same set-up: a draft
    release of the producer's agency, and a planned calendar entry without content."""

    def test_the_matrix_rows(self) -> None:
        from satudata.releases.services import plan_entry

        p = self.p
        dataset = table_dataset(
            actor=p.producer,
            agency=p.agency,
            name="Jumlah Bidan",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 4]],
        )
        draft = Release.objects.for_content(dataset.versions.get()).get()
        entry = plan_entry(
            actor=p.walidata,
            title="Jumlah Bidan 2025",
            agency=p.agency,
            planned_at=timezone.now() + timedelta(days=40),
        )
        unpublished = {"anonymous": 404, "other_producer": 404, "pembina": 404}
        urls = {
            reverse("promotion:share", args=[draft.uuid]): unpublished,
            reverse("promotion:share_file", args=[draft.uuid, "kartu-1200x630"]): unpublished,
            reverse("promotion:share_entry", args=[entry.uuid]): {},
            reverse("promotion:share_entry_file", args=[entry.uuid, "kartu-1200x630"]): {},
        }
        failures = []
        for persona, user in p.by_role().items():
            client = Client()
            if user is not None:
                client.force_login(user)
            for url, refused in urls.items():
                got = client.get(url).status_code
                if got != refused.get(persona, 200):
                    failures.append(f"{url} as {persona}: {got}")
        self.assertEqual(failures, [])


class ProductKit(PersonaTestCase):
    """A released product whose figure cannot be computed: a title card, the press release
    without a figure table, and the product page's card tags."""

    def test_a_product_without_figures(self) -> None:
        from satudata.products.testing import released_product

        item, version = released_product(
            actor=self.p.walidata,
            kepala_bidang=self.p.kepala_bidang,
            agency=self.p.agency,
            title="Tabel Jumlah Sekolah",
        )
        found = Release.objects.for_content(version).get()
        facts = facts_of(found)
        self.assertEqual(facts.figures, [])
        for fmt, shape in cards.SHAPES.items():
            self.assertEqual(
                png_size(cards.release_card(found, fmt, "id")), (shape.width, shape.height)
            )
        page, _files = cards.release_page(facts, cards.SHAPES[ShareFormat.CARD_WIDE], "id")
        self.assertEqual(page["figures"], [])
        self.assertIn("Tabel Jumlah Sekolah", pdf_text(press.pdf(found, "id")))
        x_post = posts.posts_of(found, "id")[0]
        self.assertIn("Tabel Jumlah Sekolah", x_post.text)
        self.assertLessEqual(x_post.length, posts.X_LIMIT)
        html = Template("{% load promotion_share %}{% share_meta obj %}").render(
            Context({"obj": item})
        )
        self.assertIn(str(found.uuid), html)
        self.assertIn("Tabel Jumlah Sekolah", html)
