"""The synchronisation check's front door: which column is which variable, and the check of a
table already read into memory. The check itself runs in ``engine`` (DuckDB), whatever the size
of the table, so there is one set of rules for a ten-row sheet and a million-row CSV."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from satudata.catalog.models import Variable
from satudata.catalog.sinkronisasi.engine import (
    ERROR,
    WARNING,
    Finding,
    Workspace,
    check,
    load_sheet,
)
from satudata.catalog.sinkronisasi.reading.spreadsheet import SheetTable

__all__ = ["ERROR", "WARNING", "Finding", "check_table", "suggest_mapping"]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _strip_unit(text: str) -> str:
    return re.sub(r"[\(\[][^\)\]]*[\)\]]\s*$", "", text).strip()


# Abbreviations common in Indonesian table headers, read as the word they stand for.
ABBREVIATIONS = {
    "jml": "jumlah",
    "jmlh": "jumlah",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "kab": "kabupaten",
    "prov": "provinsi",
    "ds": "desa",
    "kd": "kode",
    "no": "nomor",
    "thn": "tahun",
    "th": "tahun",
    "jns": "jenis",
    "kls": "kelas",
    "pddk": "penduduk",
    "pend": "penduduk",
    "lk": "laki",
    "pr": "perempuan",
    "rt": "rumah tangga",
    "ket": "keterangan",
    "wil": "wilayah",
}
# Words that carry no meaning of their own in a header.
STOPWORDS = frozenset({"dan", "atau", "di", "ke", "dari", "yang", "per", "menurut", "the", "of"})
MIN_SCORE = 0.75  # share of the words of header and variable together that both have
MIN_MARGIN = 0.15  # lead over the runner-up: a near tie is no confident match


def header_words(text: str) -> tuple[str, ...]:
    """The content words of a header or variable name: lower case, units in brackets left
    out, abbreviations written out, repeated words (``laki-laki``) and stopwords dropped."""
    words: list[str] = []
    for token in re.findall(r"[a-z0-9]+", _strip_unit(text).lower()):
        for word in ABBREVIATIONS.get(token, token).split():
            if word not in STOPWORDS and word not in words:
                words.append(word)
    return tuple(words)


def _same_word(a: str, b: str) -> bool:
    """Equal, or a typo apart in a long word (``pendudk``)."""
    return a == b or (min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 85)


def _score(header: tuple[str, ...], variable: tuple[str, ...]) -> float:
    """How sure a header is this variable: 0 unless every content word of the variable is in
    the header; then the share of all the words that both have ("Jumlah Bayi" is not
    "Jumlah": half its words are not the variable's)."""
    if not variable or not all(any(_same_word(v, h) for h in header) for v in variable):
        return 0.0
    shared = sum(1 for h in header if any(_same_word(h, v) for v in variable))
    return shared / (len(header) + len(variable) - shared)


def _spellings(variable: Variable) -> list[str]:
    return [label for label in (variable.name, variable.alias, *variable.header_spellings) if label]


def suggest_mapping(columns: list[str], variables: Iterable[Variable]) -> dict[int, Variable]:
    """Column index -> variable. First exact matches of the name, alias or another header
    spelling (ignoring case, spaces, punctuation, a unit in brackets and common abbreviations);
    then, for the columns left, a word match only when it is confident: all the variable's
    content words in the header, most of the header's words the variable's, and a clear lead
    over the next variable. A column nobody is sure of is left for the producer to map."""
    choices = list(variables)
    mapping: dict[int, Variable] = {}
    exact: dict[str, Variable] = {}
    for variable in choices:
        for label in _spellings(variable):
            for key in (_norm(label), " ".join(header_words(label))):
                exact.setdefault(key, variable)
    for index, column in enumerate(columns):
        if not column:
            continue
        for key in (_norm(column), _norm(_strip_unit(column)), " ".join(header_words(column))):
            found = exact.get(key) if key else None
            if found is not None and found not in mapping.values():
                mapping[index] = found
                break
    for index, column in enumerate(columns):
        if index in mapping or not column:
            continue
        confident = _confident(header_words(column), choices, set(mapping.values()))
        if confident is not None:
            mapping[index] = confident
    return mapping


def _confident(
    header: tuple[str, ...], choices: list[Variable], taken: set[Variable]
) -> Variable | None:
    scored = sorted(
        (
            (max(_score(header, header_words(label)) for label in _spellings(v)), n)
            for n, v in enumerate(choices)
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < MIN_SCORE:
        return None
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    best = choices[scored[0][1]]
    if scored[0][0] - runner_up < MIN_MARGIN or best in taken:
        return None
    return best


def check_table(
    table: SheetTable,
    mapping: dict[int, Variable],
    *,
    region_within: str | None = None,
    key_columns: list[int] | None = None,
) -> list[Finding]:
    """Every finding for ``table`` read with ``mapping`` (column index -> variable)."""
    with Workspace() as ws:
        load_sheet(ws, table)
        return check(
            ws, mapping, region_within=region_within, key_columns=key_columns or []
        ).findings
