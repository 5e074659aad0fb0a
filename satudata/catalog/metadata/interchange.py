"""Statistical metadata in and out: JSON with the INDAH v2 key names, and XLSX laid out as the
paper forms (MS-Keg and MS-Ind: one question per row) and the MS-Var register (one variable per
row). Both imports read through the same form descriptions as the web forms, and an import is
all or nothing: one unreadable record and nothing is saved.

INDAH's own ids (``ms_keg_id``) mean nothing outside INDAH, so a variable or indicator names its
activity by title and year under ``kegiatan``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency, User
from satudata.catalog.metadata import services
from satudata.catalog.metadata import variables as msvar
from satudata.catalog.metadata.spec import Form, Problem, check, flatten, text_of, unflatten
from satudata.catalog.metadata.standard import MS_IND, MS_KEG
from satudata.catalog.models import Activity, Indicator, MetadataKind, Variable
from satudata.catalog.sinkronisasi.reading.spreadsheet import UnreadableWorkbook, open_workbook
from satudata.core.audit import record
from satudata.core.models import SiteProfile
from satudata.core.spreadsheets import Sheet, Workbook, is_formula_like

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JENIS = {
    MetadataKind.ACTIVITY: "MS_KEG",
    MetadataKind.VARIABLE: "MS_VAR",
    MetadataKind.INDICATOR: "MS_IND",
}
KIND_OF_JENIS = {v: k for k, v in JENIS.items()}
FORM_HEADER = ("Nomor", "Pertanyaan", "Kunci INDAH", "Jawaban")


class UnreadableMetadata(ValueError):
    """The file is not metadata this platform can read (not JSON, no known sheet, …)."""


# --- Export --------------------------------------------------------------------------------------


def _indicator_to_indah(answers: dict[str, Any]) -> dict[str, Any]:
    data = dict(answers)
    data["konsep"] = [answers["konsep"]] if answers.get("konsep") else []
    data["indikator_pembangun"] = [
        {
            "nama": row.get("nama", ""),
            "ketersediaan_publikasi": [
                {
                    "nama": row.get("publikasi", ""),
                    "link_eksternal_yang_bisa_diakses": row.get("link", ""),
                }
            ],
        }
        for row in answers.get("indikator_pembangun") or []
    ]
    data["variabel_pembangun"] = [
        {
            "nama": row.get("nama", ""),
            "kegiatan_penghasil": [
                {
                    "judul_kegiatan": row.get("kegiatan_penghasil", ""),
                    "kode_kegiatan": row.get("kode_kegiatan", ""),
                }
            ],
        }
        for row in answers.get("variabel_pembangun") or []
    ]
    level = MS_IND.field("level_estimasi")
    chosen = answers.get("level_estimasi") or {}
    labels = [c.label for c in level.choices if chosen.get(c.key) is True]  # type: ignore[union-attr]
    if chosen.get("level_estimasi_lainnya"):
        labels.append(chosen["level_estimasi_lainnya"])
    data["level_estimasi"] = "; ".join(labels)
    return data


def _indicator_from_indah(data: dict[str, Any]) -> dict[str, Any]:
    answers = dict(data)

    def first(value: Any) -> dict[str, Any]:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value[0]
        return value if isinstance(value, dict) else {}

    if isinstance(data.get("indikator_pembangun"), list):
        answers["indikator_pembangun"] = [
            {
                "nama": row.get("nama"),
                "publikasi": row.get("publikasi")
                or first(row.get("ketersediaan_publikasi")).get("nama"),
                "link": row.get("link")
                or first(row.get("ketersediaan_publikasi")).get("link_eksternal_yang_bisa_diakses"),
            }
            for row in data["indikator_pembangun"]
            if isinstance(row, dict)
        ]
    if isinstance(data.get("variabel_pembangun"), list):
        rows = []
        for row in data["variabel_pembangun"]:
            if not isinstance(row, dict):
                continue
            source = row.get("kegiatan_penghasil")
            origin = first(source)
            rows.append(
                {
                    "nama": row.get("nama"),
                    "kegiatan_penghasil": source
                    if isinstance(source, str)
                    else origin.get("judul_kegiatan") or origin.get("nama"),
                    "kode_kegiatan": row.get("kode_kegiatan") or origin.get("kode_kegiatan"),
                }
            )
        answers["variabel_pembangun"] = rows
    return answers


def envelope(obj: services.Record) -> dict[str, Any]:
    """One record as an INDAH v2 submission."""
    kind = services.kind_of(obj)
    profile = SiteProfile.current()
    period: int | None
    if isinstance(obj, Activity):
        data = dict(obj.answers)
        period = obj.year
    elif isinstance(obj, Indicator):
        data = _indicator_to_indah(obj.answers)
        period = obj.activity.year if obj.activity else None
    else:
        data = msvar.to_indah(obj)
        period = obj.activity.year if obj.activity else None
    result: dict[str, Any] = {
        "version": "v2",
        "jenis": JENIS[kind],
        "submission_period": period,
        "status": obj.review_status.upper(),
        "produsen_data": {"name": obj.agency.name, "city_code": profile.region_code},
    }
    if isinstance(obj, Activity):
        result["kode_kegiatan"] = obj.code
    elif obj.activity is not None:
        result["kegiatan"] = {"judul_kegiatan": obj.activity.title, "tahun": obj.activity.year}
    result["data"] = data
    return result


def export_json(records: Iterable[services.Record]) -> bytes:
    items = [envelope(r) for r in records]
    payload: Any = items[0] if len(items) == 1 else items
    return json.dumps(payload, ensure_ascii=False, indent=2).encode()


def _link_rows(obj: Activity | Indicator) -> list[tuple[str, str, str, str]]:
    """Rows outside the BPS questions that an import needs back: the BPS activity code, and
    which MS-Keg an indicator comes from."""
    if isinstance(obj, Activity):
        return [("", "Kode kegiatan (dari BPS)", "kode_kegiatan", obj.code)]
    activity = obj.activity
    return [
        (
            "",
            "Kegiatan (MS-Keg): judul",
            "kegiatan.judul_kegiatan",
            activity.title if activity else "",
        ),
        ("", "Kegiatan (MS-Keg): tahun", "kegiatan.tahun", str(activity.year) if activity else ""),
    ]


def _form_sheet(
    book: Workbook, name: str, form: Form, obj: Activity | Indicator, title: str
) -> None:
    sheet = book.add_sheet(name)
    bold = book.style(bold=True, text_wrap=True, valign="top", border=1)
    wrap = book.style(text_wrap=True, valign="top", border=1)
    key = book.style(font_color="#666666", valign="top", border=1)
    sheet.write(0, 0, title, bold)
    sheet.write_row(2, 0, FORM_HEADER, bold)
    rows = [*_link_rows(obj), *flatten(form, obj.answers)]
    for offset, (number, question, path, answer) in enumerate(rows, start=3):
        sheet.write(offset, 0, number, wrap)
        sheet.write(offset, 1, question, wrap)
        sheet.write(offset, 2, path, key)
        sheet.write(offset, 3, str(answer), wrap)  # answers stay text, "2024" included
    sheet.set_column(0, 0, 9)
    sheet.set_column(1, 1, 55)
    sheet.set_column(2, 2, 30)
    sheet.set_column(3, 3, 60)
    sheet.freeze_panes(3, 0)


VAR_COLUMNS = [*(f"{number}. {label}" for number, label, _key in msvar.FIELDS), "Kegiatan (MS-Keg)"]


def variable_row(variable: Variable) -> list[Any]:
    data = msvar.to_indah(variable)
    row = []
    for _number, _label, key in msvar.FIELDS:
        value = data[key]
        if key == "value_domain":
            value = msvar.codes_text([(v["kode"], v["nilai"]) for v in value])
        elif key == "aturan_validasi":
            value = "\n".join(value)
        elif key == "apakah_variabel_bisa_diakses_umum":
            value = "Ya" if value else "Tidak"
        row.append(text_of(value))
    row.append(variable.activity.title if variable.activity else "")
    return row


def _register_sheet(book: Workbook, variables: Iterable[Variable]) -> None:
    sheet: Sheet = book.add_sheet("MS-Var")
    bold = book.style(bold=True, text_wrap=True, valign="top", border=1)
    wrap = book.style(text_wrap=True, valign="top", border=1)
    sheet.write_row(0, 0, VAR_COLUMNS, bold)
    for offset, variable in enumerate(variables, start=1):
        sheet.write_row(offset, 0, [str(value) for value in variable_row(variable)], wrap)
    sheet.set_column(0, len(VAR_COLUMNS) - 1, 22)
    sheet.freeze_panes(1, 1)


def export_xlsx(records: Iterable[services.Record]) -> bytes:
    """Each MS-Keg and MS-Ind on its own form sheet, every MS-Var (and an activity's variables)
    in one register sheet."""
    book = Workbook()
    variables: dict[int, Variable] = {}
    names: set[str] = set()
    for obj in records:
        if isinstance(obj, Variable):
            variables[obj.pk] = obj
            continue
        base = "MS-Keg" if isinstance(obj, Activity) else "MS-Ind"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base} ({n})"
        names.add(name)
        form = MS_KEG if isinstance(obj, Activity) else MS_IND
        _form_sheet(book, name, form, obj, f"{base}: {obj}")
        if isinstance(obj, Activity):
            variables.update({v.pk: v for v in obj.variables.prefetch_related("codes")})
    if variables or not names:
        _register_sheet(book, variables.values())
    return book.to_bytes()


# --- Import --------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """One record read from a file, before anything is saved."""

    kind: MetadataKind
    name: str
    data: dict[str, Any]  # form answers; for MS-Var, the model's field values
    activity_ref: tuple[str, int] | None = None  # (title, year) of its MS-Keg
    code: str = ""
    problems: list[Problem] = field(default_factory=list)
    where: str = ""  # "record 3" or "sheet MS-Keg"
    codes: list[tuple[str, str]] = field(default_factory=list)  # MS-Var's code list
    current: Any = None  # the record of the same name it will change, found by ``plan``

    @property
    def exists(self) -> bool:
        return self.current is not None


@dataclass
class ImportOutcome:
    records: list[Incoming]

    @property
    def problems(self) -> list[tuple[Incoming, Problem]]:
        return [(r, p) for r in self.records for p in r.problems]


def _kind_of(envelope_or_data: dict[str, Any]) -> tuple[MetadataKind | None, dict[str, Any]]:
    data = envelope_or_data.get("data")
    data = data if isinstance(data, dict) else envelope_or_data
    jenis = str(envelope_or_data.get("jenis", "")).upper().replace("-", "_")
    if jenis in KIND_OF_JENIS:
        return KIND_OF_JENIS[jenis], data
    if "judul_kegiatan" in data or "blok_i" in data:
        return MetadataKind.ACTIVITY, data
    if {"apakah_indikator_komposit", "indikator_pembangun", "variabel_pembangun"} & set(data):
        return MetadataKind.INDICATOR, data
    if {"tipe_data", "value_domain", "kalimat_pertanyaan", "aturan_validasi"} & set(data):
        return MetadataKind.VARIABLE, data
    return None, data


def _incoming(
    kind: MetadataKind, data: dict[str, Any], source: dict[str, Any], where: str
) -> Incoming:
    ref = source.get("kegiatan")
    activity_ref = None
    if isinstance(ref, dict) and ref.get("judul_kegiatan"):
        try:
            activity_ref = (text_of(ref["judul_kegiatan"]), int(ref.get("tahun") or 0))
        except (TypeError, ValueError):
            activity_ref = None
    if kind == MetadataKind.ACTIVITY:
        checked = check(MS_KEG, data)
        name = text_of(data.get("judul_kegiatan"))
        incoming = Incoming(
            kind,
            name,
            checked.answers,
            code=text_of(source.get("kode_kegiatan")),
            problems=checked.problems,
            where=where,
        )
        if not name or not checked.answers.get("tahun"):
            incoming.problems.append(
                Problem("judul_kegiatan", "", "Judul kegiatan dan tahun", _("Required."))
            )
    elif kind == MetadataKind.INDICATOR:
        checked = check(MS_IND, _indicator_from_indah(data))
        name = text_of(data.get("nama"))
        incoming = Incoming(
            kind, name, checked.answers, activity_ref, problems=checked.problems, where=where
        )
        if not name:
            incoming.problems.append(Problem("nama", "1", "Nama indikator", _("Required.")))
    else:
        values, codes, problems = msvar.from_indah(data)
        incoming = Incoming(
            kind, values["name"], values, activity_ref, problems=problems, where=where, codes=codes
        )
    return incoming


def read_json(content: bytes) -> list[Incoming]:
    try:
        payload = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableMetadata(
            _(
                "The file is not valid JSON (%(error)s). Export it again from INDAH or from this "
                "platform."
            )
            % {"error": error}
        ) from None
    if isinstance(payload, dict) and {"ms_keg", "ms_var", "ms_ind"} & set(payload):
        payload = [
            *_as_list(payload.get("ms_keg")),
            *_as_list(payload.get("ms_var")),
            *_as_list(payload.get("ms_ind")),
        ]
    records = []
    for index, item in enumerate(_as_list(payload), start=1):
        where = _("record %(n)s") % {"n": index}
        if not isinstance(item, dict):
            raise UnreadableMetadata(_("%(where)s is not a JSON object.") % {"where": where})
        kind, data = _kind_of(item)
        if kind is None:
            raise UnreadableMetadata(
                _(
                    "%(where)s is neither MS-Keg, MS-Var nor MS-Ind: give it a 'jenis' "
                    "(MS_KEG, MS_VAR, MS_IND) or the INDAH keys of its form."
                )
                % {"where": where}
            )
        records.append(_incoming(kind, data, item, where))
    if not records:
        raise UnreadableMetadata(_("The file holds no metadata records."))
    return records


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _cell(value: Any) -> Any:
    """A cell as written: whole numbers without ".0", and text that exports before the quote
    prefix protected against running as a formula ("'=…") without its apostrophe."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def read_xlsx(content: bytes) -> list[Incoming]:
    try:
        book = open_workbook(content)
    except UnreadableWorkbook as error:
        raise UnreadableMetadata(str(error)) from None
    records: list[Incoming] = []
    for sheet_name in book.sheet_names:
        rows = [[_cell(c) for c in row] for row in book.get_sheet_by_name(sheet_name).to_python()]
        upper = sheet_name.upper()
        if upper.startswith(("MS-KEG", "MS-IND")):
            header = next(
                (i for i, r in enumerate(rows) if "Kunci INDAH" in [str(c) for c in r]), None
            )
            if header is None:
                raise UnreadableMetadata(
                    _(
                        "Sheet %(sheet)s has no column 'Kunci INDAH'; export a form from this "
                        "platform to see the layout."
                    )
                    % {"sheet": sheet_name}
                )
            titles = [str(c) for c in rows[header]]
            key_col, answer_col = titles.index("Kunci INDAH"), titles.index("Jawaban")
            form = MS_KEG if upper.startswith("MS-KEG") else MS_IND
            data = unflatten(
                form,
                (
                    (row[key_col], row[answer_col] if answer_col < len(row) else "")
                    for row in rows[header + 1 :]
                    if key_col < len(row)
                ),
            )
            kind = MetadataKind.ACTIVITY if form is MS_KEG else MetadataKind.INDICATOR
            source = {
                "kegiatan": data.pop("kegiatan", None),
                "kode_kegiatan": data.pop("kode_kegiatan", ""),
            }
            where = _("sheet %(sheet)s") % {"sheet": sheet_name}
            records.append(_incoming(kind, data, source, where))
        elif upper.startswith("MS-VAR"):
            records.extend(_read_register(sheet_name, rows))
    if not records:
        raise UnreadableMetadata(
            _("No sheet named MS-Keg, MS-Var or MS-Ind was found in the workbook.")
        )
    return records


def _read_register(sheet_name: str, rows: list[list[Any]]) -> list[Incoming]:
    if not rows:
        return []
    titles = [str(c).strip() for c in rows[0]]
    keys: dict[int, str] = {}
    for index, title in enumerate(titles):
        bare = title.split(". ", 1)[-1].casefold()
        for _number, label, key in msvar.FIELDS:
            if bare == label.casefold() or title == key:
                keys[index] = key
        if bare.startswith("kegiatan"):
            keys[index] = "kegiatan"
    if "nama" not in keys.values():
        raise UnreadableMetadata(
            _("Sheet %(sheet)s has no column 'Nama variabel'.") % {"sheet": sheet_name}
        )
    records = []
    for number, row in enumerate(rows[1:], start=2):
        data = {key: row[i] if i < len(row) else "" for i, key in keys.items()}
        if not any(text_of(v) for v in data.values()):
            continue
        activity_title = text_of(data.pop("kegiatan", ""))
        source = {"kegiatan": {"judul_kegiatan": activity_title}} if activity_title else {}
        where = _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet_name, "row": number}
        records.append(_incoming(MetadataKind.VARIABLE, data, source, where))
    return records


