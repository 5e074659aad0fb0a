"""MS-Var (Peraturan BPS 5/2020): a variable's 13 fields as INDAH v2 keys, its completeness, and
its validation rules written in words and read back.

MS-Var lives in ordinary columns of ``Variable`` (the check of uploads reads them), so unlike
MS-Keg and MS-Ind it is not a ``spec.Form``; this module is its form description.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from satudata.catalog.metadata.spec import Invalid, Problem, text_of, yes_no
from satudata.catalog.models import DataType, Variable
from satudata.catalog.sinkronisasi.rule_language import looks_like_rule

# Field number, label (the standard's wording), INDAH key; in the order of the MS-Var register.
FIELDS = (
    ("1", "Nama variabel", "nama"),
    ("2", "Alias", "alias"),
    # Not a field of the standard: the other ways agencies write the column header, matched
    # like the name and the alias when an upload's columns are mapped (kept under field 2).
    ("2", "Judul kolom lain", "judul_kolom_lain"),
    ("3", "Konsep", "konsep"),
    ("4", "Definisi", "definisi"),
    ("5", "Referensi pemilihan", "referensi_pemilihan"),
    ("6", "Referensi waktu", "referensi_waktu"),
    ("7", "Ukuran", "ukuran"),
    ("8", "Satuan", "satuan"),
    ("9", "Tipe data", "tipe_data"),
    ("10", "Klasifikasi isian", "value_domain"),
    ("10", "Klasifikasi rujukan", "klasifikasi_rujukan_value_domain"),
    ("11", "Aturan validasi", "aturan_validasi"),
    ("12", "Kalimat pertanyaan", "kalimat_pertanyaan"),
    ("13", "Dapat diakses umum", "apakah_variabel_bisa_diakses_umum"),
)

# INDAH keeps the type as free text; these are the words written on export and read on import.
TYPE_WORDS = {
    DataType.INTEGER: ("Bilangan bulat", ("integer", "int", "bulat", "bilangan bulat")),
    DataType.DECIMAL: (
        "Desimal",
        ("desimal", "decimal", "numerik", "numeric", "angka", "float", "real", "bilangan"),
    ),
    DataType.TEXT: ("Teks", ("teks", "text", "string", "karakter", "character", "varchar")),
    DataType.DATE: ("Tanggal", ("tanggal", "date")),
    DataType.YEAR: ("Tahun", ("tahun", "year")),
    DataType.REGION: ("Kode wilayah", ("kode wilayah", "wilayah", "region")),
    DataType.CATEGORY: ("Kategori", ("kategori", "category", "kode", "klasifikasi", "kategorik")),
}
NUMERIC = (DataType.INTEGER, DataType.DECIMAL)


def type_word(data_type: str) -> str:
    return TYPE_WORDS[DataType(data_type)][0]


def read_type(text: Any) -> str:
    wanted = " ".join(text_of(text).split()).casefold()
    for data_type, (word, synonyms) in TYPE_WORDS.items():
        if wanted == word.casefold() or wanted in synonyms or wanted == data_type.value:
            return data_type.value
    raise Invalid(
        _("Unknown data type %(value)r; write one of: %(words)s.")
        % {"value": text_of(text), "words": ", ".join(w for w, _s in TYPE_WORDS.values())}
    )


# --- Validation rules in words ------------------------------------------------------------------


def _number(value: Any) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def rule_text(rule: dict[str, Any]) -> str:
    kind = rule.get("kind")
    if kind == "required":
        return "Wajib diisi"
    if kind == "range":
        low, high = rule.get("min"), rule.get("max")
        if low not in (None, "") and high not in (None, ""):
            return f"Nilai antara {_number(low)} dan {_number(high)}"
        if low not in (None, ""):
            return f"Nilai paling kecil {_number(low)}"
        return f"Nilai paling besar {_number(high)}"
    if kind == "pattern":
        return f"Pola: {rule.get('regex', '')}"
    if kind == "max_length":
        return f"Panjang paling banyak {rule.get('value')} karakter"
    return str(rule.get("text", ""))


_NUM = r"(-?\d+(?:[.,]\d+)?)"
_RULES = (
    (re.compile(r"^wajib(?: diisi)?$", re.I), lambda m: {"kind": "required"}),
    (
        re.compile(rf"^nilai antara {_NUM} (?:dan|sampai|s\.?d\.?|-) {_NUM}$", re.I),
        lambda m: {"kind": "range", "min": _plain(m[1]), "max": _plain(m[2])},
    ),
    (
        re.compile(rf"^nilai paling kecil {_NUM}$", re.I),
        lambda m: {"kind": "range", "min": _plain(m[1])},
    ),
    (
        re.compile(rf"^nilai paling besar {_NUM}$", re.I),
        lambda m: {"kind": "range", "max": _plain(m[1])},
    ),
    (re.compile(r"^pola: (.+)$", re.I), lambda m: {"kind": "pattern", "regex": m[1].strip()}),
    (
        re.compile(r"^panjang paling banyak (\d+) karakter$", re.I),
        lambda m: {"kind": "max_length", "value": int(m[1])},
    ),
)


def _plain(text: str) -> int | float:
    number = float(text.replace(",", "."))
    return int(number) if number.is_integer() else number


def read_rules(values: Any) -> list[dict[str, Any]]:
    """Rules from their words. A line that reads as a rule across columns
    (``jumlah == laki_laki + perempuan``, see ``rule_language``) is checked on every row; what
    is neither that nor one of the recognised forms is kept as a rule in words (``note``):
    shown to people, never dropped, not checked by machine."""
    if isinstance(values, str):
        values = re.split(r"[;\n]", values)
    rules = []
    for value in values or []:
        if isinstance(value, dict) and "kind" in value:
            rules.append(value)
            continue
        text = " ".join(text_of(value).split())
        if not text or text == "-":
            continue
        for pattern, build in _RULES:
            if match := pattern.match(text):
                rules.append(build(match))
                break
        else:
            kind = "expression" if looks_like_rule(text) else "note"
            rules.append({"kind": kind, "text": text})
    return rules


# --- Header spellings ---------------------------------------------------------------------------

MAX_SPELLINGS = 30


def read_spellings(value: Any) -> list[str]:
    """Other header spellings from a list or from text, one per line (or separated by ';'):
    trimmed, each once, at most ``MAX_SPELLINGS`` of at most 200 characters."""
    lines = value if isinstance(value, list) else re.split(r"[;\n]", text_of(value))
    spellings: list[str] = []
    for line in lines:
        text = " ".join(text_of(line).split())[:200]
        if text and text.casefold() not in {s.casefold() for s in spellings}:
            spellings.append(text)
    return spellings[:MAX_SPELLINGS]


# --- Code list -----------------------------------------------------------------------------------


def codes_text(codes: list[tuple[str, str]]) -> str:
    return "\n".join(f"{code} = {label}" for code, label in codes)


def read_codes(value: Any) -> list[tuple[str, str]]:
    """A code list from INDAH's ``[{kode, nilai}]`` or from lines ``1 = Laki-laki``."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                pairs.append((text_of(entry.get("kode")), text_of(entry.get("nilai"))))
    else:
        for number, line in enumerate(re.split(r"[;\n]", text_of(value)), start=1):
            line = line.strip()
            if not line:
                continue
            code, sep, label = line.partition("=")
            if not sep:
                raise Invalid(
                    _("Line %(n)s of the code list, %(line)r, is not 'code = label'.")
                    % {"n": number, "line": line}
                )
            pairs.append((code.strip(), label.strip()))
    seen: set[str] = set()
    for code, label in pairs:
        if not code or not label:
            raise Invalid(_("Every answer of the code list needs a code and a label."))
        if len(code) > 20:
            raise Invalid(_("The code %(code)r is longer than 20 characters.") % {"code": code})
        if code in seen:
            raise Invalid(_("The code %(code)r appears twice.") % {"code": code})
        seen.add(code)
    return pairs


