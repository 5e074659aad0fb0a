"""A synthetic Kemendagri region reference for the benchmarks, so that they run from a clean
checkout without ../shared: as many codes as the real list, in its format, names invented."""

from __future__ import annotations

from pathlib import Path


def write_reference(path: Path, prefix: str) -> list[str]:
    """A synthetic Kemendagri reference as large as the real one; the village codes.

    "18": one province of 15 regencies, 12 districts each, 15 villages each (2,896 codes, as
    many as Lampung's); "": 38 provinces of 22 regencies, 10 districts and 10 villages each
    (83,600 villages, about Indonesia's). Names are invented (data contoh).
    """
    provinces = ["18"] if prefix else [str(n) for n in range(11, 49)]
    shape = (15, 12, 15) if prefix else (22, 10, 10)
    villages: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        out.write("kode,nama\n")
        for province in provinces:
            out.write(f"{province},Provinsi Contoh {province}\n")
            for k in range(1, shape[0] + 1):
                regency = f"{province}.{k:02d}"
                out.write(f"{regency},Kabupaten Contoh {province}{k:02d}\n")
                for d in range(1, shape[1] + 1):
                    district = f"{regency}.{d:02d}"
                    out.write(f"{district},Kecamatan Contoh {province}{k:02d}{d:02d}\n")
                    for v in range(1, shape[2] + 1):
                        village = f"{district}.{2000 + v}"
                        out.write(f"{village},Pekon Contoh {province}{k:02d}{d:02d}{v:02d}\n")
                        villages.append(village)
    return villages
