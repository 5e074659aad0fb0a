"""Daily rollups: equal to the raw events' aggregation, incremental, idempotent, caught up after a
gap, re-rolled when late events arrive, robots kept apart; retention keeps un-rolled days."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from io import StringIO
from typing import Any

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from satudata.catalog.testing import table_dataset
from satudata.core.testing import PersonaTestCase
from satudata.reports import rollups
from satudata.reports.models import (
    DailyCampaign,
    DailyReferrer,
    DailySearch,
    DailySite,
    DailyUsage,
    RolledDay,
    UsageEvent,
)
from satudata.reports.retention import delete_expired

WIB = dt.timezone(dt.timedelta(hours=7))
DAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=WIB)


def event(when: dt.datetime, **fields: Any) -> UsageEvent:
    values: dict[str, Any] = {
        "kind": "page",
        "channel": "portal",
        "name": "portal:home",
        "status": 200,
        "visitor": "v1",
    }
    values.update(fields)
    return UsageEvent(at=when, **values)


def add(*events: UsageEvent) -> None:
    UsageEvent.objects.bulk_create(events)


def site(day: dt.date, bot: bool = False) -> dict[str, Any]:
    return dict(
        DailySite.objects.filter(day=day, bot=bot)
        .values(
            "visitors",
            "page_views",
            "downloads",
            "api_calls",
            "searches",
            "zero_result_searches",
            "events",
            "sample",
        )
        .get()
    )


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup row, without ids, for comparing two runs."""
    found = {}
    for model in (*rollups.ROLLUP_MODELS, RolledDay):
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id",)]
        if model is RolledDay:
            fields.remove("rolled_at")
        found[model.__name__] = sorted(model.objects.values_list(*fields))
    return found