# --- The whole record ----------------------------------------------------------------------------


def to_indah(variable: Variable) -> dict[str, Any]:
    codes = [(c.code, c.label) for c in variable.codes.all()]
    return {
        "nama": variable.name,
        "alias": variable.alias,
        "judul_kolom_lain": list(variable.header_spellings),
        "konsep": [variable.concept] if variable.concept else [],
        "definisi": variable.definition,
        "referensi_pemilihan": (
            [variable.selection_reference] if variable.selection_reference else []
        ),
        "referensi_waktu": variable.time_reference,
        "ukuran": variable.measure,
        "satuan": variable.unit,
        "tipe_data": type_word(variable.data_type),
        "klasifikasi_rujukan_value_domain": variable.classification_reference,
        "value_domain": [{"kode": code, "nilai": label} for code, label in codes],
        "aturan_validasi": [rule_text(r) for r in variable.rules],
        "kalimat_pertanyaan": variable.question_text,
        "apakah_variabel_bisa_diakses_umum": variable.is_public,
    }


def from_indah(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]], list[Problem]]:
    """Model field values and the code list from an MS-Var in INDAH keys, with every problem."""
    problems: list[Problem] = []
    values: dict[str, Any] = {
        "name": text_of(data.get("nama"))[:200],
        "alias": text_of(data.get("alias"))[:100],
        "header_spellings": read_spellings(data.get("judul_kolom_lain")),
        "concept": text_of(data.get("konsep")),
        "definition": text_of(data.get("definisi")),
        "selection_reference": text_of(data.get("referensi_pemilihan")),
        "time_reference": text_of(data.get("referensi_waktu"))[:200],
        "measure": text_of(data.get("ukuran"))[:100],
        "unit": text_of(data.get("satuan"))[:100],
        "classification_reference": text_of(data.get("klasifikasi_rujukan_value_domain"))[:200],
        "question_text": text_of(data.get("kalimat_pertanyaan")),
        "rules": read_rules(data.get("aturan_validasi")),
    }
    if not values["name"]:
        problems.append(Problem("nama", "1", "Nama variabel", _("Required.")))
    codes: list[tuple[str, str]] = []
    for key, number, label, read in (
        ("tipe_data", "9", "Tipe data", read_type),
        ("value_domain", "10", "Klasifikasi isian", read_codes),
        ("apakah_variabel_bisa_diakses_umum", "13", "Dapat diakses umum", yes_no),
    ):
        try:
            value: Any = read(data.get(key))
        except Invalid as error:
            problems.append(Problem(key, number, label, str(error)))
            continue
        if key == "tipe_data":
            values["data_type"] = value
        elif key == "value_domain":
            codes = value
        else:
            values["is_public"] = True if value is None else value
    if codes and values.get("data_type") in (None, DataType.TEXT):
        values["data_type"] = DataType.CATEGORY  # a code list makes it a category
    return values, codes, problems


