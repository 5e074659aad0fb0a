"""Every user-facing string has an Indonesian translation, and English can be chosen."""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from satudata.accounts.models import User
from satudata.catalog.models import DataItem, Dataset
from satudata.catalog.testing import published_table, table_dataset
from satudata.core.testing import PersonaTestCase, xlsx_cells
from satudata.releases import services
from satudata.releases.dates import at_release_time, month_start
from satudata.releases.models import Precision, Release
from satudata.releases.testing import release
from satudata.releases.views import STEPS

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


# Words that give away the other language. Proper nouns and SOP terms stay Indonesian in the
# English interface ("Kepala Bidang", "Walidata", "Daftar Data", "nota dinas", "OPD", agency and
# region names, the data themselves), so none of them is here; nor are words both languages
# write alike ("No" heads a numbered column in Indonesian, "April", "November").
INDONESIAN_WORDS = (
    "tidak",
    "belum",
    "sudah",
    "yang",
    "untuk",
    "dengan",
    "dirilis",
    "rilis baru",
    "direncanakan",
    "dibatalkan",
    "pukul",
    "jadwal",
    "beranda",
    "unduh",
    "januari",
    "februari",
    "maret",
    "mei",
    "juni",
    "juli",
    "agustus",
    "oktober",
    "desember",
)
ENGLISH_WORDS = (
    "the",
    "of",
    "yes",
    "released",
    "new releases",
    "planned",
    "approved",
    "cancelled",
    "agency",
    "download",
    "search",
    "not found",
    "january",
    "february",
    "march",
    "may",
    "june",
    "july",
    "august",
    "october",
    "december",
)
# Names that stay Indonesian in English, as a title does; removed before the words are looked for.
PROPER_NOUNS = (
    "Kepala Bidang",
    "Kepala Dinas",
    "Walidata",
    "Daftar Data",
    "Daftar Produk Diseminasi",
    "Jadwal Rilis",
    "SOP Penyebarluasan Data",
    "nota dinas",
    "OPD",
)
_MARKED_INDONESIAN = re.compile(r'<(\w+)\b[^>]*\blang="id"[^>]*>.*?</\1>', re.S)
_CODE = re.compile(r"<(script|style|pre|code)\b.*?</\1>", re.S | re.I)
_SHOWN_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', re.I)


def shown_text(body: str) -> str:
    """What a reader sees (and hears) of a page: text and labelling attributes, without code
    examples, scripts and styles."""
    body = _CODE.sub(" ", body)
    labels = " ".join(_SHOWN_ATTRIBUTE.findall(body))
    return html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + labels)


def foreign_words(text: str, language: str) -> list[str]:
    words = INDONESIAN_WORDS if language == "en" else ENGLISH_WORDS
    for name in PROPER_NOUNS:
        text = text.replace(name, " ")
    lowered = text.casefold()
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", lowered)]


