"""Bantuan: the guides rendered safely in both languages with the same anchors, their search,
the help link tag and the links placed on the pages the guides explain."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from satudata.support import guides
from satudata.support.models import FaqEntry

ROOT = Path(settings.BASE_DIR)


def english(client) -> None:  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


class GuideRenderingTests(SimpleTestCase):
    def test_english_shows_an_english_guide_or_the_indonesian_one_with_the_same_anchors(
        self,
    ) -> None:
        # The English texts are written guide by guide (docs/en/); until one exists the English
        # page shows the Indonesian guide, marked as such, so every link and anchor still works.
        for slug in guides.GUIDES:
            with self.subTest(slug=slug):
                indonesian = guides.load(slug, "id")
                english = guides.load(slug, "en")
                assert indonesian is not None and english is not None
                self.assertEqual(
                    [h.anchor for h in indonesian.toc], [h.anchor for h in english.toc]
                )
                if english.fallback:
                    self.assertEqual(english.language, "id")
                    self.assertEqual(english.html, indonesian.html)
                else:
                    self.assertEqual(english.language, "en")
                    self.assertNotEqual(indonesian.title, english.title)

    def test_toc_anchors_are_ids_in_the_html(self) -> None:
        guide = guides.load("walidata", "id")
        assert guide is not None
        anchors = [h.anchor for h in guide.toc]
        self.assertIn("rilis-kegiatan-3", anchors)
        self.assertEqual(len(anchors), len(set(anchors)))
        for anchor in anchors:
            self.assertIn(f'id="{anchor}"', guide.html)

    def test_unsafe_markdown_is_stripped(self) -> None:
        html, _tokens = guides.render_markdown(
            "## Judul {#aman}\n\n<script>alert(1)</script>\n\n"
            'Teks <img src=x onerror="alert(2)"> <b onclick="x()">tebal</b> '
            "[klik](javascript:alert(3)) ![gambar](http://evil.example/x.png)\n\n"
            '<iframe src="http://evil.example"></iframe>\n',
            anchors=True,
        )
        # markdown-it leaves a javascript: link as plain text; no link may carry it.
        for bad in ("<script", "onerror", "onclick", 'href="javascript', "<iframe", "<img", "evil"):
            self.assertNotIn(bad, html)
        self.assertIn('<h2 id="aman">Judul</h2>', html)
        self.assertIn("tebal", html)

    def test_links_between_guides_become_pages(self) -> None:
        html, _tokens = guides.render_markdown("[lihat](panduan-publik.md#privasi)")
        self.assertIn(f'href="{reverse("support:guide", args=["publik"])}#privasi"', html)

    def test_missing_english_file_falls_back_with_a_flag(self) -> None:
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            shutil.copy(ROOT / "docs" / "panduan-publik.md", Path(folder) / "panduan-publik.md")
            with override_settings(SUPPORT_DOCS_DIR=folder):
                guide = guides.load("publik", "en")
        assert guide is not None
        self.assertTrue(guide.fallback)
        self.assertEqual(guide.language, "id")

    def test_rendering_is_cached_by_modification_time(self) -> None:
        import os
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "panduan-publik.md"
            path.write_text("# Satu\n\n## Bagian A\n", encoding="utf-8")
            with override_settings(SUPPORT_DOCS_DIR=folder):
                first = guides.load("publik", "id")
                self.assertIs(first, guides.load("publik", "id"))
                path.write_text("# Dua\n\n## Bagian B\n", encoding="utf-8")
                stat = path.stat()
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
                second = guides.load("publik", "id")
        assert first is not None and second is not None
        self.assertEqual(second.title, "Dua")
        self.assertEqual([h.anchor for h in second.toc], ["bagian-b"])

    def test_search_finds_a_section_in_both_languages(self) -> None:
        hits = guides.search_sections("keberatan", "id")
        self.assertTrue(any(h.guide == "kepala-dinas" for h in hits), hits)
        self.assertEqual(guides.search_sections("zzqqxx", "id"), [])
        self.assertEqual(guides.search_sections("", "id"), [])

    def test_help_link_tag(self) -> None:
        html = Template(
            '{% load support_help %}{% help_link "walidata" "rilis-kegiatan-3" %}'
        ).render(Context({}))
        self.assertIn(
            f'href="{reverse("support:guide", args=["walidata"])}#rilis-kegiatan-3"', html
        )
        self.assertIn('aria-hidden="true"', html)
        self.assertIn("<span>Bantuan</span>", html)
        with self.assertRaises(TemplateSyntaxError):
            Template('{% load support_help %}{% help_link "nobody" "x" %}').render(Context({}))

    def test_every_help_link_in_the_templates_points_at_an_existing_section(self) -> None:
        pattern = re.compile(r'{%\s*help_link\s+"([a-z-]+)"(?:\s+"([a-z0-9-]*)")?')
        found = 0
        for path in [
            *ROOT.glob("satudata/**/templates/**/*.html"),
            *ROOT.glob("templates/**/*.html"),
        ]:
            for slug, anchor in pattern.findall(path.read_text(encoding="utf-8")):
                found += 1
                for language in ("id", "en"):
                    guide = guides.load(slug, language)
                    assert guide is not None, (path, slug)
                    if anchor:
                        self.assertIn(
                            anchor, guide.anchors, f"{path}: {slug}#{anchor} ({language})"
                        )
        self.assertGreaterEqual(found, 5)


class HelpPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        FaqEntry.objects.create(
            question="Bagaimana mengajukan keberatan atas permohonan informasi?",
            answer="Buka tautan tiket Anda lalu pilih **Ajukan keberatan**.",
            question_en="How do I file an objection to an information request?",
            answer_en="Open your ticket's link and choose **File an objection**.",
            category="kip",
        )
        FaqEntry.objects.create(
            question="Rahasia belum terbit keberatan", answer="Draf.", is_published=False
        )

    def test_guide_pages_render_in_indonesian_and_english(self) -> None:
        for slug in guides.GUIDES:
            response = self.client.get(reverse("support:guide", args=[slug]))
            self.assertEqual(response.status_code, 200, slug)
            self.assertContains(response, 'href="#')
        response = self.client.get(reverse("support:guide", args=["walidata"]))
        self.assertContains(response, "Panduan staf Walidata")
        self.assertContains(response, '<a href="#rilis-kegiatan-3">')
        english(self.client)
        response = self.client.get(reverse("support:guide", args=["walidata"]))
        self.assertContains(response, '<a href="#rilis-kegiatan-3">')
        self.assertContains(response, 'id="rilis-kegiatan-3"')
        self.assertContains(response, "Guide for Walidata staff")
        self.assertNotContains(response, "not yet available in English")
        # A guide without an English file is shown in Indonesian, with a notice, same anchors.
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            shutil.copy(ROOT / "docs" / "panduan-walidata.md", Path(folder))
            with override_settings(SUPPORT_DOCS_DIR=folder):
                response = self.client.get(reverse("support:guide", args=["walidata"]))
        self.assertContains(response, "Panduan staf Walidata")
        self.assertContains(response, 'id="rilis-kegiatan-3"')
        self.assertContains(response, "not yet available in English")
        self.assertEqual(self.client.get("/bantuan/panduan/tidak-ada/").status_code, 404)

    def test_search_finds_a_guide_section_and_an_faq_entry(self) -> None:
        response = self.client.get(reverse("support:help"), {"q": "keberatan"})
        self.assertContains(response, "Bagaimana mengajukan keberatan")
        self.assertContains(response, reverse("support:guide", args=["kepala-dinas"]) + "#")
        self.assertNotContains(response, "Rahasia belum terbit")
        english(self.client)
        response = self.client.get(reverse("support:help"), {"q": "objection"})
        self.assertContains(response, "How do I file an objection")

    def test_search_input_is_escaped_and_bounded(self) -> None:
        response = self.client.get(reverse("support:help"), {"q": "<script>x</script>" * 50})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>x")
        response = self.client.get(reverse("support:help"), {"q": "?"})
        self.assertContains(response, "dua huruf")

    def test_help_is_linked_from_the_header_and_footer(self) -> None:
        response = self.client.get(reverse("portal:home"))
        self.assertContains(response, f'href="{reverse("support:help")}"', count=2)


class HelpLinksTests(SimpleTestCase):
    def test_every_help_link_in_the_templates_reaches_a_section_of_its_guide(self) -> None:
        """The pages link the guide sections that explain them; a renamed heading must not
        leave a link to nowhere, in either language."""
        pattern = re.compile(r'\{% help_link "([a-z-]+)"(?: "([a-z0-9-]*)")? %\}')
        found: list[tuple[str, str, str]] = []
        for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
            if ".venv" in path.parts or "node_modules" in path.parts:
                continue
            for slug, anchor in pattern.findall(path.read_text(encoding="utf-8")):
                found.append((path.name, slug, anchor))
        self.assertGreater(len({name for name, _s, _a in found}), 15)  # the pages that link
        for name, slug, anchor in found:
            for language in ("id", "en"):
                guide = guides.load(slug, language)
                with self.subTest(template=name, guide=slug, anchor=anchor, language=language):
                    assert guide is not None
                    if anchor:
                        self.assertIn(anchor, guide.anchors)
