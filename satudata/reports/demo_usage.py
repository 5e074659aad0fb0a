"""A year of sample usage for the demo ("data contoh"): raw usage events, every one marked
``sample=True``, shaped like a regency portal's real traffic so that the dashboard, the KPIs
and the dissemination report have something true-looking to show.

The shape: working days busy, Friday lower (Friday prayers shorten the day), Saturday low,
Sunday lowest; quiet around Lebaran (the week of Idul Fitri and cuti bersama) and the
year-end holidays; peaks on release days and in the budgeting months (July–August for the
KUA-PPAS, October–November for the APBD); growth over the year. Page views, downloads by
format, API calls by channel, searches (some finding nothing: unmet demand), referrers,
campaign tags of the demo's promotion actions, declared robots, and one undeclared robot
that makes thousands of requests in a day (found by behaviour when the day is rolled up).
Visitors are daily hashes, as the recorder keeps them.

Random but repeatable (``seed``); never in the future; a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from satudata.catalog.models import Dataset
from satudata.products.models import Product
from satudata.promotion.models import PromotionAction
from satudata.releases.models import Release
from satudata.reports.models import Channel, EventKind, ReferrerKind, UsageEvent
from satudata.sop.models import Holiday

CHUNK = 5_000
# Idul Fitri (1 Syawal) as the government fixed it; the week around it is quiet.
IDUL_FITRI = [dt.date(2025, 3, 31), dt.date(2026, 3, 20), dt.date(2027, 3, 10)]
WEEKDAY = (1.0, 1.05, 1.05, 1.0, 0.8, 0.45, 0.3)  # Monday … Sunday
BUDGET_MONTHS = {7: 1.2, 8: 1.25, 10: 1.2, 11: 1.3}
HOURS = (
    [0.2] * 6
    + [0.6, 1.2, 2.2, 2.6, 2.6, 2.0, 1.4, 2.2, 2.4, 2.0, 1.4, 1.0]
    + [0.9] * 4
    + [
        0.6,
        0.3,
    ]
)
HOUR_WEIGHTS = list(itertools.accumulate(HOURS))
DOWNLOAD_FORMATS = {"csv": 40, "xlsx": 32, "json": 8, "csv-id": 8, "parquet": 2}
PRODUCT_FORMATS = {"pdf": 50, "xlsx": 25, "csv": 15, "png": 10}
API_CHANNELS = {
    Channel.REST: ("api-v1:dataset_detail", 30),
    Channel.CKAN: ("ckan:package_show", 24),
    Channel.DCAT: ("api:dcat-catalog", 10),
    Channel.DATA_JSON: ("api:data-json", 8),
    Channel.DATAPACKAGE: ("api:datapackage", 10),
}
FOUND = [
    "stunting",
    "jumlah penduduk",
    "kemiskinan",
    "pendidikan",
    "puskesmas",
    "produksi padi",
    "IPM",
    "inflasi",
    "jalan rusak",
    "bidan desa",
    "angka partisipasi sekolah",
    "luas panen",
]
UNFOUND = [
    "stunting per pekon",
    "harga cabai",
    "data UMKM per kecamatan",
    "jumlah ojek online",
    "curah hujan harian",
    "harga gabah pekon",
]
REFERRERS = {
    ReferrerKind.SEARCH: (["www.google.com", "www.bing.com", "duckduckgo.com"], 45),
    ReferrerKind.SOCIAL: (["l.facebook.com", "wa.me", "t.me", "www.instagram.com", "t.co"], 14),
    ReferrerKind.GOVERNMENT: (
        ["pringsewukab.go.id", "data.go.id", "lampung.bps.go.id", "lampungprov.go.id"],
        10,
    ),
    ReferrerKind.OTHER: (["kompas.com", "lampost.co", "scholar.google.com"], 4),
    ReferrerKind.NONE: ([""], 27),
}


# The columns written, in this order (``Day.add``, ``_insert``).
COLUMNS = (
    "at",
    "kind",
    "channel",
    "dataset",
    "format",
    "query",
    "results",
    "status",
    "signed_in",
    "campaign",
    "product",
    "referrer",
    "referrer_host",
    "bot",
    "sample",
    "name",
    "visitor",
)
DEFAULTS: dict[str, object] = {
    "dataset": "",
    "format": "",
    "query": "",
    "results": None,
    "status": 200,
    "signed_in": False,
    "campaign": "",
    "product": "",
    "referrer": "",
    "referrer_host": "",
    "bot": False,
    "sample": True,
}


@dataclass
class Catalogue:
    """The demo's real objects, most read first (popularity falls off like Zipf's law)."""

    datasets: list[str]
    dataset_weights: list[float]
    products: list[str]
    product_weights: list[float]
    release_days: set[dt.date]
    campaigns: dict[dt.date, list[str]]
    holidays: set[dt.date]
    own_host: str = ""

    def dataset(self, rng: random.Random) -> str:
        if not self.datasets:
            return ""
        return rng.choices(self.datasets, cum_weights=self.dataset_weights)[0]

    def product(self, rng: random.Random) -> str:
        if not self.products:
            return ""
        return rng.choices(self.products, cum_weights=self.product_weights)[0]


def _zipf(count: int) -> list[float]:
    """Cumulative weights (for ``random.choices``) of ranks falling off like Zipf's law."""
    return list(itertools.accumulate(1 / (rank**1.1) for rank in range(1, count + 1)))


