"""Personas shared by every test: one of each role, two producers of different agencies; and a
reader of XLSX cells as Excel sees them (text, formula, quote prefix)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.test import TestCase

from satudata.accounts.models import Agency, AgencyKind, Membership, User
from satudata.accounts.roles import Role
from satudata.regions.importer import BUILTIN_PRINGSEWU, import_regions
from satudata.sop.services import load_sop

PASSWORD = "sandi-uji-yang-panjang-1"  # noqa: S105 (test personas only)


@dataclass
class Personas:
    walidata_agency: Agency
    agency: Agency
    other_agency: Agency
    bps: Agency
    producer: User
    other_producer: User
    walidata: User
    kepala_bidang: User
    kepala_dinas: User
    pembina: User
    admin: User

    def by_role(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "producer": self.producer,
            "other_producer": self.other_producer,
            "walidata": self.walidata,
            "kepala_bidang": self.kepala_bidang,
            "kepala_dinas": self.kepala_dinas,
            "pembina": self.pembina,
            "admin": self.admin,
        }


def _agency(name: str, short: str, slug: str, kind: str = AgencyKind.DINAS, **kw: object) -> Agency:
    return Agency.objects.create(name=name, short_name=short, slug=slug, kind=kind, **kw)


def _user(username: str, role: Role, agency: Agency, **kw: object) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=username.replace(".", " ").title(),
        email=f"{username}@contoh.invalid",
        role=role,
        **kw,
    )
    Membership.objects.create(user=user, agency=agency)
    return user


def make_personas() -> Personas:
    kominfo = _agency(
        "Dinas Komunikasi dan Informatika", "Diskominfo", "diskominfo", is_walidata=True
    )
    dinkes = _agency("Dinas Kesehatan", "Dinkes", "dinkes")
    disdik = _agency("Dinas Pendidikan dan Kebudayaan", "Disdikbud", "disdikbud")
    bps = _agency("Badan Pusat Statistik", "BPS", "bps", kind=AgencyKind.INSTANSI_VERTIKAL)
    return Personas(
        walidata_agency=kominfo,
        agency=dinkes,
        other_agency=disdik,
        bps=bps,
        producer=_user("budi.dinkes", Role.PRODUSEN, dinkes),
        other_producer=_user("maya.disdik", Role.PRODUSEN, disdik),
        walidata=_user("rina.walidata", Role.WALIDATA, kominfo),
        kepala_bidang=_user("hendra.kabid", Role.KEPALA_BIDANG, kominfo),
        kepala_dinas=_user("sri.kadis", Role.KEPALA_DINAS, kominfo),
        pembina=_user("yusuf.bps", Role.PEMBINA, bps),
        admin=_user("admin", Role.ADMINISTRATOR, kominfo, is_superuser=True),
    )


def load_reference_data() -> None:
    """The SOP and the Pringsewu regions, as a test database needs them."""
    import_regions(BUILTIN_PRINGSEWU)
    load_sop()


class PersonaTestCase(TestCase):
    """A TestCase with the personas and the SOP and region reference data loaded once."""

    p: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = make_personas()
        load_reference_data()


@dataclass(frozen=True)
class XlsxCell:
    """One cell of a written workbook as Excel reads it."""

    sheet: str
    ref: str
    value: str
    is_text: bool
    is_formula: bool
    is_quoted: bool  # Excel's quote prefix: shown and kept as text, even when edited


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # OOXML's escape of control characters ("\r")
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def xlsx_cells(content: bytes) -> list[XlsxCell]:
    """Every written cell of an XLSX file, read from its XML (what calamine hides: whether a
    cell is a formula, and whether its style carries the quote prefix)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    shared = []
    if "xl/sharedStrings.xml" in names:
        root = _xml(archive, "xl/sharedStrings.xml")
        shared = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root]
    styles = _xml(archive, "xl/styles.xml")
    xfs = styles.find("m:cellXfs", _NS)
    quoted = [xf.get("quotePrefix") == "1" for xf in (xfs if xfs is not None else [])]
    book = _xml(archive, "xl/workbook.xml")
    links = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in links}
    cells = []
    for sheet in book.iter(f"{{{_NS['m']}}}sheet"):
        target = re.sub(r"^/?(xl/)?", "xl/", targets[sheet.get(_R)])
        root = _xml(archive, target)
        for cell in root.iter(f"{{{_NS['m']}}}c"):
            kind = cell.get("t", "n")
            v = cell.find("m:v", _NS)
            if kind == "s" and v is not None:
                value = shared[int(v.text or 0)]
            elif kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{{{_NS['m']}}}t"))
            else:
                value = v.text or "" if v is not None else ""
            cells.append(
                XlsxCell(
                    sheet=sheet.get("name", ""),
                    ref=cell.get("r", ""),
                    value=_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value),
                    is_text=kind in ("s", "inlineStr", "str"),
                    is_formula=cell.find("m:f", _NS) is not None,
                    is_quoted=bool(quoted) and quoted[int(cell.get("s", 0))],
                )
            )
    return cells


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # Only the workbooks our own code wrote in a test: trusted input.
    return ElementTree.fromstring(archive.read(name))  # noqa: S314
