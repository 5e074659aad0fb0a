"""Every user-facing string has an Indonesian translation, and English can be chosen."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _copy_sources(target: Path) -> None:
    for name in ("manage.py", "config", "satudata", "templates", "locale"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(source, target / name)


class TranslationCatalogueTests(TestCase):
    def test_every_string_in_the_code_has_an_indonesian_translation(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            _copy_sources(work)
            subprocess.run(
                [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-location", "-v0"],
                cwd=work,
                check=True,
                capture_output=True,
                timeout=300,
            )
            fresh = work / "locale" / "id" / "LC_MESSAGES" / "django.po"
            untranslated = subprocess.run(
                ["msgattrib", "--untranslated", "--no-obsolete", str(fresh)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            fuzzy = subprocess.run(
                ["msgattrib", "--only-fuzzy", "--no-obsolete", str(fresh)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        self.assertEqual(untranslated.strip(), "", "run `make messages` and translate these")
        self.assertEqual(fuzzy.strip(), "", "review these fuzzy translations")

    def test_the_compiled_catalogue_matches_the_source(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "fresh.mo"
            subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
            with fresh.open("rb") as a, MO.open("rb") as b:
                new = gettext.GNUTranslations(a)._catalog  # type: ignore[attr-defined]
                committed = gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]
        self.assertEqual(new, committed, "run `make setup` (compilemessages) and commit the .mo")


class LanguageTests(TestCase):
    def test_pages_are_indonesian_by_default(self) -> None:
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, 'lang="id"')
        self.assertContains(response, "Lupa kata sandi?")

    def test_a_visitor_can_switch_to_english(self) -> None:
        self.client.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, 'lang="en"')
        self.assertContains(response, "Forgot your password?")

    def test_an_english_browser_still_gets_indonesian_until_the_visitor_chooses(self) -> None:
        response = self.client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
        self.assertContains(response, 'lang="id"')
        self.assertEqual(response["Content-Language"], "id")