@override_settings(USAGE_BOT_DAILY_REQUESTS=60, USAGE_BOT_BURST=20)
class RollupEqualsRawTests(PersonaTestCase):
    """Random events over three days; each rollup table against a GROUP BY done in Python."""

    def setUp(self) -> None:
        self.dataset = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Jumlah Puskesmas",
            columns=[("Kecamatan", "text"), ("Jumlah", "int")],
            rows=[["Pringsewu", 3]],
            publisher=self.p.kepala_bidang,
        )
        self.dataset.sector = "KESEHATAN"
        self.dataset.save(update_fields=["sector"])
        UsageEvent.objects.all().delete()
        rng = random.Random(21)
        slug = self.dataset.slug
        datasets = [slug, str(self.dataset.uuid), "tidak-ada", ""]
        events = []
        for n in range(1500):
            day = DAY + dt.timedelta(days=rng.randrange(3))
            kind = rng.choice(["page", "page", "download", "api", "search"])
            events.append(
                event(
                    at(day, rng.randrange(24), rng.randrange(60), rng.randrange(60)),
                    kind=kind,
                    channel=rng.choice(["portal", "rest", "ckan", "builder"]),
                    name=rng.choice(["portal:dataset", "portal:download", "api-v1:x"]),
                    format=rng.choice(["", "csv", "xlsx"]) if kind == "download" else "",
                    dataset=rng.choice(datasets),
                    product=rng.choice(["", "", "buku-saku"]),
                    query=rng.choice(["beras", "stunting per pekon"]) if kind == "search" else "",
                    results=rng.choice([0, 3]) if kind == "search" else None,
                    status=rng.choice([200, 200, 200, 304, 404, 429]),
                    visitor=f"h{rng.randrange(40)}",
                    signed_in=rng.random() < 0.1,
                    bot=rng.random() < 0.08,
                    campaign=rng.choice(["", "", "", "rilis-beras"]),
                    referrer=rng.choice(["", "search", "social"]),
                    referrer_host=rng.choice(["", "google.com", "wa.me"]),
                    sample=n % 97 == 0,
                )
            )
        # A robot by behaviour on the first day: 70 requests (daily limit 60), with a browser's
        # agent; another that bursts 25 requests in one minute (burst limit 20).
        events += [event(at(DAY, 3, n % 59), visitor="crawler") for n in range(70)]
        events += [event(at(DAY, 4, 30, n), visitor="burst") for n in range(25)]
        # The same hash on the next day behaves: a person again.
        events += [event(at(DAY + dt.timedelta(days=1), 9), visitor="crawler")]
        add(*events)
        self.facts = {slug: (self.p.agency.pk, "KESEHATAN")}

    def expected(self, day: dt.date) -> dict[str, Any]:
        rows = [e for e in UsageEvent.objects.all() if timezone.localtime(e.at, WIB).date() == day]
        per_visitor = Counter(e.visitor for e in rows)
        per_minute = Counter((e.visitor, e.at.replace(second=0, microsecond=0)) for e in rows)
        robots = {v for v, n in per_visitor.items() if n > 60}
        robots |= {v for (v, _m), n in per_minute.items() if n > 20}
        uuid_key = str(self.dataset.uuid)

        def robot(e: UsageEvent) -> bool:
            return e.bot or e.visitor in robots

        usage: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, set(), 0])
        for e in rows:
            name = self.dataset.slug if e.dataset == uuid_key else e.dataset
            key = (e.kind, e.channel, e.name, e.format, name, e.product, robot(e), e.signed_in)
            if e.status < 400:
                usage[key][0] += 1
                usage[key][1].add(e.visitor)
            else:
                usage[key][2] += 1
        usage_rows = sorted(
            (*key, *self.facts.get(key[4], (None, "")), n, len(v), failed)
            for key, (n, v, failed) in usage.items()
        )
        public = [e for e in rows if not robot(e) and not e.signed_in and e.status < 400]
        referrers: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, set()])
        for e in public:
            if e.kind != "api":
                referrers[(e.referrer, e.referrer_host)][0] += 1
                referrers[(e.referrer, e.referrer_host)][1].add(e.visitor)
        searches: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for e in public:
            if e.kind == "search" and e.query:
                searches[e.query][0] += 1
                searches[e.query][1] += e.results == 0
        campaigns: dict[str, list[Any]] = defaultdict(lambda: [0, set()])
        for e in public:
            if e.campaign:
                campaigns[e.campaign][0] += 1
                campaigns[e.campaign][1].add(e.visitor)

        def site_of(chosen: list[UsageEvent]) -> dict[str, Any]:
            ok = [e for e in chosen if e.status < 400]
            return {
                "visitors": len({e.visitor for e in ok}),
                "page_views": sum(e.kind == "page" for e in ok),
                "downloads": sum(e.kind == "download" for e in ok),
                "api_calls": sum(e.kind == "api" for e in ok),
                "searches": sum(e.kind == "search" for e in ok),
                "zero_result_searches": sum(e.kind == "search" and e.results == 0 for e in ok),
                "events": len(ok),
                "sample": any(e.sample for e in chosen),
            }

        return {
            "robots": robots,
            "usage": usage_rows,
            "site": site_of([e for e in rows if not robot(e) and not e.signed_in]),
            "site_bots": site_of([e for e in rows if robot(e)]),
            "referrers": sorted((k, h, n, len(v)) for (k, h), (n, v) in referrers.items()),
            "searches": sorted((q, n, z) for q, (n, z) in searches.items()),
            "campaigns": sorted((c, n, len(v)) for c, (n, v) in campaigns.items()),
            "raw": len(rows),
        }

    def test_every_rollup_equals_the_raw_aggregation(self) -> None:
        for offset in range(3):
            day = DAY + dt.timedelta(days=offset)
            rolled = rollups.roll_day(day)
            want = self.expected(day)
            with self.subTest(day=day):
                self.assertEqual(rolled.raw_events, want["raw"])
                got = sorted(
                    DailyUsage.objects.filter(day=day).values_list(
                        "kind",
                        "channel",
                        "name",
                        "format",
                        "dataset",
                        "product",
                        "bot",
                        "signed_in",
                        "agency_id",
                        "sector",
                        "events",
                        "visitors",
                        "failed",
                    )
                )
                self.assertEqual(got, want["usage"])
                self.assertEqual(site(day), want["site"])
                self.assertEqual(site(day, bot=True), want["site_bots"])
                self.assertEqual(
                    sorted(
                        DailyReferrer.objects.filter(day=day).values_list(
                            "kind", "host", "events", "visitors"
                        )
                    ),
                    want["referrers"],
                )
                self.assertEqual(
                    sorted(
                        DailySearch.objects.filter(day=day).values_list(
                            "query", "searches", "zero_results"
                        )
                    ),
                    want["searches"],
                )
                self.assertEqual(
                    sorted(
                        DailyCampaign.objects.filter(day=day).values_list(
                            "campaign", "landings", "visitors"
                        )
                    ),
                    want["campaigns"],
                )
        # The checks above can fail: the robots and the identifier really were there.
        self.assertEqual(self.expected(DAY)["robots"] >= {"crawler", "burst"}, True)
        self.assertNotIn("crawler", self.expected(DAY + dt.timedelta(days=1))["robots"])
        self.assertFalse(DailyUsage.objects.filter(dataset=str(self.dataset.uuid)).exists())
        self.assertTrue(
            DailyUsage.objects.filter(dataset=self.dataset.slug, agency=self.p.agency).exists()
        )

    def test_behaviour_robots_roll_up_as_robots(self) -> None:
        rollups.roll_day(DAY)
        crawler = DailyUsage.objects.filter(day=DAY, name="portal:home", bot=True)
        self.assertEqual(sum(crawler.values_list("events", flat=True)), 95)
        self.assertFalse(DailyUsage.objects.filter(day=DAY, name="portal:home", bot=False).exists())
        rollups.roll_day(DAY + dt.timedelta(days=1))
        self.assertTrue(
            DailyUsage.objects.filter(
                day=DAY + dt.timedelta(days=1), name="portal:home", bot=False
            ).exists()
        )

    def test_rolled_twice_gives_the_same_rows(self) -> None:
        rollups.roll_range(DAY, DAY + dt.timedelta(days=2))
        first = snapshot()
        rollups.roll_range(DAY, DAY + dt.timedelta(days=2))
        self.assertEqual(snapshot(), first)
        self.assertEqual(DailySite.objects.filter(day=DAY).count(), 2)


