"""Hostile files, made on the fly for the tests and bench/bench_hostile_files.py.

The big ones are never held in memory: a deflate stream of a repeated block is made by
compressing the block once after a full flush (the compressor forgets its history there, so
every repetition compresses to the same bytes) and writing those bytes again and again. The ZIP
around them is written by hand so that the sizes it declares can also be made to lie, as an
attacker's would.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import xlsxwriter  # type: ignore[import-untyped]

MB = 2**20
_BLOCK = MB


@dataclass
class _Member:
    name: str
    pieces: list[tuple[bytes, int]]  # (bytes as stored, times written)
    method: int
    packed: int
    size: int  # uncompressed size as declared
    crc: int


def _stored(name: str, data: bytes) -> _Member:
    return _Member(name, [(data, 1)], 0, len(data), len(data), zlib.crc32(data))


def _deflated(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> _Member:
    """``head`` + ``block`` × ``times`` + ``tail``, deflated. The CRC is left 0: the readers
    under test refuse such a file before they would check it."""
    pieces = []
    for data, count in ((head, 1), (block, times), (tail, 1)):
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        pieces.append((packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH), count))
    pieces.append((zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush(), 1))
    packed = sum(len(data) * count for data, count in pieces)
    size = len(head) + len(block) * times + len(tail)
    return _Member(name, pieces, zlib.DEFLATED, packed, size, 0)


def _write_zip(out: BinaryIO, members: list[_Member], declared: int | None = None) -> None:
    """A ZIP of ``members``; every deflated member claims ``declared`` bytes when given."""
    central = b""
    for member in members:
        offset = out.tell()
        size = member.size if declared is None or member.method == 0 else declared
        name = member.name.encode()
        fields = (20, 0, member.method, 0, 0x21, member.crc, member.packed, size, len(name))
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + name)
        for data, count in member.pieces:
            for _ in range(count):
                out.write(data)
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset
        )
        central += name
    start = out.tell()
    out.write(central)
    out.write(
        struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, *[len(members)] * 2, len(central), start, 0)
    )


def _workbook_parts() -> dict[str, bytes]:
    """The parts of a small real XLSX (one sheet, one shared string), by name."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["kode wilayah", "jumlah"])
    sheet.write_row(1, 0, ["18.10.01", 1])
    book.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _workbook_with(path: Path, big: list[_Member], declared: int | None = None) -> Path:
    replaced = {member.name for member in big}
    parts = [_stored(n, d) for n, d in _workbook_parts().items() if n not in replaced]
    with path.open("wb") as out:
        _write_zip(out, [*parts, *big], declared)
    return path


_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)


def zip_bomb(path: Path, gigabytes: int = 7, *, honest: bool = True) -> Path:
    """An XLSX of about ``gigabytes`` MB whose sheets unpack to ``gigabytes`` GB (3.5 GB per
    sheet part, under the 4 GB a plain ZIP can declare). ``honest=False``: each part claims to
    unpack to 1 KB."""
    block = b" " * _BLOCK  # white space between rows: the best a deflate stream packs
    per_sheet = 3584  # blocks of 1 MB: 3.5 GB
    total_blocks, members, index = gigabytes * 1024, [], 1
    while total_blocks > 0:
        times = min(per_sheet, total_blocks)
        members.append(
            _deflated(
                f"xl/worksheets/sheet{index}.xml",
                _SHEET_HEAD,
                block,
                times,
                b"</sheetData></worksheet>",
            )
        )
        total_blocks -= times
        index += 1
    return _workbook_with(path, members, None if honest else 1024)


def giant_cell_workbook(path: Path, gigabytes: int = 1) -> Path:
    """An XLSX of about 1 MB whose one text cell holds ``gigabytes`` GB of letters."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" '
        b'uniqueCount="2"><si><t>kode wilayah</t></si><si><t>'
    )
    tail = b"</t></si></sst>"
    member = _deflated("xl/sharedStrings.xml", head, b"a" * _BLOCK, gigabytes * 1024, tail)
    return _workbook_with(path, [member])


def far_cell_workbook() -> bytes:
    """A 5 KB XLSX with a table at A1 and one value at XFD1048576, the sheet's last cell."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["kode wilayah", "jumlah"])
    sheet.write_row(1, 0, ["18.10.01", 1])
    sheet.write(1048575, 16383, 1)
    book.close()
    return buffer.getvalue()


def wide_csv(columns: int = 20_000, rows: int = 2) -> bytes:
    """A CSV of ``columns`` columns (a header and ``rows`` rows of numbers)."""
    header = ";".join(f"desa_{i}" for i in range(columns))
    body = "\n".join(";".join(str(r + i) for i in range(columns)) for r in range(rows))
    return f"{header}\n{body}\n".encode()


def long_line_csv(path: Path, size: int = 10 * MB) -> Path:
    """A CSV whose second line is ``size`` bytes long."""
    with path.open("wb") as out:
        out.write(b"kode wilayah;jumlah\n18.10.01;")
        for _ in range(size // MB):
            out.write(b"9" * MB)
        out.write(b"\n18.10.02;2\n")
    return path


def open_quote_csv(path: Path, lines: int = 100_000, at: int = 3) -> Path:
    """A CSV where a quotation mark opens a cell on line ``at`` and is never closed, followed by
    ``lines`` ordinary lines."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("kode wilayah;nama;jumlah\n")
        for number in range(2, at):
            out.write(f"18.10.{number:02d};Desa {number};{number}\n")
        out.write('18.10.99;"Desa tanpa tutup;5\n')
        for number in range(lines):
            out.write(f"18.10.{number % 100:02d}.{number:06d};Desa contoh {number};{number}\n")
    return path


def repeated_ods(rows: int, columns: int, *, valued: bool = True) -> bytes:
    """A 1 KB ODS: a header, then one row repeated ``rows`` times of ``columns`` repeated cells,
    each holding 1 (``valued``) or nothing, as LibreOffice writes formatted empty space."""
    cell = f'<table:table-cell table:number-columns-repeated="{columns}" ' + (
        'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        if valued
        else "/>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Data"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>kode</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>jumlah</text:p></table:table-cell>'
        f'</table:table-row><table:table-row table:number-rows-repeated="{rows}">{cell}'
        "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()
