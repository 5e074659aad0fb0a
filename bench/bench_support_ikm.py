"""The IKM recap of a year: 20,000 survey answers summed per PermenPAN-RB 14/2017.

Issue figure (floor): the IKM recap of a year in at most 500 ms with 20,000 survey answers
(and 100,000 tickets in the database). The tickets are not written here: the recap reads the
survey answers only (``SurveyResponse``, by its own ``submitted_at`` index), never the ticket
table, so they would not change the figure; ``bench_support_desk.py`` times the 100,000.

Runs alone, from a clean checkout:
    .venv/bin/python bench/bench_support_ikm.py
    .venv/bin/python bench/bench_support_ikm.py --answers 20000 --runs 30

Timed: ``ikm.recap(start, end)`` for the whole year (the sums and the respondent profile in one
aggregate query, the per-service index in one GROUP BY, the Decimal arithmetic), and the recap
page through Django's test client (the same, plus the form and the template). The answers are
invented ("data contoh") and written with bulk_create into a throw-away SQLite database in a
temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_synchronise import setup_django  # noqa: E402


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ikm-") as folder:
        setup_django(Path(folder))
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from satudata.accounts.models import User
        from satudata.accounts.roles import Role
        from satudata.support import ikm
        from satudata.support.models import Category, SurveyResponse

        call_command("migrate", verbosity=0)
        rng = random.Random(14)
        year = timezone.localdate().year
        start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        services = [*Category.values, ""]
        SurveyResponse.objects.bulk_create(
            (
                SurveyResponse(
                    service=rng.choice(services),
                    submitted_at=start + dt.timedelta(minutes=rng.randint(0, 364 * 24 * 60)),
                    age=rng.randint(17, 70),
                    sex=rng.choice("LP"),
                    education=rng.choice(["sma", "d3", "s1", "s2", ""]),
                    occupation=rng.choice(["pns", "swasta", "pelajar", "lainnya"]),
                    **{f"u{i}": rng.choices([1, 2, 3, 4], [1, 3, 10, 5])[0] for i in range(1, 10)},
                )
                for _ in range(args.answers)
            ),
            batch_size=2000,
        )
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        times = []
        result = ikm.recap(first, last)
        for _ in range(args.runs):
            began = time.perf_counter()
            result = ikm.recap(first, last)
            times.append((time.perf_counter() - began) * 1000)
        staff = User.objects.create_user(
            "kabid", password="bench-password-1", role=Role.KEPALA_BIDANG
        )
        client = Client()
        client.force_login(staff)
        url = reverse("support:ikm")
        pages = []
        for _ in range(args.runs):
            began = time.perf_counter()
            answer = client.get(url, {"period": "year", "year": str(year)})
            pages.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200
        print(
            f"answers: {result['respondents']:,} in {year}; "
            f"IKM {result['ikm_converted']} ({result['mutu']})"
        )
        print(
            f"ikm.recap of the year: p50 {statistics.median(times):.1f} ms, "
            f"p95 {_p95(times):.1f} ms, max {max(times):.1f} ms (floor: 500 ms)"
        )
        print(
            f"recap page: p50 {statistics.median(pages):.1f} ms, p95 {_p95(pages):.1f} ms "
            f"(floor: 500 ms)"
        )


if __name__ == "__main__":
    main()