class PendingTests(PersonaTestCase):
    def test_nothing_to_roll_without_events(self) -> None:
        self.assertEqual(rollups.roll_pending(at(DAY, 12)), [])
        self.assertFalse(RolledDay.objects.exists())

    def test_incremental_idempotent_and_catching_up_after_a_gap(self) -> None:
        add(event(at(DAY, 8)), event(at(DAY + dt.timedelta(days=1), 8), visitor="v2"))
        now = at(DAY + dt.timedelta(days=1), 12)
        self.assertEqual(rollups.roll_pending(now), [DAY, DAY + dt.timedelta(days=1)])
        self.assertTrue(RolledDay.objects.get(day=DAY).complete)
        self.assertFalse(RolledDay.objects.get(day=DAY + dt.timedelta(days=1)).complete)
        before = snapshot()
        # Run again at the same moment: only today, still running, is rolled again; no change.
        self.assertEqual(rollups.roll_pending(now), [DAY + dt.timedelta(days=1)])
        self.assertEqual(snapshot(), before)
        # Four days without a run (the scheduler was down), with events on two of them.
        add(event(at(DAY + dt.timedelta(days=2), 9)), event(at(DAY + dt.timedelta(days=4), 9)))
        later = at(DAY + dt.timedelta(days=5), 1)
        done = rollups.roll_pending(later)
        self.assertEqual(done, [DAY + dt.timedelta(days=n) for n in range(1, 6)])
        self.assertEqual(site(DAY + dt.timedelta(days=3))["page_views"], 0)  # a day with none
        self.assertEqual(site(DAY + dt.timedelta(days=4))["page_views"], 1)
        self.assertEqual(
            list(RolledDay.objects.filter(complete=False).values_list("day", flat=True)),
            [DAY + dt.timedelta(days=5)],
        )

    def test_a_day_is_complete_only_after_the_flush_margin(self) -> None:
        add(event(at(DAY, 23, 59)))
        rollups.roll_pending(at(DAY + dt.timedelta(days=1), 0, 5))
        self.assertFalse(RolledDay.objects.get(day=DAY).complete)
        # An event the buffer flushed late, before the margin: counted at the next run.
        add(event(at(DAY, 23, 59, 30), visitor="late"))
        self.assertIn(DAY, rollups.roll_pending(at(DAY + dt.timedelta(days=1), 0, 20)))
        rolled = RolledDay.objects.get(day=DAY)
        self.assertTrue(rolled.complete)
        self.assertEqual(site(DAY)["visitors"], 2)

    def test_late_events_of_a_complete_day_roll_it_again(self) -> None:
        add(event(at(DAY, 8)))
        rollups.roll_pending(at(DAY + dt.timedelta(days=2), 12))
        self.assertEqual(site(DAY)["page_views"], 1)
        add(event(at(DAY, 9), visitor="v9"))
        done = rollups.roll_pending(at(DAY + dt.timedelta(days=2), 13))
        self.assertEqual(done, [DAY, DAY + dt.timedelta(days=2)])
        self.assertEqual(site(DAY)["page_views"], 2)
        self.assertEqual(RolledDay.objects.get(day=DAY).raw_events, 2)

    def test_the_command_rebuilds_a_range_and_refuses_bad_dates(self) -> None:
        add(event(at(DAY, 8)))
        out = StringIO()
        call_command("rollup_usage", "--from", "2026-03-09", "--to", "2026-03-10", stdout=out)
        self.assertIn("2 hari", out.getvalue())
        self.assertEqual(site(DAY)["page_views"], 1)
        with self.assertRaisesMessage(CommandError, "bukan tanggal"):
            call_command("rollup_usage", "--from", "10/03/2026")
        with self.assertRaisesMessage(CommandError, "sebelum"):
            call_command("rollup_usage", "--from", "2026-03-10", "--to", "2026-03-01")


