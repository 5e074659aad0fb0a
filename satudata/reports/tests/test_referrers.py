"""Referrers: only the host is kept, classified as internal, search, social, government, other."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from satudata.reports.referrers import classify

CASES = [
    ("https://www.google.com/search?q=kemiskinan+pringsewu", "search", "google.com"),
    ("https://www.google.co.id/", "search", "google.co.id"),
    ("https://www.bing.com/search?q=x", "search", "bing.com"),
    ("https://duckduckgo.com/", "search", "duckduckgo.com"),
    ("https://yandex.ru/search/?text=x", "search", "yandex.ru"),
    ("https://search.yahoo.com/search?p=x", "search", "yahoo.com"),
    ("https://www.ecosia.org/search?q=x", "search", "ecosia.org"),
    (
        "android-app://com.google.android.googlequicksearchbox/",
        "search",
        "com.google.android.googlequicksearchbox",
    ),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fdata", "social", "facebook.com"),
    ("https://m.facebook.com/", "social", "facebook.com"),
    ("https://www.instagram.com/", "social", "instagram.com"),
    ("https://x.com/diskominfo/status/1", "social", "x.com"),
    ("https://t.co/AbCdEf", "social", "t.co"),
    ("https://twitter.com/", "social", "twitter.com"),
    ("https://wa.me/6281234567890", "social", "wa.me"),
    ("https://api.whatsapp.com/send?phone=62812", "social", "api.whatsapp.com"),
    ("https://t.me/pringsewu", "social", "t.me"),
    ("https://www.linkedin.com/feed/", "social", "linkedin.com"),
    ("https://www.youtube.com/watch?v=1", "social", "youtube.com"),
    ("https://www.tiktok.com/@pringsewu", "social", "tiktok.com"),
    ("https://pringsewukab.go.id/berita/1", "government", "pringsewukab.go.id"),
    ("https://lampung.bps.go.id/", "government", "lampung.bps.go.id"),
    ("https://pekon-fajaresuk.desa.id/", "government", "pekon-fajaresuk.desa.id"),
    ("https://satudata.example/dataset/?q=x", "internal", "satudata.example"),
    ("http://portal.test:8000/", "internal", "portal.test"),
    ("https://blog.example.org/posts/data?email=a@b.c", "other", "blog.example.org"),
    ("https://google.evil.example.net/", "other", "google.evil.example.net"),
    ("https://notgoogle.com/", "other", "notgoogle.com"),
    ("", "", ""),
    ("not an address", "", ""),
    ("javascript:alert(1)", "", ""),
    ("https://exa mple.com/", "", ""),
    ("ftp://files.example.org/", "", ""),
]


@override_settings(SITE_URL="https://satudata.example")
class ReferrerTests(SimpleTestCase):
    def test_classification_keeps_the_host_only(self) -> None:
        for referer, kind, host in CASES:
            with self.subTest(referer=referer):
                self.assertEqual(classify(referer, "portal.test:8000"), (kind, host))

    def test_no_header(self) -> None:
        self.assertEqual(classify(None), ("", ""))
