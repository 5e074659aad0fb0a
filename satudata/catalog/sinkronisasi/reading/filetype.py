"""What a file is, by its first bytes ("magic numbers"), whatever its name says.

A photo of a table renamed to ``.xlsx``, a PDF report or a Word document holding the table are
common uploads; each is named for what it is, with what to do, instead of "damaged".
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_PICTURE = gettext_lazy(
    "If the table exists only as a picture, ask whoever made it for the Excel file, or type "
    "the table into a spreadsheet, and upload that as XLSX or CSV."
)
_DOCUMENT = gettext_lazy(
    "Copy the table from the document into Excel or LibreOffice Calc, save it as XLSX and "
    "upload that."
)
_ARCHIVE = gettext_lazy(
    "Unpack the archive and upload the table inside it (CSV, XLSX, XLS or ODS)."
)

# (leading bytes, what the file is, what to do); WebP and HEIC are checked apart (an offset).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("a PNG image"), _PICTURE),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image"), _PICTURE),
    (b"GIF87a", gettext_lazy("a GIF image"), _PICTURE),
    (b"GIF89a", gettext_lazy("a GIF image"), _PICTURE),
    (b"II*\x00", gettext_lazy("a TIFF image"), _PICTURE),
    (b"MM\x00*", gettext_lazy("a TIFF image"), _PICTURE),
    (b"%PDF-", gettext_lazy("a PDF document"), _DOCUMENT),
    (b"{\\rtf", gettext_lazy("an RTF document"), _DOCUMENT),
    (b"Rar!\x1a\x07", gettext_lazy("a RAR archive"), _ARCHIVE),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("a 7-Zip archive"), _ARCHIVE),
    (b"\x1f\x8b", gettext_lazy("a GZIP archive"), _ARCHIVE),
)
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OLE container holding a workbook (XLS), or an encrypted XLSX, is left to the workbook reader.
_WORKBOOK_STREAMS = tuple(name.encode("utf-16-le") for name in ("Workbook", "EncryptionInfo"))
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_POWERPOINT_STREAM = "PowerPoint Document".encode("utf-16-le")
_ODF_SPREADSHEET = b"application/vnd.oasis.opendocument.spreadsheet"


def _zip_kind(data: bytes) -> tuple[str, str] | None:
    """What a ZIP that is not a workbook is; None for XLSX, ODS and ZIPs that cannot be listed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, ValueError, KeyError, NotImplementedError, OSError):
        return None
    if any(name.startswith("xl/") for name in names) or mimetype.startswith(_ODF_SPREADSHEET):
        return None
    if any(name.startswith("word/") for name in names):
        return str(_("a Word document (DOCX)")), str(_DOCUMENT)
    if any(name.startswith("ppt/") for name in names):
        return str(_("a PowerPoint presentation (PPTX)")), str(_DOCUMENT)
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return str(_("an OpenDocument text or presentation")), str(_DOCUMENT)
    return str(_("a ZIP archive")), str(_ARCHIVE)


def identify(data: bytes) -> tuple[str, str] | None:
    """What the file is and what to do, when it is a known kind that is not a table."""
    for magic, kind, advice in _MAGIC:
        if data.startswith(magic):
            return str(kind), str(advice)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return str(_("a WebP image")), str(_PICTURE)
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return str(_("a HEIC/AVIF photo")), str(_PICTURE)
    if data.startswith(_OLE):
        if any(stream in data for stream in _WORKBOOK_STREAMS):
            return None
        if _WORD_STREAM in data:
            return str(_("a Word 97-2003 document (DOC)")), str(_DOCUMENT)
        if _POWERPOINT_STREAM in data:
            return str(_("a PowerPoint 97-2003 presentation (PPT)")), str(_DOCUMENT)
        return None
    if data.startswith(_ZIP):
        return _zip_kind(data)
    return None


def foreign_problem(data: bytes, filename: str = "") -> str | None:
    """Why ``data`` is not read as a table because it is another kind of file, or None."""
    found = identify(data)
    if found is None:
        return None
    kind, advice = found
    if not filename:
        return _("The file is %(kind)s, not a table. %(advice)s") % {
            "kind": kind,
            "advice": advice,
        }
    return _("The file “%(name)s” is %(kind)s, not a table. %(advice)s") % {
        "name": filename[-80:],
        "kind": kind,
        "advice": advice,
    }