def review_state(variable: Variable, has_codes: bool | None = None) -> tuple[int, list[Problem]]:
    """Completeness (percent of the fields that apply, filled) and what blocks submission;
    ``has_codes`` when the code list about to be saved is known, else it is read."""
    if has_codes is None:
        has_codes = variable.pk is not None and variable.codes.exists()
    filled = {
        "nama": bool(variable.name),
        "alias": bool(variable.alias),
        "konsep": bool(variable.concept),
        "definisi": bool(variable.definition),
        "referensi_pemilihan": bool(variable.selection_reference),
        "referensi_waktu": bool(variable.time_reference),
        "ukuran": bool(variable.measure),
        "satuan": bool(variable.unit),
        "tipe_data": bool(variable.data_type),
        "aturan_validasi": bool(variable.rules),
        "kalimat_pertanyaan": bool(variable.question_text),
        "apakah_variabel_bisa_diakses_umum": True,
    }
    if variable.data_type == DataType.CATEGORY:
        filled["value_domain"] = has_codes
    required = ["nama", "konsep", "definisi", "tipe_data"]
    if variable.data_type in NUMERIC:
        required += ["ukuran", "satuan"]
    if variable.data_type == DataType.CATEGORY:
        required.append("value_domain")
    labels = {key: (number, label) for number, label, key in FIELDS}
    blocking = [
        Problem(key, *labels[key], _("Required.")) for key in required if not filled.get(key)
    ]
    return round(100 * sum(filled.values()) / len(filled)), blocking
