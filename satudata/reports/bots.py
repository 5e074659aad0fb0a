"""Robots, told apart from people, so that the figures the report gives are people's use.

Two ways, both documented for the operator guide:

1. **By user agent**, when a request is recorded (``UsageEvent.bot``): the agent declares itself
   a robot. ``PATTERNS`` below is the list, matched case-insensitively anywhere in the header;
   an **empty or missing user agent** counts as a robot too (browsers always send one).
2. **By behaviour**, when a day is rolled up (``satudata.reports.rollups``): a daily visitor
   hash with more than ``USAGE_BOT_DAILY_REQUESTS`` requests that day (default 1,000) or more
   than ``USAGE_BOT_BURST`` in one minute (default 120) is a robot for that whole day, whatever
   its user agent says. Hashes change every day, so the mark never follows anyone.

Robots' requests are kept (the site serves them), counted apart (``bot=True`` rollups) and left
out of the figures of people's use by default.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings

# Words in a user agent that declare a robot. Generic words first, then named agents that do not
# contain them. Lower case; matched as substrings.
PATTERNS: tuple[str, ...] = (
    # generic: crawlers, spiders and most self-declared robots (Googlebot, bingbot, AhrefsBot…)
    "bot",
    "crawl",
    "spider",
    "slurp",  # Yahoo
    "archiver",
    "scraper",
    "fetcher",
    "preview",  # link previews (Skype, Slack, …)
    # command-line tools and script libraries
    "curl/",
    "wget",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "httpx",
    "aiohttp",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww-perl",
    "php/",
    "guzzlehttp",
    "node-fetch",
    "axios/",
    "ruby",
    "scrapy",
    "postmanruntime",
    "insomnia",
    "apache-httpclient",
    # headless and automated browsers
    "headlesschrome",
    "phantomjs",
    "selenium",
    "puppeteer",
    "playwright",
    "lighthouse",
    # link previews of social networks and messengers
    "facebookexternalhit",
    "facebookcatalog",
    "whatsapp",  # WhatsApp's link preview ("WhatsApp/2.23…")
    "telegrambot",
    "twitterbot",
    "linkedinbot",
    "slack",
    "discord",
    "embedly",
    "pinterest",
    # monitoring and uptime services
    "uptimerobot",
    "pingdom",
    "statuscake",
    "site24x7",
    "newrelic",
    "datadog",
    "monitor",
    "nagios",
    "zabbix",
    "check_http",
    "prometheus",
    "blackbox",
    # SEO and feed readers
    "semrush",
    "ahrefs",
    "mj12",
    "dotbot",
    "petalbot",
    "feedfetcher",
    "feedburner",
)

# "bot" but not the phone maker Cubot, whose model names appear in real browsers' agents.
_PATTERN = re.compile("|".join(r"(?<!cu)bot" if p == "bot" else re.escape(p) for p in PATTERNS))


@lru_cache(maxsize=4096)
def is_bot(agent: str | None) -> bool:
    """True when the user agent declares a robot, or is empty (see the module's note)."""
    text = (agent or "").strip().lower()
    return not text or _PATTERN.search(text) is not None


def daily_limit() -> int:
    """Requests a visitor hash may make in one day before it counts as a robot that day."""
    return int(getattr(settings, "USAGE_BOT_DAILY_REQUESTS", 1000))


def burst_limit() -> int:
    """Requests a visitor hash may make in one minute before it counts as a robot that day."""
    return int(getattr(settings, "USAGE_BOT_BURST", 120))
