"""The yearly dissemination report generated through the worker's path: the figures frozen
(KPIs, calendar, products, use, promotion, support with the UU KIP Pasal 12 table, transparency,
SOP compliance) and the three files made (PDF by Typst with its charts, DOCX, XLSX).

Issue figure (floor): PDF + DOCX + XLSX of the yearly report in at most 60 s.

Runs alone:
    .venv/bin/python bench/bench_report_yearly.py              # on the demo's history
    .venv/bin/python bench/bench_report_yearly.py --no-demo    # an empty year (the floor of cost)
    .venv/bin/python bench/bench_report_yearly.py --year 2025 --keep

Set-up (not timed): a throw-away SQLite database, migrated, with the demo (``load_demo``: its
releases, products, tickets, promotion and usage). The usage fixture of a full year of events
is combined by the lead (``bench_usage_*``); this benchmark reads whatever the rollups hold.

Timed: ``satudata.reports.report_tasks.run`` on a new yearly version (the task's body, as the
worker runs it), and each of its parts from the progress it writes.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import catalog_scale

FLOOR_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=0, help="the report's year (default: last)")
    parser.add_argument("--no-demo", action="store_true", help="skip load_demo")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--usage",
        type=int,
        default=0,
        help="also insert this many raw usage events over the last 365 days and roll them up "
        "(bench/usage_fixture.py): a year of full-size daily rollups for the use section",
    )
    args = parser.parse_args()
    os.environ.setdefault("SATUDATA_ENV", "development")
    with catalog_scale.work_folder("bench-report-", args.keep) as work:
        catalog_scale.setup(work)
        from django.core.management import call_command
        from django.utils import timezone

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        if not args.no_demo:
            with contextlib.redirect_stdout(io.StringIO()):
                call_command("load_demo")
        if args.usage:
            from bench.usage_fixture import fill

            fill(args.usage, 365)
        setup_s = time.perf_counter() - started

        from satudata.accounts.models import User
        from satudata.accounts.roles import Role
        from satudata.reports import report_tasks
        from satudata.reports.models import Report
        from satudata.reports.report_periods import year

        # The year with most of the demo's history, as the demo's own report (demo_reports).
        today = timezone.localdate()
        period = year(args.year or (today.year if today.month >= 6 else today.year - 1))
        actor = User.objects.filter(role=Role.WALIDATA).first()
        report = Report.objects.create(
            period_kind=period.kind,
            period_label=period.label,
            start_on=period.start,
            end_on=period.end,
            version=(Report.objects.of_period(period.label).count() + 1),
            created_by=actor,
        )
        started = time.perf_counter()
        outcome = report_tasks.run(report.pk)
        seconds = time.perf_counter() - started
        report.refresh_from_db()
        sizes = {
            f: (report.file_for(f).size if report.file_for(f) else 0)
            for f in ("pdf", "docx", "xlsx")
        }
    print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    print(f"set-up (migrate{'' if args.no_demo else ' + load_demo'}): {setup_s:.1f} s, not timed")
    tables = sum(len(s["tables"]) for s in (report.snapshot or {}).get("sections", []))
    print(
        f"yearly report {period.label}: {outcome} in {seconds:.2f} s "
        f"({tables} tables; PDF {sizes['pdf'] / 1e3:.0f} kB, DOCX {sizes['docx'] / 1e3:.0f} kB, "
        f"XLSX {sizes['xlsx'] / 1e3:.0f} kB)"
        if outcome == "selesai"
        else f"yearly report {period.label}: {outcome}: {report.generation_error}"
    )
    verdict = "meets" if outcome == "selesai" and seconds <= FLOOR_SECONDS else "MISSES"
    print(f"floor: ≤ {FLOOR_SECONDS:.0f} s — {verdict}")


if __name__ == "__main__":
    main()