def _catalogue(rng: random.Random, first: dt.date, last: dt.date) -> Catalogue:
    datasets = sorted(Dataset.objects.values_list("slug", flat=True))
    products = sorted(Product.objects.values_list("slug", flat=True))
    rng.shuffle(datasets)
    rng.shuffle(products)
    release_days = {
        timezone.localtime(at).date()
        for at in Release.objects.published().values_list("release_at", flat=True)
        if at is not None
    }
    campaigns: dict[dt.date, list[str]] = {}
    for tag, planned_on in PromotionAction.objects.values_list("campaign", "planned_on"):
        for offset in range(10):
            campaigns.setdefault(planned_on + dt.timedelta(days=offset), []).append(tag)
    holidays = set(Holiday.objects.filter(date__range=(first, last)).values_list("date", flat=True))
    return Catalogue(
        datasets=datasets,
        dataset_weights=_zipf(len(datasets)),
        products=products,
        product_weights=_zipf(len(products)),
        release_days=release_days,
        campaigns=campaigns,
        holidays=holidays,
        own_host=urlsplit(getattr(settings, "SITE_URL", "")).hostname or "",
    )


def day_factor(day: dt.date, first: dt.date, days: int, catalogue: Catalogue) -> float:
    """How busy ``day`` is against an ordinary Monday at the start of the year."""
    factor = WEEKDAY[day.weekday()] * BUDGET_MONTHS.get(day.month, 1.0)
    factor *= 0.75 + 0.6 * (day - first).days / max(days - 1, 1)  # growth over the year
    if any(-4 <= (day - lebaran).days <= 7 for lebaran in IDUL_FITRI):
        factor *= 0.35
    elif (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1):
        factor *= 0.4
    elif day in catalogue.holidays:
        factor *= 0.45
    if day in catalogue.release_days:
        factor *= 1.8
    elif day - dt.timedelta(days=1) in catalogue.release_days:
        factor *= 1.3
    return factor


