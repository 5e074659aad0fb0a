"""Published (or not yet published) datasets for tests, made through the real services: the
table is uploaded as a CSV, checked against MS-Var and stored as Parquet, as a producer's
would be."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from satudata.accounts.models import Agency, User
from satudata.catalog.demo import send_table
from satudata.catalog.models import DataItem, DataList, DataListStatus, Dataset, DataType, Variable
from satudata.catalog.services import create_dataset, describe_dataset
from satudata.core.testing import Personas

TYPES = {
    "int": DataType.INTEGER,
    "dec": DataType.DECIMAL,
    "text": DataType.TEXT,
    "year": DataType.YEAR,
    "region": DataType.REGION,
    "date": DataType.DATE,
}


def table_dataset(
    *,
    actor: User,
    agency: Agency,
    name: str,
    columns: list[tuple[str, str]],
    rows: list[list[Any]],
    year: int = 2025,
    publisher: User | None = None,
    published_at: datetime | None = None,
    **details: Any,
) -> Dataset:
    """A dataset of ``rows`` under ``columns`` (name and a key of TYPES), synchronised;
    published by ``publisher`` at ``published_at`` (now) when a publisher is given. ``details``
    go to ``describe_dataset`` (description, sector, tags, topics)."""
    data_list, _ = DataList.objects.get_or_create(
        year=year, defaults={"status": DataListStatus.APPROVED}
    )
    item = DataItem.objects.create(
        data_list=data_list,
        number=DataItem.objects.filter(data_list=data_list).count() + 1,
        agency=agency,
        name=name,
        frequency="tahunan",
    )
    for column, kind in columns:
        Variable.objects.get_or_create(
            agency=agency, name=column, defaults={"data_type": TYPES[kind]}
        )
    dataset = create_dataset(actor=actor, item=item)
    lines = [";".join(c for c, _ in columns)] + [";".join(str(v) for v in row) for row in rows]
    send_table(actor, dataset, "\n".join(lines))
    if details:
        describe_dataset(
            actor=actor,
            dataset=dataset,
            title=details.pop("title", dataset.title),
            description=details.pop("description", ""),
            sector=details.pop("sector", ""),
            license_id=details.pop("license_id", dataset.license_id),
            tags=details.pop("tags", []),
            topics=details.pop("topics", []),
        )
    if publisher is not None:
        from satudata.releases.testing import release

        release(dataset.versions.get(), kepala_bidang=publisher, at=published_at)
    dataset.refresh_from_db()
    return dataset


COUNTS = [("Kecamatan", "text"), ("Jumlah", "int")]


def published_table(
    p: Personas,
    name: str,
    rows: list[list[Any]],
    columns: list[tuple[str, str]] = COUNTS,
    **details: Any,
) -> Dataset:
    """A table of the personas' first agency, sent by the Walidata and published by the Kepala
    Bidang (now, unless ``published_at``): the set-up most portal tests start from."""
    return table_dataset(
        actor=p.walidata,
        agency=p.agency,
        name=name,
        columns=columns,
        rows=rows,
        publisher=p.kepala_bidang,
        **details,
    )
