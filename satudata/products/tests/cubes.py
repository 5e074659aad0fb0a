"""A cube built by hand for the renderer tests: two kecamatan down the side, years and sex
across the top, a missing cell, a cell note, notes at every level."""

from __future__ import annotations

from satudata.products.cube import Category, Cube, Dimension


def sample_cube() -> Cube:
    region = Dimension(
        "kecamatan",
        "Kecamatan",
        "region",
        [Category("18.10.01", "Pringsewu"), Category("18.10.02", "Gading Rejo")],
    )
    year = Dimension(
        "tahun",
        "Tahun",
        "time",
        [Category("2023", "2023"), Category("2024", "2024", "Angka sementara.")],
        note="Keadaan akhir tahun.",
    )
    sex = Dimension(
        "jenis_kelamin",
        "Jenis Kelamin",
        "code",
        [Category("1", "Laki-laki"), Category("2", "Perempuan")],
    )
    return Cube(
        title="Penduduk menurut Kecamatan, Tahun dan Jenis Kelamin (data contoh)",
        dimensions=[region, year, sex],
        stub=["kecamatan"],
        heading=["tahun", "jenis_kelamin"],
        values=[1000.5, 2, 3, None, 5, 6, 7, 12345678],
        unit="jiwa",
        decimals=1,
        source="Dinas Kependudukan, Penduduk (versi 1)",
        notes=["Data contoh, bukan data resmi."],
        cell_notes={1: "Estimasi."},
        status={3: "..."},
        updated="2026-01-02T03:04:05+00:00",
        extra={
            "sources": [{"dataset": "penduduk-contoh", "title": "Penduduk", "version": 1}],
            "contact": "walidata@contoh.invalid",
            "next_update": "2026-12-01",
            "aggregate": "sum",
        },
    )
