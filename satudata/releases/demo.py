"""The Pringsewu demo of SOP activity 3: every state a release and a calendar entry can be in.

What happens from now on goes through the services, as users would do it: a revision scheduled
under embargo with a pre-release grant, a release waiting for the Kepala Bidang, a new date
asked of the Kepala Bidang, a draft, a
confirmed date, a cancellation. What the demo needs to have happened *before* today — the
sample tables released on their calendar dates, one of them late after a postponement — is
written as sample history (the services refuse dates in the past, as they should) and labelled
"data contoh" in every reason and note.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.utils import timezone

from satudata.accounts.models import User
from satudata.catalog.demo import KECAMATAN, _sample_rows, send_table
from satudata.catalog.models import Dataset, DatasetVersion
from satudata.releases import services
from satudata.releases.dates import at_release_time
from satudata.releases.models import (
    DateChange,
    EntryState,
    Precision,
    Release,
    ReleaseEntry,
    ReleaseKind,
    ReleaseState,
)

SAMPLE = "(data contoh)"


def _person(username: str) -> User:
    return User.objects.get(username=username)


def _history(release: Release, entry: ReleaseEntry, day: dt.date, late_days: int = 0) -> None:
    """Sample history: ``release`` went out on ``entry``'s date ``day`` (``late_days`` after
    the date first confirmed, with a postponement), confirmed four months ahead."""
    kabid, walidata = _person("kabid"), _person("walidata")
    target = at_release_time(day - timedelta(days=late_days))
    out = at_release_time(day)
    confirmed = target - timedelta(days=120)
    ReleaseEntry.objects.filter(pk=entry.pk).update(
        state=EntryState.CONFIRMED,
        precision=Precision.EXACT,
        planned_at=out,
        first_announced_at=confirmed - timedelta(days=60),
        first_confirmed_at=confirmed,
        target_at=target,
        released_at=out,
    )
    if late_days:
        DateChange.objects.create(
            entry=entry,
            previous_at=target,
            previous_precision=Precision.EXACT,
            new_at=out,
            new_precision=Precision.EXACT,
            reason=f"Data dari OPD belum lengkap saat diperiksa {SAMPLE}.",
            changed_by=kabid,
            approved_by=kabid,
            changed_at=target - timedelta(days=3),
        )
    Release.objects.filter(pk=release.pk).update(
        entry=entry,
        state=ReleaseState.SCHEDULED,
        submitted_by=walidata,
        submitted_at=out - timedelta(days=6),
        decided_by=kabid,
        decided_at=out - timedelta(days=4),
        scheduled_by=walidata,
        scheduled_at=out - timedelta(days=3),
        release_at=out,
        unscheduled_reason="",
        approved_entry=entry,
        approved_date_at=out,
        approved_date_precision=Precision.EXACT,
    )
    release.releasable.put_out(out, walidata)


def _new_version(dataset: Dataset, seed: int) -> DatasetVersion:
    """A second upload of a sample table, with other sample numbers."""
    names = [c.get("variable") or c["name"] for c in dataset.versions.get(number=1).columns]
    year = dataset.item.data_list.year
    lines = [";".join(names)]
    for code, values in zip(KECAMATAN, _sample_rows(seed, len(names) - 2), strict=True):
        lines.append(";".join([code, str(year), *map(str, values)]))
    send_table(_person("walidata"), dataset, "\n".join(lines), filename="pembaruan.csv")
    return dataset.versions.order_by("-number").first()  # type: ignore[return-value]


def load_sample_releases(year: int) -> int:
    """Releases and calendar entries of every kind, once."""
    if DateChange.objects.exists() or not Dataset.objects.exists():
        return 0
    walidata, kabid, setda = _person("walidata"), _person("kabid"), _person("setda")
    data_year = year - 1
    today = timezone.localdate()

    def dataset(name: str) -> Dataset:
        return Dataset.objects.get(item__name=name, item__data_list__year=data_year)

    def first_release(name: str) -> tuple[Release, ReleaseEntry]:
        release = Release.objects.for_content(dataset(name).versions.get(number=1)).get()
        entry = ReleaseEntry.objects.get(item=dataset(name).item, kind=ReleaseKind.FIRST)
        return release, entry

    # Sample history: four tables out on their calendar dates, one five days late.
    past = [
        ("Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin", 75, 0),
        ("Produksi Padi", 40, 5),
        ("Luas Panen Padi", 40, 0),
        ("Jumlah Puskesmas", 20, 0),
    ]
    for name, days_ago, late in past:
        release, entry = first_release(name)
        _history(release, entry, today - timedelta(days=days_ago), late)
    puskesmas, _ = first_release("Jumlah Puskesmas")
    services.add_erratum(
        actor=walidata,
        release=puskesmas,
        note=f"Jumlah puskesmas Kecamatan Gadingrejo tertulis ganda; sudah dibetulkan {SAMPLE}.",
        significant=False,
    )

    # A revision under embargo: planned, approved with its calendar entry, its day confirmed by
    # the Kepala Bidang for next week and scheduled, with the Sekretariat Daerah on its
    # pre-release list.
    padi = dataset("Produksi Padi")
    revision = Release.objects.for_content(_new_version(padi, 950)).get()
    day = today + timedelta(days=7)
    entry = services.plan_entry(
        actor=walidata,
        title=f"Produksi Padi {data_year} (angka tetap)",
        agency=padi.agency,
        item=padi.item,
        planned_at=at_release_time(day.replace(day=1)),
        kind=ReleaseKind.REVISION,
        reference_period=str(data_year),
        summary=f"Angka tetap produksi padi per kecamatan {SAMPLE}.",
        sector=padi.sector,
        contact=(padi.agency.name, padi.agency.email, padi.agency.phone),
    )
    Release.objects.filter(pk=revision.pk).update(entry=entry)
    revision = services.submit_release(
        actor=walidata, release=revision, note=f"Angka tetap {SAMPLE}."
    )
    revision = services.approve_release(actor=kabid, release=revision)
    reason = f"Jadwal menyesuaikan rapat koordinasi statistik {SAMPLE}."
    entry = services.confirm_entry(actor=kabid, entry=entry, day=day, reason=reason)
    services.schedule_release(actor=walidata, release=Release.objects.get(pk=revision.pk))
    services.grant_access(
        actor=walidata,
        release=revision,
        person=setda,
        organisation="Sekretariat Daerah Kabupaten Pringsewu",
        position="Kepala Bagian Perekonomian",
        justification=f"Bahan rapat pimpinan tentang ketahanan pangan {SAMPLE}.",
        access_from=entry.planned_at - timedelta(hours=20),
    )

    # An approved revision whose date the Walidata asked the Kepala Bidang to move.
    harvest = dataset("Luas Panen Padi")
    moved = Release.objects.for_content(_new_version(harvest, 77)).get()
    moved_entry = services.plan_entry(
        actor=walidata,
        title=f"Luas Panen Padi {data_year} (angka tetap)",
        agency=harvest.agency,
        item=harvest.item,
        planned_at=at_release_time(today.replace(day=1)),
        kind=ReleaseKind.REVISION,
        reference_period=str(data_year),
        sector=harvest.sector,
        contact=(harvest.agency.name, harvest.agency.email, harvest.agency.phone),
    )
    Release.objects.filter(pk=moved.pk).update(entry=moved_entry)
    moved = services.submit_release(actor=walidata, release=moved, note=f"Angka tetap {SAMPLE}.")
    moved = services.approve_release(actor=kabid, release=moved)
    services.request_date(
        actor=walidata,
        release=moved,
        day=today + timedelta(days=14),
        reason=f"Angka tetap luas panen dari BPS belum diterima {SAMPLE}.",
    )

    # Waiting for the Kepala Bidang, and a draft still to submit.
    schools = dataset("Angka Partisipasi Sekolah menurut Jenjang")
    waiting = Release.objects.for_content(_new_version(schools, 3)).get()
    services.submit_release(actor=walidata, release=waiting, note=f"Data semester 2 {SAMPLE}.")
    _new_version(dataset("Jumlah Kejadian Bencana menurut Jenis"), 2)

    # A confirmed date four months ahead, and a cancelled entry, on the calendar.
    remaining = ReleaseEntry.objects.filter(
        item__data_list__year=data_year, state=EntryState.PROVISIONAL, release__isnull=True
    ).order_by("item__number")
    ahead = remaining.first()
    if ahead is not None:
        services.confirm_entry(
            actor=kabid,
            entry=ahead,
            day=today + timedelta(days=125),
            reason=f"Menunggu hasil pendataan lapangan {SAMPLE}.",
        )
    gone = remaining.last()  # "ahead" is confirmed now, no longer in "remaining"
    if gone is not None:
        services.cancel_entry(
            actor=kabid,
            entry=gone,
            reason=f"Kegiatan pendataan tidak dianggarkan tahun ini {SAMPLE}.",
        )
    return Release.objects.count()
