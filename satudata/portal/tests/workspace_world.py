"""Two agencies' work in activity 1 and on the calendar, for the producer's page tests (view
and browser): everything of Dinkes (the producer's agency) has a twin at Disdikbud whose name
says it must never show on the Dinkes producer's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from satudata.accounts.models import Agency, User
from satudata.catalog.metadata.services import review, save_activity
from satudata.catalog.models import (
    Activity,
    DataItem,
    DataList,
    DataListStatus,
    Letter,
    ReviewStatus,
)
from satudata.catalog.services import issue_nota_dinas
from satudata.catalog.testing import table_dataset
from satudata.core.models import SiteProfile
from satudata.core.testing import Personas
from satudata.releases.models import Precision, ReleaseEntry
from satudata.releases.services import plan_entry
from satudata.sop.models import SopTask
from satudata.sop.services import open_task


@dataclass(frozen=True, kw_only=True)
class World:
    activity: Activity
    letter: Letter
    entry: ReleaseEntry
    task: SopTask


def build_world(p: Personas) -> World:
    SiteProfile.objects.get_or_create(
        defaults={
            "site_name": "Satu Data Uji",
            "regency_name": "Kabupaten Uji",
            "walidata_name": "Diskominfo",
        }
    )
    mine = _agency_work(p, p.agency, p.producer, "Jumlah Puskesmas", "Jumlah Bidan", "Dinkes")
    _agency_work(p, p.other_agency, p.other_producer, "RAHASIA Sekolah", "RAHASIA Guru", "Disdik")
    return mine


def _agency_work(
    p: Personas, agency: Agency, producer: User, empty_item: str, dataset_name: str, tag: str
) -> World:
    data_list, _ = DataList.objects.get_or_create(
        year=2026, defaults={"status": DataListStatus.APPROVED}
    )
    DataItem.objects.create(
        data_list=data_list,
        number=DataItem.objects.filter(data_list=data_list).count() + 1,
        agency=agency,
        name=empty_item,
        frequency="tahunan",
    )
    table_dataset(
        actor=producer,
        agency=agency,
        name=dataset_name,
        columns=[("Kecamatan", "text"), ("Jumlah", "int")],
        rows=[["Pringsewu", 4], ["Gading Rejo", 7]],
        year=2026,
    )
    activity = save_activity(
        actor=producer,
        agency=agency,
        answers={"judul_kegiatan": f"Kompilasi {dataset_name} 2026", "tahun": 2026},
    )
    # Submitted as complete (the form's completeness is tested elsewhere), then returned by BPS.
    Activity.objects.filter(pk=activity.pk).update(review_status=ReviewStatus.SUBMITTED)
    activity.refresh_from_db()
    review(actor=p.pembina, obj=activity, approve=False, comment=f"Lengkapi blok III ({tag}).")
    letter = issue_nota_dinas(
        actor=p.walidata, data_list=data_list, agency=agency, signatory=p.kepala_dinas
    )
    entry = plan_entry(
        actor=p.walidata,
        title=f"{dataset_name} 2026",
        agency=agency,
        planned_at=timezone.now() + timedelta(days=40),
        precision=Precision.MONTH,
        reference_period="2026",
    )
    task = open_task(actor=None, step="layanan", title=f"Layanan data {tag}", agency=agency)
    return World(activity=activity, letter=letter, entry=entry, task=task)
