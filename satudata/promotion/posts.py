"""Suggested social media posts of a release, in Indonesian and English, built from the same
facts as every other channel (``facts_of``: never typed separately): for X (at most 280
characters, a link counting 23 as X shortens it), Instagram and Facebook (longer, the link in
words since Instagram captions do not link), and WhatsApp (``*bold*`` markup). Each carries the
hashtags (#SatuData, the regency, the sector) and the link tagged with the campaign: the
promotion action's tag when made for an action, else ``bagikan-<release pk>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation

from satudata.core.models import SiteProfile
from satudata.promotion.cards import campaign_of, long_date, words
from satudata.promotion.facts import ReleaseFacts, facts_of, figure_text
from satudata.promotion.press import place_of
from satudata.releases.models import Release

X_LIMIT = 280
X_LINK = 23  # every link counts 23 characters on X (t.co)
LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Post:
    channel: str  # "x", "instagram", "whatsapp"
    label: str
    language: str
    text: str

    @property
    def length(self) -> int:
        return x_length(self.text) if self.channel == "x" else len(self.text)


def x_length(text: str) -> int:
    """The length X counts: each link as 23 characters."""
    links = LINK.findall(text)
    return len(text) - sum(len(link) for link in links) + X_LINK * len(links)


def _tag(words: str) -> str:
    """A hashtag of ``words``: "Sosial dan Kependudukan" → "#SosialDanKependudukan"."""
    parts = re.findall(r"[^\W_]+", words)
    return "#" + "".join(p[:1].upper() + p[1:] for p in parts) if parts else ""


def hashtags(facts: ReleaseFacts) -> list[str]:
    site = SiteProfile.current()
    tags = ["#SatuData", _tag(place_of(site.regency_name or "")), _tag(facts.sector_label)]
    return list(dict.fromkeys(t for t in tags if t))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def _x_post(facts: ReleaseFacts, link: str, tags: list[str], language: str) -> str:
    figure = figure_text(facts.figures[0], language) if facts.figures else ""
    title = facts.title
    for tag_count in range(len(tags), -1, -1):
        tail = " ".join([link, *tags[:tag_count]])
        body = f"{title}: {figure}." if figure else words("post_new", language, title=title)
        text = f"{body}\n{tail}"
        if x_length(text) <= X_LIMIT:
            return text
    # Still too long: the title gives way, never the figure nor the link.
    room = X_LIMIT - x_length(f": {figure}.\n{link}") if figure else X_LIMIT - X_LINK - 2
    body = f"{_shorten(title, room)}: {figure}." if figure else _shorten(title, room)
    text = f"{body}\n{link}"
    if x_length(text) > X_LIMIT:  # a figure longer than a post: the link alone with the title
        text = f"{_shorten(title, X_LIMIT - X_LINK - 1)}\n{link}"
    return text


def posts_of(release: Release, language: str = "id", campaign: str = "") -> list[Post]:
    """The suggested posts of ``release`` in ``language``, their links tagged ``campaign``
    (default ``bagikan-<release pk>``)."""
    with translation.override(language):
        facts = facts_of(release)
        return posts_from(facts, language, campaign or campaign_of(facts.release_id))


def posts_from(facts: ReleaseFacts, language: str, campaign: str) -> list[Post]:
    """The posts of ``facts`` (see ``posts_of``); the active language is ``language``."""
    link = facts.url(campaign)
    tags = hashtags(facts)
    figures = [figure_text(f, language) for f in facts.figures]
    released = long_date(facts.released_at, language) if facts.released_at else ""
    sample = words("sample_note", language) if facts.sample else ""
    if sample and "data contoh" in facts.title.lower():
        sample = ""  # the title says it already
    intro = words("post_intro", language, agency=facts.agency, title=facts.title)
    if released:
        intro = words(
            "post_intro_date", language, agency=facts.agency, title=facts.title, date=released
        )
    lines = [f"📊 {intro}" + (f" {sample}" if sample else "")]
    if figures:
        lines.append("")
        lines.extend(f"• {text}" for text in figures)
    if facts.reference_period:
        lines.append("")
        lines.append(words("period", language, period=facts.reference_period))
    long_text = "\n".join(lines)
    instagram = (
        f"{long_text}\n\n"
        + words("post_read", language, link=link)
        + "\n"
        + words("post_bio", language)
        + "\n\n"
        + " ".join(tags)
    )
    bold = [f"*{facts.title}*" + (f" {sample}" if sample else "")]
    bold.append(intro)
    if figures:
        bold.append("")
        bold.extend(f"• *{text}*" for text in figures)
    whatsapp = "\n".join(bold) + "\n\n" + words("post_complete", language, link=link)
    x_text = _x_post(facts, link, tags, language)
    if sample and x_length(f"{x_text} {sample}") <= X_LIMIT:
        first, _sep, rest = x_text.partition("\n")
        x_text = f"{first} {sample}\n{rest}"
    return [
        Post("x", "X", language, x_text),
        Post("instagram", "Instagram / Facebook", language, instagram),
        Post("whatsapp", "WhatsApp", language, whatsapp),
    ]
