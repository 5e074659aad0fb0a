"""The staff help desk with 100,000 tickets: the "due today" and "overdue" views.

Issue figure (floor): the desk page's p95 at most 150 ms with 100,000 tickets in the database.

Runs alone, from a clean checkout:
    .venv/bin/python bench/bench_support_desk.py
    .venv/bin/python bench/bench_support_desk.py --tickets 100000 --runs 40

The tickets are invented ("data contoh") and written with bulk_create into a throw-away SQLite
database in a temporary folder, removed afterwards. Their spread is a desk two years old: most
tickets answered and closed, the open ones (about a fifth) received in the last weeks, some
waiting for the requester, some late; 30 agencies, 60 producers and 6 Walidata officers, a
third of the tickets assigned by name, the rest to an agency or to nobody. Deadlines are
counted as the services count them (``satudata.sop.workdays``), with a year of holidays.

Timed through Django's test client, as a Walidata officer (who sees every ticket) and as a
producer (who sees its agency's): the desk with ``tampil=today`` and ``tampil=overdue`` (the
floor), i.e. the filter, the count, one page of 25 rows with their deadline status, and the
per-person and per-agency summaries; the default view (all open) and "waiting" are timed too,
for information. ``--keep DIR`` keeps the database there and reuses it on the next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_synchronise import setup_django  # noqa: E402

FLOOR_MS = 150.0
FLOORED = ("today", "overdue")  # the views the floor is about
OTHERS = ("", "waiting")  # all open tickets, and those waiting: timed for information


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _people() -> tuple[list[Any], list[Any], list[Any]]:
    """30 agencies, 60 producers (two per agency), 6 Walidata officers and a Kepala Bidang."""
    from satudata.accounts.models import Agency, Membership, User
    from satudata.accounts.roles import Role

    agencies = Agency.objects.bulk_create(
        Agency(name=f"Dinas Contoh {i:02d}", short_name=f"D{i:02d}", slug=f"dinas-{i:02d}")
        for i in range(30)
    )
    producers = User.objects.bulk_create(
        User(username=f"produsen{i:02d}", full_name=f"Produsen {i:02d}", role=Role.PRODUSEN)
        for i in range(60)
    )
    Membership.objects.bulk_create(
        Membership(user=u, agency=agencies[i // 2]) for i, u in enumerate(producers)
    )
    officers = User.objects.bulk_create(
        User(username=f"walidata{i}", full_name=f"Petugas {i}", role=Role.WALIDATA)
        for i in range(6)
    )
    User.objects.create(username="kabid", full_name="Kepala Bidang", role=Role.KEPALA_BIDANG)
    return agencies, producers, officers


def _holidays(now: dt.datetime) -> set[dt.date]:
    """A plausible year of days off (about 25 days), stored in the Holiday table."""
    from satudata.sop.models import Holiday

    rng = random.Random(7)
    start = now.date() - dt.timedelta(days=760)
    days = {start + dt.timedelta(days=rng.randint(0, 800)) for _ in range(50)}
    Holiday.objects.bulk_create(Holiday(date=d, name="Libur contoh") for d in sorted(days))
    return days


def _tickets(count: int, now: dt.datetime) -> None:
    from django.conf import settings

    from satudata.sop.workdays import END_OF_DAY, WIB, add_working_days
    from satudata.support.models import Category, Channel, State, Ticket

    agencies, producers, officers = _people()
    holidays = _holidays(now)
    rng = random.Random(19)
    categories = list(Category.values)
    weights = [40, 25, 10, 10, 8, 7]
    due_cache: dict[tuple[dt.date, int], dt.datetime] = {}

    def due(day: dt.date, days: int) -> dt.datetime:
        key = (day, days)
        if key not in due_cache:
            moved = add_working_days(day, days, holidays)
            due_cache[key] = dt.datetime.combine(moved, END_OF_DAY, tzinfo=WIB)
        return due_cache[key]

    batch: list[Ticket] = []
    for i in range(count):
        is_open = rng.random() < 0.2
        # Open tickets came in the last 30 days, the others over two years.
        age = rng.uniform(0, 30 if is_open else 730) * 86400
        received = now - dt.timedelta(seconds=age)
        category = rng.choices(categories, weights)[0]
        day = received.astimezone(WIB).date()
        first_due = due(day, 1)
        answer_due = due(day, int(settings.SUPPORT_ANSWER_DAYS.get(category, 5)))
        if is_open:
            state = rng.choices(
                [State.RECEIVED, State.ACKNOWLEDGED, State.IN_PROGRESS, State.WAITING],
                [20, 20, 45, 15],
            )[0]
        else:
            state = rng.choices([State.CLOSED, State.ANSWERED], [92, 8])[0]
        handled = rng.random()
        assignee = (
            rng.choice(officers if rng.random() < 0.5 else producers) if handled < 0.35 else None
        )
        agency = rng.choice(agencies) if 0.35 <= handled < 0.85 else None
        done_at = received + dt.timedelta(hours=rng.uniform(2, 200))
        batch.append(
            Ticket(
                number=f"LYN-{received.astimezone(WIB).year}-{i:06d}",
                category=category,
                channel=rng.choice(Channel.values),
                state=state,
                subject=f"Permintaan data contoh {i}",
                message="Mohon data contoh per kecamatan.",
                requester_name=f"Pemohon {i}",
                requester_email=f"pemohon{i}@contoh.invalid",
                received_at=received,
                acknowledged_at=None if state == State.RECEIVED else received,
                first_response_due=first_due,
                answer_due=answer_due,
                paused_at=received if state == State.WAITING else None,
                answered_at=done_at if state in {State.ANSWERED, State.CLOSED} else None,
                closed_at=done_at if state == State.CLOSED else None,
                agency=agency,
                assignee=assignee,
                secret_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)


def _time_views(client: Any, url: str, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for view in (*FLOORED, *OTHERS):
        client.get(url, {"tampil": view})  # warm the caches (templates, translations)
        samples = []
        for _ in range(runs):
            began = time.perf_counter()
            answer = client.get(url, {"tampil": view})
            samples.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, answer.status_code
        times[view] = samples
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--keep", type=Path, help="keep the database in this folder and reuse it when there"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        reuse = (folder / "bench.sqlite3").exists()
        setup_django(folder)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from satudata.accounts.models import User
        from satudata.support.models import Ticket

        call_command("migrate", verbosity=0)
        now = timezone.now()
        began = time.perf_counter()
        if not reuse:
            _tickets(args.tickets, now)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        written = time.perf_counter() - began
        open_ = Ticket.objects.open()
        print(
            f"tickets: {Ticket.objects.count():,} "
            f"{'reused' if reuse else f'written in {written:.1f} s'}; open "
            f"{open_.count():,}, due today {open_.due_between(*_today(now)).count():,}, "
            f"overdue {open_.overdue(now).count():,}"
        )
        url = reverse("support:desk")
        worst = 0.0
        for who in ("walidata0", "produsen00"):
            client = Client()
            client.force_login(User.objects.get(username=who))
            for view, samples in _time_views(client, url, args.runs).items():
                p95 = _p95(samples)
                floor = f"floor: p95 ≤ {FLOOR_MS:.0f} ms" if view in FLOORED else "no floor"
                worst = max(worst, p95) if view in FLOORED else worst
                print(
                    f"desk {view or 'all open':<8} as {who:<10}: "
                    f"p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, "
                    f"max {max(samples):.1f} ms ({floor})"
                )
        verdict = "within" if worst <= FLOOR_MS else "ABOVE"
        print(f"worst p95 of due today / overdue: {worst:.1f} ms, {verdict} the floor")


def _today(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    from satudata.sop.workdays import WIB
    from satudata.support.stats import bounds

    day = now.astimezone(WIB).date()
    return bounds(day, day)


if __name__ == "__main__":
    main()
