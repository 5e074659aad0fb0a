"""Where visitors come from: the Referer header, reduced to its host and a kind.

Only the **host** is kept, never the path or the query (they can carry search words, e-mail
addresses, tokens). The kind (``ReferrerKind``):

- ``internal``: this portal itself (the request's host or ``SITE_URL``'s);
- ``search``: search engines (Google, Bing, DuckDuckGo, Yandex, Yahoo, Ecosia, Baidu, …);
- ``social``: social media and messengers (Facebook, Instagram, X/Twitter and t.co, WhatsApp
  (wa.me, api.whatsapp.com), Telegram (t.me), LinkedIn, YouTube, TikTok, Threads);
- ``government``: ``*.go.id`` and ``*.desa.id`` (ministries, the province, regencies, villages);
- ``other``: any other site; "" (direct or unknown) when there is no usable Referer.

Android apps send ``android-app://<package>/``: the package is kept as the host and known apps
(Google search, Facebook, WhatsApp, Telegram, …) are classified like their sites.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings

from satudata.reports.models import ReferrerKind

SEARCH_ENGINES = frozenset(
    {
        "google",
        "bing",
        "duckduckgo",
        "yandex",
        "yahoo",
        "ecosia",
        "baidu",
        "qwant",
        "startpage",
        "naver",
        "seznam",
        "petalsearch",
        "brave",
        "aol",
        "ask",
    }
)
SOCIAL_DOMAINS = (
    "facebook.com",
    "fb.com",
    "fb.me",
    "instagram.com",
    "x.com",
    "t.co",
    "twitter.com",
    "whatsapp.com",
    "wa.me",
    "t.me",
    "telegram.org",
    "telegram.me",
    "linkedin.com",
    "lnkd.in",
    "youtube.com",
    "youtu.be",
    "tiktok.com",
    "threads.net",
    "reddit.com",
    "line.me",
)
GOVERNMENT_SUFFIXES = (".go.id", ".desa.id")
# Android apps' packages as they appear in android-app:// referrers.
APPS = {
    "com.google.android.googlequicksearchbox": ReferrerKind.SEARCH,
    "com.google.android.gm": ReferrerKind.OTHER,
    "com.facebook.katana": ReferrerKind.SOCIAL,
    "com.facebook.orca": ReferrerKind.SOCIAL,
    "com.instagram.android": ReferrerKind.SOCIAL,
    "com.whatsapp": ReferrerKind.SOCIAL,
    "org.telegram.messenger": ReferrerKind.SOCIAL,
    "com.twitter.android": ReferrerKind.SOCIAL,
    "com.linkedin.android": ReferrerKind.SOCIAL,
    "com.zhiliaoapp.musically": ReferrerKind.SOCIAL,
    "com.ss.android.ugc.trill": ReferrerKind.SOCIAL,
}
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,98}[a-z0-9])?$")
# Prefixes that do not change which site a host is.
_PREFIXES = ("www.", "m.", "mobile.", "l.", "lm.", "web.", "search.")


def _strip(host: str) -> str:
    for prefix in _PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


@lru_cache(maxsize=16)
def _site_host(site_url: str) -> str:
    return _strip((urlsplit(site_url).hostname or "").lower())


def _is_search(host: str) -> bool:
    """google.com, google.co.id, bing.com, duckduckgo.com, search.yahoo.com …: a search name
    followed only by a (country) top-level domain."""
    labels = host.split(".")
    for i, label in enumerate(labels):
        if label in SEARCH_ENGINES:
            rest = labels[i + 1 :]
            return 1 <= len(rest) <= 2 and all(len(part) <= 3 for part in rest)
    return False


def kind_of(host: str, own: frozenset[str] = frozenset()) -> str:
    """The referrer kind of a (cleaned, lower-case) host name; ``own``: this portal's hosts."""
    if not host:
        return ReferrerKind.NONE
    if host in own:
        return ReferrerKind.INTERNAL
    if host in APPS:
        return APPS[host]
    if host.endswith(GOVERNMENT_SUFFIXES) or host in ("go.id", "desa.id"):
        return ReferrerKind.GOVERNMENT
    if any(host == d or host.endswith("." + d) for d in SOCIAL_DOMAINS):
        return ReferrerKind.SOCIAL
    if _is_search(host):
        return ReferrerKind.SEARCH
    return ReferrerKind.OTHER


@lru_cache(maxsize=4096)
def _parse(referer: str, request_host: str, site_host: str) -> tuple[str, str]:
    try:
        parts = urlsplit(referer.strip()[:2000])
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return ReferrerKind.NONE, ""
    if parts.scheme not in ("http", "https", "android-app") or not _HOST.match(host):
        return ReferrerKind.NONE, ""
    host = _strip(host)
    own = frozenset({_strip(request_host), site_host} - {""})
    return kind_of(host, own), host


def classify(referer: str | None, request_host: str = "") -> tuple[str, str]:
    """(kind, host) of a Referer header; ("", "") when there is none or it is not an address.
    ``request_host`` is the host the request was made to (this portal), without its port."""
    if not referer:
        return ReferrerKind.NONE, ""
    site = _site_host(getattr(settings, "SITE_URL", "") or "")
    return _parse(referer, request_host.lower().split(":")[0] if request_host else "", site)