@override_settings(USAGE_RAW_RETENTION_DAYS=30)
class RetentionTests(PersonaTestCase):
    def test_only_old_complete_days_lose_their_raw_events(self) -> None:
        old, unrolled, recent = DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=40)
        add(event(at(old, 8)), event(at(unrolled, 8)), event(at(recent, 8)))
        rollups.roll_day(old, now=at(DAY + dt.timedelta(days=2), 0))
        rollups.roll_day(recent, now=at(DAY + dt.timedelta(days=42), 0))
        # A late event of the old day, never rolled: rolled before the raw events go.
        add(event(at(old, 9), visitor="late"))
        deleted = delete_expired(at(DAY + dt.timedelta(days=45), 12))
        self.assertEqual(deleted, 2)
        self.assertEqual(
            sorted(timezone.localdate(e) for e in UsageEvent.objects.values_list("at", flat=True)),
            [unrolled, recent],
        )
        self.assertEqual(site(old)["page_views"], 2)  # the figures stay

    @override_settings(USAGE_RAW_RETENTION_DAYS=0)
    def test_zero_keeps_everything(self) -> None:
        add(event(at(DAY, 8)))
        rollups.roll_day(DAY, now=at(DAY + dt.timedelta(days=2), 0))
        self.assertEqual(delete_expired(at(DAY + dt.timedelta(days=4000), 0)), 0)
        self.assertEqual(UsageEvent.objects.count(), 1)