def read_file(content: bytes, filename: str) -> list[Incoming]:
    if filename.lower().endswith(".json"):
        return read_json(content)
    if filename.lower().endswith((".xlsx", ".xls", ".ods")):
        return read_xlsx(content)
    raise UnreadableMetadata(_("Send a .json or .xlsx file."))


def plan(agency: Agency, records: list[Incoming]) -> ImportOutcome:
    """Find the records that already exist (they will be changed, and reopened if approved)."""
    for incoming in records:
        if incoming.kind == MetadataKind.ACTIVITY:
            incoming.current = Activity.objects.filter(
                agency=agency, title=incoming.name, year=incoming.data.get("tahun") or 0
            ).first()
        else:
            model = Indicator if incoming.kind == MetadataKind.INDICATOR else Variable
            incoming.current = model.objects.filter(agency=agency, name=incoming.name).first()
    return ImportOutcome(records)


def _activity_for(agency: Agency, ref: tuple[str, int] | None) -> Activity | None:
    if ref is None:
        return None
    found = Activity.objects.filter(agency=agency, title=ref[0])
    if ref[1]:
        found = found.filter(year=ref[1])
    return found.order_by("-year").first()


@transaction.atomic
def apply(*, actor: User, agency: Agency, outcome: ImportOutcome, filename: str) -> int:
    """Save every record through the same services as the forms: activities first, then
    variables, then indicators (whose building variables must exist to be linked)."""
    if outcome.problems:
        raise services.MetadataInvalid([p for _r, p in outcome.problems])
    order = [MetadataKind.ACTIVITY, MetadataKind.VARIABLE, MetadataKind.INDICATOR]
    saved = 0
    for incoming in sorted(outcome.records, key=lambda r: order.index(r.kind)):
        activity = _activity_for(agency, incoming.activity_ref)
        if incoming.kind == MetadataKind.ACTIVITY:
            services.save_activity(
                actor=actor,
                agency=agency,
                answers=incoming.data,
                activity=incoming.current,
                code=incoming.code or None,
            )
        elif incoming.kind == MetadataKind.INDICATOR:
            services.save_indicator(
                actor=actor,
                agency=agency,
                answers=incoming.data,
                indicator=incoming.current,
                activity=activity,
            )
        else:
            values = {**incoming.data, **({"activity": activity} if activity else {})}
            services.save_variable(
                actor=actor,
                agency=agency,
                values=values,
                codes=incoming.codes,
                variable=incoming.current,
            )
        saved += 1
    record(
        "catalog.metadata_imported",
        actor=actor,
        obj=agency,
        summary=f"{saved} metadata dari {filename[:100]} untuk {agency.name}",
    )
    return saved
