"""Reading a Daftar Data sheet (the layout regional lists use: NO, PRODUSEN DATA, NAMA DATA, …,
JADWAL RILIS) into items, with every problem tied to its Excel row and column.

Nothing here writes to the database; ``services.import_data_list`` saves a preview that has no
errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from satudata.accounts.models import Agency
from satudata.catalog.models import Access, Frequency, PresentationLevel
from satudata.catalog.sinkronisasi.reading.cells import as_text
from satudata.catalog.sinkronisasi.reading.spreadsheet import SheetTable
from satudata.catalog.sinkronisasi.reading.values import MONTHS

# Field -> header names seen in regional lists (compared without case, spaces or punctuation).
HEADERS = {
    "number": ["no", "nomor", "no urut"],
    "agency": ["produsen data", "penghasil data", "opd", "perangkat daerah", "instansi"],
    "name": ["nama data", "data", "nama indikator", "uraian"],
    "concept": ["konsep"],
    "definition": ["definisi"],
    "classification": ["klasifikasi"],
    "measure": ["ukuran"],
    "unit": ["satuan"],
    "frequency": ["periode data", "frekuensi", "periode", "periodisitas"],
    "level": ["level penyajian", "tingkat penyajian", "level wilayah", "tingkat wilayah"],
    "release_schedule": ["jadwal rilis", "jadwal pemutakhiran", "jadwal rilis pemutakhiran"],
    "access": ["akses", "sifat data", "sifat"],
    "is_priority": ["prioritas", "data prioritas"],
    "sds_code": ["kode sds", "kode standar data"],
}
REQUIRED = ("agency", "name", "frequency")
# The header of the sheet the platform offers as a template (and writes in its examples).
TEMPLATE_HEADER = [
    "NO",
    "PRODUSEN DATA",
    "NAMA DATA",
    "SATUAN",
    "PERIODE DATA",
    "LEVEL PENYAJIAN",
    "JADWAL RILIS",
    "SIFAT DATA",
    "PRIORITAS",
]

_FREQUENCIES = [
    (r"lima\s*tahun", Frequency.FIVE_YEARLY),
    (r"tahun\s*ajar", Frequency.SCHOOL_YEAR),
    (r"semester", Frequency.SEMESTER),
    (r"triwulan|kuartal", Frequency.QUARTERLY),
    (r"bulan", Frequency.MONTHLY),
    (r"tahun", Frequency.ANNUAL),
    (r"dibutuhkan|sewaktu|insidental|ad hoc", Frequency.AD_HOC),
]
_LEVELS = [
    (r"desa|kelurahan|pekon", PresentationLevel.DESA),
    (r"kecamatan", PresentationLevel.KECAMATAN),
    (r"kabupaten|kab\b|kota", PresentationLevel.KABUPATEN),
]
_ACCESS = [
    (r"terbatas", Access.RESTRICTED),
    (r"tertutup|dikecualikan|rahasia", Access.CLOSED),
    (r"terbuka|umum|publik|public", Access.OPEN),
]
_YES = {"ya", "y", "yes", "1", "v", "✓", "√", "prioritas"}
_NO = {"", "tidak", "t", "no", "0", "-", "x", "bukan"}
_SCHEDULE = re.compile(r"^([a-z]+)\.?\s*(n\s*(\+\s*1)?)?$")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    column: str
    value: str
    message: str
    is_error: bool = True


@dataclass
class ParsedItem:
    row: int
    values: dict[str, Any]


@dataclass
class DaftarPreview:
    items: list[ParsedItem] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def map_columns(columns: list[str]) -> dict[str, int]:
    keys = {_key(c): i for i, c in enumerate(columns)}
    found = {}
    for field_name, names in HEADERS.items():
        for name in names:
            if name in keys:
                found[field_name] = keys[name]
                break
    return found


def _choice(text: str, table: list[tuple[str, Any]]) -> Any:
    lowered = text.lower()
    return next((value for pattern, value in table if re.search(pattern, lowered)), None)


class _AgencyMatcher:
    def __init__(self) -> None:
        self.agencies = list(Agency.objects.active())
        self.keys: dict[str, Agency] = {}
        for agency in self.agencies:
            for label in (agency.name, agency.short_name, agency.slug):
                self.keys[self._norm(label)] = agency

    @staticmethod
    def _norm(text: str) -> str:
        text = re.sub(r"\b(kabupaten|kab\.?)\s+\w+$", "", text.strip(), flags=re.IGNORECASE)
        return _key(text)

    def find(self, text: str) -> tuple[Agency | None, list[str]]:
        agency = self.keys.get(self._norm(text))
        if agency is not None:
            return agency, []
        names = [a.name for a in self.agencies]
        close = process.extract(text, names, scorer=fuzz.token_set_ratio, limit=3, score_cutoff=70)
        return None, [name for name, _score, _i in close]


def _parse_schedule(text: str) -> tuple[int | None, int, str | None]:
    """(month, year offset, problem) for 'Maret n+1', 'Desember n', 'Juni'."""
    cleaned = " ".join(text.lower().split())
    if not cleaned or set(cleaned) <= {"*", "-", " "}:
        return (
            None,
            0,
            _(
                "No release schedule; the item cannot be put on the release calendar "
                "until one is agreed."
            ),
        )
    match = _SCHEDULE.match(cleaned)
    month = MONTHS.get(match.group(1)) if match else None
    if month is None:
        return (
            None,
            0,
            _(
                "Write the schedule as a month and the data year, e.g. 'Maret n+1' "
                "(March of the next year) or 'Desember n'."
            ),
        )
    return month, 1 if match and match.group(3) else 0, None


def parse_daftar(table: SheetTable) -> DaftarPreview:
    preview = DaftarPreview()
    mapping = map_columns(table.columns)
    preview.columns = {f: table.columns[i] for f, i in mapping.items()}
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        wanted = ", ".join(HEADERS[f][0].upper() for f in missing)
        preview.problems.append(
            RowProblem(
                None,
                wanted,
                "",
                _(
                    "The sheet lacks the columns %(columns)s. "
                    "The first row of the table must name them."
                )
                % {"columns": wanted},
            )
        )
        return preview
    agencies = _AgencyMatcher()
    seen: dict[tuple[int, str], int] = {}
    for position, (cells, row) in enumerate(zip(table.rows, table.row_numbers, strict=True), 1):
        text = {f: as_text(cells[i]).strip() for f, i in mapping.items()}
        if not any(text.values()):
            continue
        errors: list[RowProblem] = []

        def problem(field_name: str, message: str, *, error: bool = True) -> None:
            column = preview.columns.get(field_name, field_name)
            errors.append(RowProblem(row, column, text.get(field_name, ""), message, error))  # noqa: B023

        agency, suggestions = agencies.find(text["agency"])
        if agency is None:
            hint = (
                _(" Did you mean: %(names)s?") % {"names": "; ".join(suggestions)}
                if suggestions
                else ""
            )
            problem("agency", _("This agency is not in the list of agencies.") + hint)
        if not text["name"]:
            problem("name", _("The data name is empty."))
        frequency = _choice(text["frequency"], _FREQUENCIES)
        if frequency is None:
            problem(
                "frequency",
                _(
                    "Unknown period; use Tahunan, Semesteran, Triwulanan, Bulanan, "
                    "Tahun Ajaran, Lima Tahunan or Apabila Dibutuhkan."
                ),
            )
        level = _choice(text.get("level", ""), _LEVELS) or PresentationLevel.KABUPATEN
        access = _choice(text.get("access", ""), _ACCESS) or Access.OPEN
        priority_text = text.get("is_priority", "").lower()
        if priority_text not in _YES | _NO:
            problem("is_priority", _("Write Ya or Tidak."))
        month, offset, schedule_problem = _parse_schedule(text.get("release_schedule", ""))
        if schedule_problem:
            problem("release_schedule", schedule_problem, error=False)
        number_text = text.get("number", "")
        number = int(number_text) if number_text.isdigit() else position
        if agency is not None and text["name"] and not any(e.is_error for e in errors):
            key = (agency.pk, text["name"].lower())
            if key in seen:
                problem(
                    "name",
                    _("The same data name for the same agency is already in row %(row)s.")
                    % {"row": seen[key]},
                )
            else:
                seen[key] = row
        preview.problems.extend(errors)
        if any(e.is_error for e in errors):
            continue
        preview.items.append(
            ParsedItem(
                row,
                {
                    "number": number,
                    "agency": agency,
                    "name": text["name"][:300],
                    "concept": text.get("concept", ""),
                    "definition": text.get("definition", ""),
                    "classification": text.get("classification", ""),
                    "measure": text.get("measure", "")[:100],
                    "unit": text.get("unit", "")[:100],
                    "frequency": frequency,
                    "level": level,
                    "access": access,
                    "release_schedule": text.get("release_schedule", "")[:100],
                    "release_month": month,
                    "release_year_offset": offset,
                    "is_priority": priority_text in _YES,
                    "sds_code": text.get("sds_code", "")[:20],
                },
            )
        )
    return preview
