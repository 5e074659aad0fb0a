"""Decoding a text file whose encoding nobody wrote down.

Order of evidence: a byte-order mark; NUL bytes in every other position (UTF-16 without a mark);
strict UTF-8; and Windows-1252, the encoding Excel on Indonesian Windows writes CSV in. A file that
is UTF-8 except for a few lines (rows pasted from an older file) is decoded line by line, and the
lines read as Windows-1252 are reported.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from satudata.catalog.sinkronisasi.reading.notices import Notice, mixed_encoding

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK = "cp1252"


@dataclass
class DecodedText:
    text: str
    encoding: str
    notices: list[Notice] = field(default_factory=list)


def _utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def _line_by_line(data: bytes) -> DecodedText:
    lines, fallback_rows = [], []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode(FALLBACK, errors="replace"))
            fallback_rows.append(number)
    return DecodedText("\n".join(lines), "utf-8+cp1252", [mixed_encoding(fallback_rows)])


def decode(data: bytes) -> DecodedText:
    """Text of ``data`` and the encoding it was read with."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return DecodedText(data.decode(encoding), encoding)
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return DecodedText(data.decode(utf16, errors="replace"), utf16)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a few bad lines: mixed. Otherwise the whole file is Windows-1252.
    bad_lines = sum(1 for line in data.split(b"\n") if not _is_utf8(line))
    total_lines = data.count(b"\n") + 1
    has_utf8_multibyte = any(
        _is_utf8(line) and max(line, default=0) >= 0x80 for line in data.split(b"\n")
    )
    if has_utf8_multibyte and bad_lines < total_lines:
        return _line_by_line(data)
    return DecodedText(data.decode(FALLBACK, errors="replace"), FALLBACK)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
