"""Loading region codes from a ``kode,nama[,kode_bps,nama_bps]`` CSV, idempotently.

The whole file is checked before anything is written; one bad row leaves the table as it was.
Only new or changed rows are written, so a second run over the same file writes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from satudata.core.audit import record
from satudata.regions.models import CODE_PATTERN, Region, kind_of, level_of, parent_code
from satudata.regions.names import name_key

BUILTIN_PRINGSEWU = Path(__file__).parent / "data" / "pringsewu.csv"
BATCH = 2000


class RegionImportError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list, repr=False)


def _rows(handle: IO[str]) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(handle)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "kode" not in header or "nama" not in header:
        raise RegionImportError(
            [
                _("The first row must name the columns 'kode' and 'nama' (found: %(found)s).")
                % {"found": ", ".join(header) or _("nothing")}
            ]
        )
    reader.fieldnames = header
    for number, row in enumerate(reader, start=2):
        yield number, {k: (v or "").strip() for k, v in row.items() if k}


def _parse(handle: IO[str]) -> dict[str, Region]:
    problems: list[str] = []
    incoming: dict[str, Region] = {}
    for line, row in _rows(handle):
        code, name = row.get("kode", ""), row.get("nama", "")
        if not code and not name:
            continue
        if not CODE_PATTERN.match(code):
            problems.append(
                _(
                    "Row %(line)s: the code '%(code)s' is not a Kemendagri code "
                    "(PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD)."
                )
                % {"line": line, "code": code}
            )
        elif not name:
            problems.append(
                _("Row %(line)s: the region %(code)s has no name.") % {"line": line, "code": code}
            )
        elif code in incoming:
            problems.append(
                _("Row %(line)s: the code %(code)s appears twice.") % {"line": line, "code": code}
            )
        else:
            incoming[code] = Region(
                code=code,
                name=name[:100],
                level=level_of(code),
                kind=kind_of(code, name),
                parent_id=parent_code(code),
                name_key=name_key(name),
                bps_code=row.get("kode_bps", "")[:10],
                bps_name=row.get("nama_bps", "")[:100],
            )
        if len(problems) >= 20:
            problems.append(_("Stopped after 20 problems; correct these and try again."))
            break
    if problems:
        raise RegionImportError(problems)
    return incoming


def _check_parents(incoming: dict[str, Region], existing: set[str]) -> None:
    missing = sorted(
        r.code
        for r in incoming.values()
        if r.parent_id and r.parent_id not in incoming and r.parent_id not in existing
    )
    if missing:
        raise RegionImportError(
            [
                _("The region %(code)s has no parent %(parent)s in the file or the database.")
                % {"code": c, "parent": parent_code(c)}
                for c in missing[:20]
            ]
        )


_COMPARED = ("name", "parent_id", "kind")


@transaction.atomic
def import_regions(source: Path | IO[str], *, actor: object | None = None) -> ImportResult:
    if isinstance(source, Path):
        with source.open(encoding="utf-8-sig", newline="") as handle:
            incoming = _parse(handle)
    else:
        incoming = _parse(source)
    current: dict[str, dict[str, Any]] = {
        r["code"]: dict(r)
        for r in Region.objects.values("code", "name", "parent_id", "kind", "bps_code", "bps_name")
    }
    _check_parents(incoming, set(current))
    result = ImportResult()
    new, changed = [], []
    for code, region in incoming.items():
        old = current.get(code)
        if old is None:
            new.append(region)
            continue
        # A file without BPS columns keeps the BPS codes already stored.
        region.bps_code = region.bps_code or old["bps_code"]
        region.bps_name = region.bps_name or old["bps_name"]
        fields = (*_COMPARED, "bps_code", "bps_name")
        if any(getattr(region, f) != old[f] for f in fields):
            changed.append(region)
        else:
            result.unchanged += 1
    # Parents before children, so foreign keys hold at every insert.
    new.sort(key=lambda r: r.level)
    Region.objects.bulk_create(new, batch_size=BATCH)
    Region.objects.bulk_update(
        changed,
        ["name", "name_key", "level", "kind", "parent_id", "bps_code", "bps_name"],
        batch_size=BATCH,
    )
    result.created, result.updated = len(new), len(changed)
    result.codes = list(incoming)
    if new or changed:
        record(
            "regions.imported",
            actor=actor,  # type: ignore[arg-type]
            actor_label="" if actor else "sistem",
            summary=f"Kode wilayah diimpor: {result.created} baru, {result.updated} diubah, "
            f"{result.unchanged} tetap",
        )
    return result
