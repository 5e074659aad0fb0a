"""A small published table for the table tests, with a region, a year, a code list and two
numeric columns, whose sums are easy to compute by hand."""

from __future__ import annotations

from satudata.catalog.models import CodeValue, Dataset, DataType, Variable
from satudata.catalog.testing import published_table
from satudata.core.testing import Personas

COLUMNS = [
    ("Kode Wilayah", "region"),
    ("Tahun", "year"),
    ("Jenis Kelamin", "text"),
    ("Jumlah", "int"),
    ("Luas", "dec"),
]
ROWS = [
    ["18.10.01", 2023, "1", 10, "1,5"],
    ["18.10.01", 2023, "2", 12, "2,5"],
    ["18.10.01", 2024, "1", 11, "1,0"],
    ["18.10.01", 2024, "1", 4, "3,0"],
    ["18.10.02", 2023, "1", 7, "0,5"],
    ["18.10.02", 2024, "2", 9, "1,5"],
    ["18.10.03", 2022, "1", 5, "2,0"],
]


def population_table(p: Personas, name: str = "Penduduk Contoh", **details: object) -> Dataset:
    """The table above, published, with "Jenis Kelamin" a code list (1 Laki-laki,
    2 Perempuan)."""
    variable, _ = Variable.objects.get_or_create(
        agency=p.agency, name="Jenis Kelamin", defaults={"data_type": DataType.CATEGORY}
    )
    CodeValue.objects.get_or_create(variable=variable, code="1", defaults={"label": "Laki-laki"})
    CodeValue.objects.get_or_create(variable=variable, code="2", defaults={"label": "Perempuan"})
    return published_table(p, name, ROWS, COLUMNS, **details)
