"""Release e-mails to 10,000 subscribers of one sector, while the site serves its home page.

Issue figure (floor): every e-mail of one release rendered and handed to the SMTP server in at
most 120 s on a 2-core machine, with the site's pages answering within their usual times
meanwhile (the home page's p95 during the send is reported).

Runs alone, from a clean checkout:
    .venv/bin/python bench/bench_promotion_send.py
    .venv/bin/python bench/bench_promotion_send.py --subscribers 10000 --batch 200

A throw-away SQLite database in a temporary folder: the personas, one dataset of the sector
"Pendidikan dan Pelatihan" released now through the real workflow, and N active subscribers
following that sector (invented addresses on the reserved ``.invalid`` domain, written with
bulk_create). The mail server is aiosmtpd in its own process, counting what it accepts; the
site is gunicorn (2 workers) in its own process, as in production, and a third process asks
for the home page one request after another, before the send (for the idle figure) and during
it. The send is ``satudata.promotion.dispatch.run()`` — opening the dispatch, planning the
deliveries, rendering and sending every message over one SMTP connection per batch, each
recorded as sent — with ``PROMOTION_SEND_RATE=0`` (no throttle).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_synchronise import setup_django  # noqa: E402

FLOOR_S = 120.0
SECTOR = "PENDIDIKAN_DAN_PELATIHAN"

SMTP_SERVER = """
import signal, sys, threading
from aiosmtpd.controller import Controller

class Counter:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Counter.count += 1
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
controller.stop()
print(Counter.count, flush=True)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _wait_for(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (our own http://)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the site did not answer at {url}")


def _ask(url: str, stop: Any, results: Any) -> None:
    """Ask for ``url`` one request after another until ``stop``; put the times (ms) out."""
    samples: list[float] = []
    while not stop.is_set():
        began = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (our own http://)
            answer.read()
            assert answer.status == 200, answer.status
        samples.append((time.perf_counter() - began) * 1000)
    results.put(samples)


def _measure(url: str, seconds: float | None = None) -> tuple[Any, Any]:
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    asker = context.Process(target=_ask, args=(url, stop, results))
    asker.start()
    if seconds is not None:
        time.sleep(seconds)
    return stop, (asker, results)


def _collect(stop: Any, handle: tuple[Any, Any]) -> list[float]:
    asker, results = handle
    stop.set()
    samples: list[float] = results.get(timeout=60)
    asker.join()
    return samples


def _describe(name: str, samples: list[float]) -> str:
    return (
        f"{name}: {len(samples)} requests, p50 {statistics.median(samples):.1f} ms, "
        f"p95 {_p95(samples):.1f} ms, max {max(samples):.1f} ms"
    )


def _prepare(count: int) -> Any:
    """The personas, one released dataset of the sector and ``count`` subscribers of it."""
    from django.core.management import call_command

    from satudata.catalog.testing import table_dataset
    from satudata.core.testing import load_reference_data, make_personas
    from satudata.promotion.models import Subscriber, SubscriberState, Topic

    call_command("migrate", verbosity=0)
    load_reference_data()
    p = make_personas()
    dataset = table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name="Jumlah Murid Sekolah Dasar",
        columns=[("Tahun", "year"), ("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[
            [2023, "Pringsewu", 4120],
            [2023, "Gadingrejo", 3980],
            [2024, "Pringsewu", 4210],
            [2024, "Gadingrejo", 4012],
        ],
        sector=SECTOR,
        title="Jumlah Murid Sekolah Dasar (data contoh)",
        description="Jumlah murid SD per kecamatan (data contoh).",
        publisher=p.kepala_bidang,
    )
    people = Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"pelanggan{i:05d}@contoh.invalid",
                state=SubscriberState.ACTIVE,
                language="en" if i % 5 == 0 else "id",
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    Topic.objects.bulk_create(
        (Topic(subscriber=s, kind="sektor", value=SECTOR) for s in people), batch_size=2000
    )
    return dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="PROMOTION_SEND_RATE (0: no throttle)"
    )
    parser.add_argument("--idle-seconds", type=float, default=8.0)
    args = parser.parse_args()
    smtp_port, web_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="bench-promotion-") as scratch:
        folder = Path(scratch)
        os.environ.update(
            {
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "EMAIL_USE_TLS": "0",
                "DEBUG": "0",
                "DATA_DIR": str(folder / "data"),
                "PROMOTION_SEND_RATE": str(args.rate),
                "PROMOTION_BATCH": str(args.batch),
                "LOG_LEVEL": "WARNING",
            }
        )
        python = sys.executable
        smtp = subprocess.Popen(
            [python, "-c", SMTP_SERVER, str(smtp_port)], stdout=subprocess.PIPE, text=True
        )
        assert smtp.stdout is not None and smtp.stdout.readline().strip() == "ready"
        setup_django(folder)
        began = time.perf_counter()
        _prepare(args.subscribers)
        print(f"set up {args.subscribers:,} subscribers in {time.perf_counter() - began:.1f} s")
        # The workflow's own e-mails to the staff went through the same server: not counted.
        from satudata.core.models import MailStatus, OutgoingMail

        staff_mails = OutgoingMail.objects.filter(status=MailStatus.SENT).count()
        web = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-b",
                f"127.0.0.1:{web_port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
        )
        try:
            home = f"http://127.0.0.1:{web_port}/"
            _wait_for(home)
            for _ in range(20):  # both workers warm (imports, templates, the kept page)
                _wait_for(home)
            stop, handle = _measure(home, args.idle_seconds)
            idle = _collect(stop, handle)
            print(_describe("home page, idle      ", idle))
            sent, seconds, during = _send(home)
        finally:
            web.terminate()
            web.wait()
            smtp.terminate()
            accepted = int((smtp.communicate(timeout=30)[0] or "0").strip() or 0) - staff_mails
        print(_describe("home page, during send", during))
        print(
            f"sent {sent:,} e-mails (server accepted {accepted:,}) in {seconds:.1f} s: "
            f"{sent / seconds:.0f} per second"
        )
        complete = sent == accepted == args.subscribers
        verdict = "within" if seconds <= FLOOR_S and complete else "NOT within"
        print(
            f"floor: all {args.subscribers:,} e-mails handed over in ≤ {FLOOR_S:.0f} s "
            f"(rate {args.rate:g}/s) — {verdict} the floor"
        )


def _send(home: str) -> tuple[int, float, list[float]]:
    """Time ``dispatch.run()`` to the end while the home page is asked for."""
    from django import db

    from satudata.promotion import dispatch
    from satudata.promotion.models import Delivery, DeliveryState

    db.connections.close_all()  # the asker is forked: no shared connection
    stop, handle = _measure(home)
    began = time.perf_counter()
    sent = dispatch.run()
    seconds = time.perf_counter() - began
    during = _collect(stop, handle)
    left = Delivery.objects.exclude(state=DeliveryState.SENT).count()
    assert left == 0, f"{left} deliveries not sent"
    return sent, seconds, during


if __name__ == "__main__":
    main()
