"""The user guides per role (``docs/panduan-*.md``, English in ``docs/en/``) read in the
application: Markdown rendered to safe HTML, headings given anchors and gathered into a table of
contents, and cut into sections for the help search.

Anchors are the same in both languages so that a link (``{% help_link "walidata" "rilis" %}``)
works whichever language the reader chose: an Indonesian heading's anchor is its slug
("## Rilis (kegiatan 3)" → ``rilis-kegiatan-3``); the English guide writes the Indonesian anchor
after each heading (``## Releases (activity 3) {#rilis-kegiatan-3}``). A missing English file
falls back to the Indonesian one, flagged so the page can say so.

Rendering is cached per process, keyed by the file's modification time, so an edited guide is
read again on the next request without a restart. The guides hold no secrets (they are in the
public repository), so every guide is public.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nh3
from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

# slug (the file name after "panduan-") → whom the guide serves; in the order the help page lists.
GUIDES: dict[str, Any] = {
    "publik": _("The public and data users"),
    "walidata": _("Walidata staff"),
    "kepala-bidang": _("Kepala Bidang"),
    "kepala-dinas": _("Kepala Dinas"),
    "produsen-data": _("Data producers (agencies)"),
    "pembina-data": _("Pembina Data (BPS)"),
    "administrator": _("Administrators"),
}

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
EXPLICIT_ANCHOR = re.compile(r"\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$")
GUIDE_LINK = re.compile(r"^(?:\.\./|en/)?panduan-([a-z-]+)\.md(#[a-z0-9-]+)?$")
TOC_LEVELS = (2, 3)


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    anchor: str


@dataclass(frozen=True)
class Section:
    """A guide's part under one heading (level 2 or 3), as plain text for the search."""

    guide: str
    anchor: str
    title: str
    text: str


@dataclass
class Guide:
    slug: str
    language: str  # the language of the text shown ("id" when English fell back)
    fallback: bool  # English asked for, Indonesian shown
    title: str
    html: str
    toc: list[Heading] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def anchors(self) -> set[str]:
        return {h.anchor for h in self.toc} | {s.anchor for s in self.sections}


def docs_dir() -> Path:
    return Path(getattr(settings, "SUPPORT_DOCS_DIR", settings.BASE_DIR / "docs"))


def guide_path(slug: str, language: str) -> tuple[Path, bool]:
    """The file of a guide in ``language`` and whether it fell back to Indonesian."""
    base = docs_dir()
    indonesian = base / f"panduan-{slug}.md"
    if language == "en":
        english = base / "en" / f"panduan-{slug}.md"
        if english.is_file():
            return english, False
        return indonesian, True
    return indonesian, False


def _parser() -> MarkdownIt:
    # Raw HTML is recognised (html=True) only so that it is dropped, never rendered.
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _plain(children: list[Token] | None) -> str:
    parts = []
    for child in children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _link(href: str) -> str:
    """A link to another guide's file becomes a link to its page in the application."""
    match = GUIDE_LINK.match(href)
    if match and match[1] in GUIDES:
        return reverse("support:guide", args=[match[1]]) + (match[2] or "")
    return href


def render_markdown(text: str, *, anchors: bool = False) -> tuple[str, list[Token]]:
    """Safe HTML of ``text`` (raw HTML and images dropped, then nh3's allow-list) and the
    tokens it came from. With ``anchors``, headings get ids (see the module's docstring)."""
    parser = _parser()
    tokens = parser.parse(text or "")
    kept: list[Token] = []
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            continue
        if token.type == "inline" and token.children is not None:
            children = []
            for child in token.children:
                if child.type == "html_inline":
                    continue
                if child.type == "image":
                    # Nothing is fetched: an image keeps only its words.
                    child = Token("text", "", 0, content=_plain(child.children))
                if child.type == "link_open":
                    child.attrSet("href", _link(str(child.attrGet("href") or "")))
                children.append(child)
            token.children = children
            if anchors and index > 0 and tokens[index - 1].type == "heading_open":
                heading = tokens[index - 1]
                title = _plain(children)
                explicit = EXPLICIT_ANCHOR.search(title)
                if explicit:
                    anchor = explicit[1]
                    title = title[: explicit.start()].rstrip()
                    last = children[-1] if children else None
                    if last is not None and last.type == "text":
                        last.content = EXPLICIT_ANCHOR.sub("", last.content)
                else:
                    anchor = slugify(title) or f"bagian-{index}"
                base, n = anchor, 2
                while anchor in used:
                    anchor, n = f"{base}-{n}", n + 1
                used.add(anchor)
                heading.attrSet("id", anchor)
                token.meta["anchor"], token.meta["title"] = anchor, title
        kept.append(token)
    html = parser.renderer.render(kept, parser.options, {})
    safe = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return safe, kept