@dataclass
class Day:
    """One day's events being made, with the day's visitor hashes."""

    day: dt.date
    rng: random.Random
    catalogue: Catalogue
    until: dt.datetime
    events: list[tuple[Any, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # WIB keeps no summer time: a day's moments are its midnight plus seconds.
        self.midnight = timezone.make_aware(dt.datetime.combine(self.day, dt.time()))

    def at(self) -> dt.datetime:
        hour = self.rng.choices(range(24), cum_weights=HOUR_WEIGHTS)[0]
        return self.midnight + dt.timedelta(seconds=hour * 3600 + self.rng.randrange(3600))

    def add(self, visitor: str, kind: str, channel: str, name: str, **fields: object) -> None:
        moment = self.at()
        if moment > self.until:
            return
        values = {**DEFAULTS, **fields, "at": moment, "kind": kind, "channel": channel}
        values["name"], values["visitor"] = name, visitor
        self.events.append(tuple(values[column] for column in COLUMNS))


def _visitor(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def _referrer(rng: random.Random) -> tuple[str, str]:
    kinds = list(REFERRERS)
    kind = rng.choices(kinds, [REFERRERS[k][1] for k in kinds])[0]
    return kind, rng.choice(REFERRERS[kind][0])


def _person(day: Day) -> None:
    """One person's visit: an arrival, some pages, perhaps a search and a download."""
    rng, catalogue = day.rng, day.catalogue
    visitor, signed_in = _visitor(rng), rng.random() < 0.03
    kind, host = _referrer(rng)
    tags = catalogue.campaigns.get(day.day)
    campaign = rng.choice(tags) if tags and rng.random() < 0.08 else ""
    dataset = catalogue.dataset(rng)
    day.add(
        visitor,
        EventKind.PAGE_VIEW,
        Channel.PORTAL,
        "portal:dataset" if dataset else "portal:home",
        dataset=dataset,
        referrer=kind,
        referrer_host=host,
        campaign=campaign,
        signed_in=signed_in,
    )
    for _page in range(int(rng.expovariate(0.7))):
        _page_view(day, visitor, signed_in)
    if rng.random() < 0.35:
        _search(day, visitor)
    if rng.random() < 0.3:
        _download(day, visitor, dataset)


def _page_view(day: Day, visitor: str, signed_in: bool) -> None:
    rng, catalogue = day.rng, day.catalogue
    internal = {"referrer": ReferrerKind.INTERNAL, "referrer_host": catalogue.own_host}
    roll = rng.random()
    if roll < 0.55:
        dataset = catalogue.dataset(rng)
        day.add(
            visitor,
            EventKind.PAGE_VIEW,
            Channel.PORTAL,
            "portal:dataset",
            dataset=dataset,
            signed_in=signed_in,
            **internal,
        )
    elif roll < 0.8 and catalogue.products:
        day.add(
            visitor,
            EventKind.PAGE_VIEW,
            Channel.PORTAL,
            "products:detail",
            product=catalogue.product(rng),
            signed_in=signed_in,
            **internal,
        )
    else:
        name = rng.choice(["portal:home", "releases:calendar", "builder:table"])
        status = 404 if rng.random() < 0.02 else 200
        day.add(
            visitor,
            EventKind.PAGE_VIEW,
            Channel.PORTAL,
            name,
            status=status,
            signed_in=signed_in,
            **internal,
        )


def _search(day: Day, visitor: str) -> None:
    rng = day.rng
    if rng.random() < 0.15:
        query, results = rng.choice(UNFOUND), 0
    else:
        query, results = rng.choice(FOUND), rng.randint(1, 40)
    day.add(
        visitor, EventKind.SEARCH, Channel.PORTAL, "portal:search", query=query, results=results
    )


def _download(day: Day, visitor: str, dataset: str) -> None:
    rng, catalogue = day.rng, day.catalogue
    roll = rng.random()
    if roll < 0.6 and dataset:
        fmt = rng.choices(list(DOWNLOAD_FORMATS), list(DOWNLOAD_FORMATS.values()))[0]
        day.add(
            visitor,
            EventKind.DOWNLOAD,
            Channel.PORTAL,
            "portal:download",
            dataset=dataset,
            format=fmt,
        )
    elif roll < 0.85 and catalogue.products:
        fmt = rng.choices(list(PRODUCT_FORMATS), list(PRODUCT_FORMATS.values()))[0]
        day.add(
            visitor,
            EventKind.DOWNLOAD,
            Channel.PORTAL,
            "products:file",
            product=catalogue.product(rng),
            format=fmt,
        )
    elif dataset:
        day.add(
            visitor,
            EventKind.DOWNLOAD,
            Channel.BUILDER,
            "builder:download",
            dataset=dataset,
            format=rng.choice(["xlsx", "csv"]),
        )


def _machine(day: Day) -> None:
    """A script of a user or a catalogue harvesting: a few API calls by one client."""
    rng = day.rng
    channel = rng.choices(list(API_CHANNELS), [w for _n, w in API_CHANNELS.values()])[0]
    name, visitor = API_CHANNELS[channel][0], _visitor(rng)
    for _call in range(rng.randint(1, 8)):
        dataset = "" if channel in (Channel.DCAT, Channel.DATA_JSON) else day.catalogue.dataset(rng)
        day.add(
            visitor,
            EventKind.API_CALL,
            channel,
            name,
            dataset=dataset,
            bot=channel in (Channel.DCAT, Channel.DATA_JSON) and rng.random() < 0.5,
        )


def _crawler(day: Day) -> None:
    """A declared robot (search engine, link preview, monitor)."""
    rng = day.rng
    visitor = _visitor(rng)
    for _page in range(rng.randint(5, 40)):
        status = 429 if rng.random() < 0.03 else 200
        day.add(
            visitor,
            EventKind.PAGE_VIEW,
            Channel.PORTAL,
            "portal:dataset",
            dataset=day.catalogue.dataset(rng),
            bot=True,
            status=status,
        )


def _scraper(day: Day, requests: int) -> None:
    """The robot that does not say so: one address pulling every download all day."""
    rng, visitor = day.rng, _visitor(day.rng)
    for _n in range(requests):
        day.add(
            visitor,
            EventKind.DOWNLOAD,
            Channel.PORTAL,
            "portal:download",
            dataset=day.catalogue.dataset(rng),
            format="csv",
        )


def _one_day(day: Day, factor: float, scraper: int) -> list[tuple[Any, ...]]:
    rng = day.rng
    for _n in range(round(rng.gauss(150, 12) * factor)):
        _person(day)
    for _n in range(round(rng.gauss(14, 3) * max(factor, 0.5))):
        _machine(day)
    for _n in range(rng.randint(1, 3)):
        _crawler(day)
    if scraper:
        _scraper(day, scraper)
    return day.events


def sample_days(today: dt.date, days: int) -> Iterator[dt.date]:
    first = today - dt.timedelta(days=days - 1)
    return (first + dt.timedelta(days=n) for n in range(days))


@transaction.atomic
def load_sample_usage(today: dt.date | None = None, days: int = 365, *, seed: int = 21) -> int:
    """Write ``days`` days of sample usage events ending ``today`` (WIB; default today, up to
    now) and answer how many; 0 when sample events are already there."""
    if UsageEvent.objects.filter(sample=True).exists():
        return 0
    now = timezone.now()
    last = min(today or timezone.localdate(), timezone.localdate())
    first = last - dt.timedelta(days=days - 1)
    rng = random.Random(seed)  # noqa: S311 (sample data, not secrets)
    catalogue = _catalogue(rng, first, last)
    scraper_day = first + dt.timedelta(days=math.floor(days * 0.6))
    written, batch = 0, []
    for day in sample_days(last, days):
        factor = day_factor(day, first, days, catalogue)
        maker = Day(day=day, rng=rng, catalogue=catalogue, until=now)
        batch += _one_day(maker, factor, 4_000 if day == scraper_day else 0)
        if len(batch) >= CHUNK:
            written += _insert(batch)
            batch = []
    return written + _insert(batch)


def _insert(rows: list[tuple[Any, ...]]) -> int:
    """Many rows in one statement executed many times: the ORM's ``bulk_create`` spends most of
    its time preparing each value of each instance, ten times the cost of writing them."""
    if not rows:
        return 0
    meta, ops = UsageEvent._meta, connection.ops
    column = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(ops.quote_name(column[name]) for name in COLUMNS)
    places = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES ({places})"  # noqa: S608
    adapted = [(ops.adapt_datetimefield_value(row[0]), *row[1:]) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, adapted)
    return len(rows)
