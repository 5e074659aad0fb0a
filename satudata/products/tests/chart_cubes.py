"""Cubes built by hand for the chart and infographic tests (the table builder is not needed)."""

from __future__ import annotations

from satudata.products.cube import Category, Cube, Dimension

KECAMATAN = [
    ("18.10.01", "Pringsewu"),
    ("18.10.02", "Gading Rejo"),
    ("18.10.03", "Ambarawa"),
    ("18.10.04", "Pardasuka"),
    ("18.10.05", "Pagelaran"),
    ("18.10.06", "Banyumas"),
    ("18.10.07", "Adiluwih"),
    ("18.10.08", "Sukoharjo"),
    ("18.10.09", "Pagelaran Utara"),
]
SEXES = [Category("L", "Laki-laki"), Category("P", "Perempuan")]


def population_cube() -> Cube:
    """Population by kecamatan, year (2023-2025) and sex: region-major, then year, then sex."""
    region = Dimension("wilayah", "Kecamatan", "region", [Category(c, n) for c, n in KECAMATAN])
    year = Dimension("tahun", "Tahun", "time", [Category(y, y) for y in ("2023", "2024", "2025")])
    sex = Dimension("jk", "Jenis Kelamin", "code", list(SEXES))
    values: list[float | None] = [
        float(1000 * (r + 1) + 40 * t + 10 * s)
        for r in range(9)
        for t in range(3)
        for s in range(2)
    ]
    return Cube(
        title="Jumlah Penduduk menurut Kecamatan",
        dimensions=[region, year, sex],
        stub=["wilayah"],
        heading=["tahun", "jk"],
        values=values,
        unit="jiwa",
        source="Dinas Kependudukan dan Pencatatan Sipil (data contoh)",
    )


def age_cube() -> Cube:
    """Population by five-year age group and sex, for a pyramid."""
    ages = [Category(str(i), f"{5 * i}-{5 * i + 4}") for i in range(6)]
    return Cube(
        title="Piramida Penduduk Kabupaten Pringsewu",
        dimensions=[
            Dimension("umur", "Kelompok Umur", "code", ages),
            Dimension("jk", "Jenis Kelamin", "code", list(SEXES)),
        ],
        stub=["umur"],
        heading=["jk"],
        values=[float(5000 - 300 * a + 100 * s) for a in range(6) for s in range(2)],
        unit="jiwa",
        source="Dinas Kependudukan (data contoh)",
    )