def _read(slug: str, path: Path, language: str, fallback: bool) -> Guide:
    html, tokens = render_markdown(path.read_text(encoding="utf-8"), anchors=True)
    title = ""
    toc: list[Heading] = []
    sections: list[Section] = []
    current: tuple[str, str] | None = None
    words: list[str] = []
    level = 0

    def close_section() -> None:
        if current is not None:
            sections.append(Section(slug, current[0], current[1], " ".join(words).strip()))

    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type == "inline" and "anchor" in token.meta:
            anchor, heading = token.meta["anchor"], token.meta["title"]
            if level == 1 and not title:
                title = heading
                current, words = (anchor, heading), []
            elif level in TOC_LEVELS:
                toc.append(Heading(level, heading, anchor))
                close_section()
                current, words = (anchor, heading), []
            level = 0
        elif token.type == "inline":
            words.append(_plain(token.children))
        elif token.type in ("fence", "code_block"):
            words.append(token.content)
    close_section()
    return Guide(
        slug=slug,
        language="id" if fallback or language != "en" else "en",
        fallback=fallback,
        title=title or str(GUIDES[slug]),
        html=html,
        toc=toc,
        sections=sections,
    )


_cache: dict[tuple[str, str], tuple[int, Guide]] = {}
_lock = threading.Lock()


def load(slug: str, language: str = "id") -> Guide | None:
    """The guide ``slug`` in ``language`` ("id" or "en"); None when there is no such guide."""
    if slug not in GUIDES:
        return None
    language = "en" if language.startswith("en") else "id"
    path, fallback = guide_path(slug, language)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    key = (str(path), language)
    cached = _cache.get(key)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    guide = _read(slug, path, language, fallback)
    with _lock:
        _cache[key] = (mtime, guide)
    return guide


def all_guides(language: str = "id") -> list[Guide]:
    return [g for slug in GUIDES if (g := load(slug, language)) is not None]


# --- Search -----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, for matching."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words_of(query: str) -> list[str]:
    return [w for w in re.findall(r"\w+", fold(query or "")) if len(w) >= 2][:8]


@dataclass(frozen=True)
class SectionHit:
    guide: str
    guide_title: str
    anchor: str
    title: str
    snippet: str
    score: int

    @property
    def url(self) -> str:
        return reverse("support:guide", args=[self.guide]) + f"#{self.anchor}"


def snippet(text: str, words: list[str], width: int = 180) -> str:
    """About ``width`` characters of ``text`` around the first word found (plain text; the
    template escapes it)."""
    folded = fold(text)
    positions = [p for w in words if (p := folded.find(w)) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    piece = text[start : start + width].strip()
    return ("… " if start else "") + piece + (" …" if start + width < len(text) else "")


# (language, mtimes of all files) → [(section, folded title, folded text)]
_index: dict[str, tuple[tuple[int, ...], list[tuple[Section, str, str, str]]]] = {}


def _mtimes(language: str) -> tuple[int, ...]:
    stamps = []
    for slug in GUIDES:
        path, _fallback = guide_path(slug, language)
        try:
            stamps.append(path.stat().st_mtime_ns)
        except FileNotFoundError:
            stamps.append(0)
    return tuple(stamps)


def _section_index(language: str) -> list[tuple[Section, str, str, str]]:
    language = "en" if language.startswith("en") else "id"
    stamps = _mtimes(language)
    cached = _index.get(language)
    if cached is not None and cached[0] == stamps:
        return cached[1]
    rows = [
        (section, guide.title, fold(section.title), fold(section.text))
        for guide in all_guides(language)
        for section in guide.sections
    ]
    with _lock:
        _index[language] = (stamps, rows)
    return rows


def search_sections(query: str, language: str = "id", limit: int = 10) -> list[SectionHit]:
    """Guide sections holding every word of ``query`` (accents and case ignored), the best
    first: a word in the heading counts more than one in the text."""
    words = words_of(query)
    if not words:
        return []
    hits = []
    for section, guide_title, title, text in _section_index(language):
        if not all(w in title or w in text for w in words):
            continue
        score = sum(5 * (w in title) + min(text.count(w), 5) for w in words)
        hits.append(
            SectionHit(
                guide=section.guide,
                guide_title=guide_title,
                anchor=section.anchor,
                title=section.title,
                snippet=snippet(section.text, words),
                score=score,
            )
        )
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]