class NoOtherLanguageTests(PersonaTestCase):
    """Each key page, feed and export in one language carries no word of the other."""

    dataset: Dataset
    scheduled: Release

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.p
        cls.dataset = published_table(p, "Puskesmas", [["Gadingrejo", 3], ["Pagelaran", 4]])
        DataItem.objects.filter(dataset=cls.dataset).update(is_priority=False)
        year = timezone.localdate().year + 1
        later = table_dataset(
            actor=p.walidata,
            agency=p.agency,
            name="Posyandu",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Gadingrejo", 9]],
        )
        cls.scheduled = release(
            later.versions.get(),
            kepala_bidang=p.kepala_bidang,
            at=at_release_time(dt.date(year, 3, 12)),
        )
        services.plan_entry(
            actor=p.walidata,
            title="Puskesmas",
            agency=p.agency,
            planned_at=month_start(year, 5),
            precision=Precision.MONTH,
        )
        cancelled = services.plan_entry(
            actor=p.walidata,
            title="Posbindu",
            agency=p.agency,
            planned_at=month_start(year, 7),
            precision=Precision.TWO_MONTHS,
        )
        services.cancel_entry(actor=p.kepala_bidang, entry=cancelled, reason="Posbindu digabung.")

    def pages(self) -> dict[str, tuple[User | None, str]]:
        entry = self.scheduled.entry
        assert entry is not None
        return {
            "home": (None, reverse("portal:home")),
            "search": (None, reverse("portal:search") + "?q=Puskesmas"),
            "dataset": (None, reverse("portal:dataset", args=[self.dataset.slug])),
            "calendar": (None, reverse("releases:calendar")),
            "calendar entry": (None, reverse("releases:entry", args=[entry.uuid])),
            "iCalendar": (None, reverse("releases:calendar-ics")),
            "RSS": (None, reverse("releases:feed-rss")),
            "Atom": (None, reverse("releases:feed-atom")),
            "Daftar Data": (self.p.walidata, reverse("catalog:datalist-detail", args=[2025])),
            "release page": (
                self.p.walidata,
                reverse("releases:release", args=[self.scheduled.uuid]),
            ),
            "error page": (None, "/zzz-404/"),
        }

    def read(self, user: User | None, url: str, language: str) -> str:
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get(url)
        self.assertIn(response.status_code, (200, 404), url)
        body = response.content.decode()
        if response["Content-Type"].startswith("text/html"):
            if language == "en":
                # Text the page marks as Indonesian (an audit record, the SOP's own wording) is
                # read as Indonesian by screen readers and may stay so.
                body = _MARKED_INDONESIAN.sub(" ", body)
            return shown_text(body)
        if response["Content-Type"].startswith("text/calendar"):
            # What a calendar program shows: the calendar's name, each event's title, text and
            # category (RFC 5545 folds long lines with a CRLF and a space).
            lines = body.replace("\r\n ", "").splitlines()
            shown = ("X-WR-CALNAME", "SUMMARY", "DESCRIPTION", "CATEGORIES")
            body = "\n".join(line for line in lines if line.startswith(shown))
        # Feeds: the words inside the XML or iCalendar, without the addresses.
        return re.sub(r"https?://\S+|urn:\S+|<[^>]+>", " ", html.unescape(body)).replace("\\", "")

    def test_it_shows_no_indonesian_word_in_the_english_interface(self) -> None:
        leaks = {}
        for name, (user, url) in self.pages().items():
            found = foreign_words(self.read(user, url, "en"), "en")
            if found:
                leaks[name] = found
        self.assertEqual(leaks, {})

    def test_it_shows_no_english_word_in_the_indonesian_interface(self) -> None:
        leaks = {}
        for name, (user, url) in self.pages().items():
            found = foreign_words(self.read(user, url, "id"), "id")
            if found:
                leaks[name] = found
        self.assertEqual(leaks, {})

    def test_the_daftar_data_export_answers_yes_or_no_in_the_chosen_language(self) -> None:
        answers = {}
        for language in ("id", "en"):
            self.client.force_login(self.p.walidata)
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = self.client.get(reverse("catalog:datalist-xlsx", args=[2025]))
            cells = {c.ref: c.value for c in xlsx_cells(response.content)}
            priority = [ref for ref, value in cells.items() if value in ("Tidak", "No", "Ya")]
            answers[language] = sorted(cells[ref] for ref in priority if ref[1:] == "5")
        self.assertEqual(answers, {"id": ["Tidak"], "en": ["No"]})

    def test_the_calendar_writes_its_dates_in_the_chosen_language(self) -> None:
        year = timezone.localdate().year + 1
        self.assertIn(
            f"12 Maret {year} pukul 10.00 WIB", self.read(None, reverse("releases:calendar"), "id")
        )
        self.assertIn(
            f"12 March {year} at 10.00 WIB", self.read(None, reverse("releases:calendar"), "en")
        )


# The names makemessages (xgettext with Django's keywords) extracts; a message under any other
# name is never offered for translation and stays English in the Indonesian interface.
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


class GettextNameTests(TestCase):
    def test_every_gettext_function_is_imported_under_a_name_makemessages_extracts(self) -> None:
        unseen = []
        for path in sorted((ROOT / "satudata").rglob("*.py")) + sorted(
            (ROOT / "config").glob("*.py")
        ):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    for alias in node.names:
                        name = alias.asname or alias.name
                        if "gettext" in alias.name and name not in EXTRACTED_NAMES:
                            unseen.append(f"{path.relative_to(ROOT)}: {alias.name} as {name}")
        self.assertEqual(unseen, [])


class ReleaseMessageTests(TestCase):
    def test_every_release_step_says_it_is_done_in_indonesian(self) -> None:
        untranslated = []
        for action, (_step, done) in STEPS.items():
            with translation.override("en"):
                english = str(done)
            with translation.override("id"):
                if str(done) == english:
                    untranslated.append(f"{action}: {english}")
        self.assertEqual(untranslated, [])


class TimeFormatTests(TestCase):
    """Indonesian writes "10.00", English "10:00": templates name the language's format."""

    def test_a_named_format_writes_the_time_as_each_language_does(self) -> None:
        from django.template import Context, Template

        template = Template('{{ at|date:"DATETIME_FORMAT" }} / {{ at|time:"TIME_FORMAT" }}')
        at = dt.datetime(2026, 3, 5, 3, 0, tzinfo=dt.UTC)  # 10.00 WIB
        with translation.override("id"):
            self.assertEqual(template.render(Context({"at": at})), "5 Maret 2026 10.00 / 10.00")
        with translation.override("en"):
            self.assertEqual(template.render(Context({"at": at})), "5 March 2026 10:00 / 10:00")

    def test_no_template_spells_a_time_with_a_colon(self) -> None:
        # "Y-m-d H:i" (an ISO-like stamp for tokens and the audit log) is the one exception.
        spelled = re.compile(r'(?:date|time):"(?![^"]*Y-m-d)[^"]*H:i')
        found = [
            f"{path.relative_to(ROOT)}:{number}"
            for folder in ("satudata", "templates")
            for path in sorted((ROOT / folder).rglob("*.html"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if spelled.search(line)
        ]
        self.assertEqual(found, [])
