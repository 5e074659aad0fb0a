"""Importing the list of agencies (OPD) from a CSV or Excel sheet, read like any agency file
(encodings, separators, Indonesian headers), with every problem tied to its row.

Here in catalog because the agencies are the Daftar Data's producers and reading agency files
lives in ``catalog.sinkronisasi.reading``. Agencies already present (same slug or name) are
left as the administrator keeps them: an import adds, it never overwrites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, AgencyKind
from satudata.catalog.daftar import RowProblem
from satudata.catalog.sinkronisasi.reading.cells import as_text
from satudata.catalog.sinkronisasi.reading.upload import read_upload

HEADERS = {
    "name": ["nama", "nama opd", "nama perangkat daerah", "perangkat daerah", "opd", "instansi"],
    "short_name": ["singkatan", "nama singkat", "akronim"],
    "slug": ["kode", "slug"],
    "kind": ["jenis", "jenis opd", "tipe"],
    "address": ["alamat"],
    "phone": ["telepon", "telp", "no telepon"],
    "email": ["email", "e mail", "surel"],
    "website": ["situs", "website", "situs web"],
    "head_name": ["nama kepala", "kepala"],
    "head_title": ["jabatan kepala", "jabatan"],
    "head_nip": ["nip kepala", "nip"],
}
_KINDS = [
    (r"sekretariat|setda|setwan", AgencyKind.SEKRETARIAT),
    (r"inspektorat", AgencyKind.INSPEKTORAT),
    (r"rumah sakit|rsud", AgencyKind.RUMAH_SAKIT),
    (r"kecamatan", AgencyKind.KECAMATAN),
    (r"badan pusat statistik|bps|vertikal|kementerian", AgencyKind.INSTANSI_VERTIKAL),
    (r"satuan|satpol", AgencyKind.SATUAN),
    (r"badan", AgencyKind.BADAN),
    (r"dinas", AgencyKind.DINAS),
]


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _kind(text: str, name: str) -> str:
    lowered = f"{text} {name}".lower()
    return next((kind for pattern, kind in _KINDS if re.search(pattern, lowered)), "lainnya")


@dataclass
class AgencyImport:
    """What an import would add, the rows it skips as already present, and its problems."""

    new: list[Agency] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse_agencies(data: bytes, filename: str) -> AgencyImport:
    """Read the file; raises ``UnreadableUpload`` when it cannot be read at all."""
    table = read_upload(data, filename)[0]
    result = AgencyImport()
    keys = {_key(c): i for i, c in enumerate(table.columns)}
    columns = {f: next((keys[n] for n in names if n in keys), -1) for f, names in HEADERS.items()}
    if columns["name"] < 0:
        message = _("The sheet has no NAMA column; the first row must name the columns.")
        result.problems.append(RowProblem(None, "NAMA", "", message))
        return result
    slugs = set(Agency.objects.values_list("slug", flat=True))
    names = {n.lower() for n in Agency.objects.values_list("name", flat=True)}
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        text = {f: as_text(cells[i]).strip() if i >= 0 else "" for f, i in columns.items()}
        if not any(text.values()):
            continue
        _row(result, row, text, slugs, names, table.columns)
    return result


def _row(
    result: AgencyImport,
    row: int,
    text: dict[str, str],
    slugs: set[str],
    names: set[str],
    headers: list[str],
) -> None:
    name = text["name"]
    slug = slugify(text["slug"] or text["short_name"] or name)[:60]
    if name.lower() in names or slug in slugs:
        result.existing.append(name)
        return
    agency = Agency(
        name=name[:200],
        short_name=(text["short_name"] or name)[:40],
        slug=slug,
        kind=_kind(text["kind"], name),
        **{f: text[f] for f in ("address", "phone", "email", "website", "head_name")},
        head_title=text["head_title"],
        head_nip=text["head_nip"].replace(" ", ""),
    )
    try:
        agency.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            column = HEADERS.get(field_name, [field_name])[0].upper()
            value = str(getattr(agency, field_name, ""))
            for message in messages:
                result.problems.append(RowProblem(row, column, value, message))
        return
    slugs.add(slug)
    names.add(name.lower())
    result.new.append(agency)


@transaction.atomic
def import_agencies(data: bytes, filename: str) -> AgencyImport:
    """Add the file's new agencies, all or nothing: with any problem nothing is saved."""
    result = parse_agencies(data, filename)
    if not result.problems:
        Agency.objects.bulk_create(result.new)
    return result
