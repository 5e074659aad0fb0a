"""Nota dinas: numbering, content, and the PDF (Typst) and DOCX renderings."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx  # type: ignore[import-untyped]
import typst  # type: ignore[import-untyped]
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from satudata.accounts.models import Agency, User
from satudata.catalog.models import DataList, LetterSequence
from satudata.core.models import SiteProfile


def next_number(year: int) -> tuple[int, str]:
    """The next sequence and formatted number of ``year``; call inside a transaction."""
    LetterSequence.objects.get_or_create(year=year)
    sequence = LetterSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last, settings.LETTER_NUMBER_FORMAT.format(seq=sequence.last, year=year)


def tanggal(day: dt.date) -> str:
    """A date as an Indonesian letter writes it ("12 Maret 2026"), whatever the UI language."""
    with translation.override("id"):
        return date_format(day, "j F Y")


def typst_text(value: Any) -> str:
    """Text placed in Typst markup, with every markup character escaped."""
    text = str(value)
    for char in "\\#*_`$<>@[]=-+/~\"'":
        text = text.replace(char, "\\" + char)
    return text


def letter_content(
    *,
    number: str,
    issued_on: dt.date,
    agency: Agency,
    data_list: DataList,
    signatory: User,
    items: list[dict[str, str]],
) -> dict[str, Any]:
    site = SiteProfile.configured()
    return {
        "letterhead": [
            f"PEMERINTAH {site.regency_name.upper()}",
            site.walidata_name.upper(),
            site.address,
        ],
        "number": number,
        "date": tanggal(issued_on),
        "to": agency.head_title or f"Kepala {agency.name}",
        "from": signatory.position or str(signatory.get_role_display()),
        "subject": f"Kelengkapan data dan metadata Daftar Data {data_list.year}",
        "opening": (
            f"Dalam rangka pelaksanaan Satu Data Indonesia di {site.regency_name} "
            f"(Perpres 39/2019), bersama ini kami sampaikan item Daftar Data "
            f"{data_list.year} dari {agency.name} yang datanya belum lengkap atau belum "
            f"sinkron dengan metadatanya:"
        ),
        "items": items,
        "closing": (
            "Mohon data dan/atau metadata tersebut dikirimkan melalui portal Satu Data "
            "paling lambat sesuai tenggat tugas sinkronisasi. Atas perhatian dan "
            "kerja samanya, kami ucapkan terima kasih."
        ),
        "signatory": signatory.get_full_name(),
        "signatory_nip": signatory.nip,
    }


def render_pdf(content: dict[str, Any]) -> bytes:
    e = typst_text
    rows = "".join(
        f"[{e(i['no'])}], [{e(i['name'])}], [{e(i['status'])}], [{e(i['need'])}],\n"
        for i in content["items"]
    )
    head = "\\\n".join(f"*{e(line)}*" for line in content["letterhead"] if line)
    source = f"""#set page(paper: "a4", margin: 2.5cm)
#set text(lang: "id", size: 11pt)
#align(center)[{head}]
#line(length: 100%)
#align(center)[*NOTA DINAS*]
#table(columns: (auto, 1fr), stroke: none,
  [Kepada], [: {e(content["to"])}],
  [Dari], [: {e(content["from"])}],
  [Nomor], [: {e(content["number"])}],
  [Tanggal], [: {e(content["date"])}],
  [Perihal], [: {e(content["subject"])}],
)
#line(length: 100%)
{e(content["opening"])}

#table(columns: (auto, 1fr, auto, 1fr),
  [*No*], [*Nama data*], [*Status*], [*Yang diperlukan*],
{rows})

{e(content["closing"])}

#align(right)[{e(content["from"])}\\
#v(2cm)
*{e(content["signatory"])}*\\
{("NIP " + e(content["signatory_nip"])) if content["signatory_nip"] else ""}]
"""
    return bytes(typst.compile(source.encode()))


def render_docx(content: dict[str, Any]) -> bytes:
    document = docx.Document()
    for line in content["letterhead"]:
        if line:
            document.add_paragraph().add_run(line).bold = True
    document.add_heading("NOTA DINAS", level=1)
    for label, key in (
        ("Kepada", "to"),
        ("Dari", "from"),
        ("Nomor", "number"),
        ("Tanggal", "date"),
        ("Perihal", "subject"),
    ):
        document.add_paragraph(f"{label}\t: {content[key]}")
    document.add_paragraph(content["opening"])
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["No", "Nama data", "Status", "Yang diperlukan"], strict=True
    ):
        cell.text = text
    for item in content["items"]:
        cells = table.add_row().cells
        for cell, key in zip(cells, ("no", "name", "status", "need"), strict=True):
            cell.text = str(item[key])
    document.add_paragraph(content["closing"])
    document.add_paragraph(content["from"])
    document.add_paragraph(content["signatory"])
    if content["signatory_nip"]:
        document.add_paragraph(f"NIP {content['signatory_nip']}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


NEEDS = {
    "belum_ada_data": "Kirim data item ini melalui portal.",
    "menunggu_metadata": "Lengkapi metadata variabel (MS-Var) lalu kirim datanya.",
    "tidak_sinkron": "Perbaiki data sesuai laporan sinkronisasi, lalu kirim ulang.",
}
