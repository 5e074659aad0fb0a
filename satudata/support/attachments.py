"""Files requesters and staff attach to tickets: checked, stored by content hash like uploads,
and only ever served as downloads.

``check`` (the part B contract) refuses what should not be kept: too large, an executable, an
archive that expands past the limit; ``store`` writes an accepted file once under its SHA-256.

Accepted, by content (the first bytes), never by the name or the browser's media type alone:
PDF, PNG, JPEG, plain text (CSV, TXT), and the Office Open XML workbooks and documents (XLSX,
DOCX) whose zip is bounded (members, declared and real uncompressed size, each member's packing
ratio; nothing is written to disk and reading stops at the bound). Refused: anything else, in
particular executables (MZ, ELF, Mach-O, a script's ``#!``), HTML, SVG and XML (script in a page
of our origin), plain ZIP archives and macro-enabled Office files. The name's extension must
agree with the content.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from satudata.support.models import TicketAttachment
from satudata.support.services import NewFile, SupportError

if TYPE_CHECKING:
    from satudata.support.models import TicketMessage

PREFIX = "support"
FIELD = "attachments"
# An Office file's zip: at most this many members and this many bytes once uncompressed.
ZIP_MAX_MEMBERS = 2_000
ZIP_MAX_UNCOMPRESSED = 100 * 2**20
# And no member past ZIP_RATIO_GRACE bytes unpacking to more than ZIP_MAX_RATIO times its packed
# size: Apache POI's rule for Office files (ZipSecureFile, 1/100). Real sheets and documents
# pack about 5 to 20 times; a bomb packs a thousand times and more, even under the size bound.
ZIP_MAX_RATIO = 100
ZIP_RATIO_GRACE = 100 * 1024
ZIP_CHUNK = 64 * 1024

# What each accepted kind is called, its media type and the extensions its name may have.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "csv": ("text/csv", (".csv",)),
    "text": ("text/plain", (".txt",)),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
}
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows/DOS executables and DLLs
    b"\x7fELF",  # Linux
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",  # a script
)
MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|\?xml|body|iframe|object|embed)\b", re.I)


def _refuse(message: str) -> SupportError:
    return SupportError(message, FIELD)


def _clean_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    name = name.strip().strip(".") or "lampiran"
    stem, ext = os.path.splitext(name)
    return stem[: 190 - len(ext[:10])] + ext[:10].lower()


def _read(uploaded: Any, limit: int) -> bytes:
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    if hasattr(uploaded, "chunks"):
        parts, total = [], 0
        for chunk in uploaded.chunks():
            parts.append(chunk)
            total += len(chunk)
            if total > limit:
                break
        return b"".join(parts)
    return bytes(uploaded.read(limit + 1))


def _zip_kind(content: bytes, name: str) -> str:
    """xlsx or docx, after bounding the archive; SupportError for anything else."""
    bomb = _("The file %(name)s unpacks to far more than its size; it was refused.") % {
        "name": name
    }
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(
            _("The file %(name)s is damaged and cannot be read.") % {"name": name}
        ) from None
    if len(members) > ZIP_MAX_MEMBERS:
        raise _refuse(bomb)
    if sum(member.file_size for member in members) > ZIP_MAX_UNCOMPRESSED:
        raise _refuse(bomb)
    if any(
        member.file_size > ZIP_RATIO_GRACE
        and member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    ):
        raise _refuse(bomb)
    names = {member.filename for member in members}
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(
            _("The file %(name)s contains macros; save it without macros (XLSX or DOCX).")
            % {"name": name}
        )
    # The sizes in the archive's directory may lie: read (never write) each member and stop
    # at the bound.
    total = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(ZIP_CHUNK):
                    total += len(chunk)
                    if total > ZIP_MAX_UNCOMPRESSED:
                        raise _refuse(bomb)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        raise _refuse(
            _("The file %(name)s is damaged and cannot be read.") % {"name": name}
        ) from None
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    raise _refuse(
        _("%(name)s is a ZIP archive; archives are not accepted. Attach the files themselves.")
        % {"name": name}
    )


def _text_kind(content: bytes, extension: str) -> str | None:
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        try:
            content.decode("cp1252")
        except UnicodeDecodeError:
            return None
    if MARKUP.search(content[:4096]) or MARKUP.search(content[-4096:]):
        return "markup"
    return "csv" if extension == ".csv" else "text"


def sniff(content: bytes, name: str) -> str:
    """The accepted kind of ``content`` (a key of KINDS), or SupportError."""
    extension = os.path.splitext(name)[1].lower()
    if content.startswith(EXECUTABLE_MAGIC):
        raise _refuse(
            _("%(name)s is a program or script; such files are not accepted.") % {"name": name}
        )
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content, name)
    kind = _text_kind(content, extension)
    if kind == "markup":
        raise _refuse(
            _("%(name)s is a web page, SVG or XML file; such files are not accepted.")
            % {"name": name}
        )
    if kind is None:
        raise _refuse(_not_accepted(name))
    return kind


def _not_accepted(name: str) -> str:
    return _(
        "%(name)s is not a file type we accept. Attach PDF, PNG, JPEG, CSV, TXT, XLSX or DOCX."
    ) % {"name": name}


def check(uploaded_file: Any) -> NewFile:
    """One uploaded file checked by its content: the NewFile to store, or SupportError."""
    limit = int(settings.SUPPORT_ATTACHMENT_MAX_BYTES)
    name = _clean_name(getattr(uploaded_file, "name", "") or "")
    size = getattr(uploaded_file, "size", None)
    too_big = _("%(name)s is larger than %(max)s MB; send a smaller file.") % {
        "name": name,
        "max": f"{limit / 2**20:.0f}",
    }
    if size is not None and size > limit:
        raise _refuse(too_big)
    content = _read(uploaded_file, limit)
    if len(content) > limit:
        raise _refuse(too_big)
    if not content:
        raise _refuse(_("%(name)s is empty.") % {"name": name})
    kind = sniff(content, name)
    mimetype, extensions = KINDS[kind]
    extension = os.path.splitext(name)[1].lower()
    if extension not in extensions:
        if kind in {"csv", "text"} and extension in {".csv", ".txt"}:
            pass
        else:
            raise _refuse(
                _("The content of %(name)s does not match its name; it looks like a %(kind)s file.")
                % {"name": name, "kind": kind.upper()}
            )
    return NewFile(filename=name, content=content, mimetype=mimetype)


def check_all(uploaded_files: Iterable[Any]) -> list[NewFile]:
    """Every file of one message, at most ``SUPPORT_ATTACHMENTS_PER_MESSAGE``."""
    files = [f for f in uploaded_files if f]
    most = int(settings.SUPPORT_ATTACHMENTS_PER_MESSAGE)
    if len(files) > most:
        raise _refuse(
            _("Attach at most %(max)s files to one message (you chose %(n)s).")
            % {"max": most, "n": len(files)}
        )
    return [check(f) for f in files]


def attachment_path(digest: str) -> str:
    return f"{PREFIX}/{digest[:2]}/{digest}"


def store(message: TicketMessage, item: NewFile) -> TicketAttachment:
    digest = hashlib.sha256(item.content).hexdigest()
    path = attachment_path(digest)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(item.content, name=digest))
    return TicketAttachment.objects.create(
        message=message,
        filename=item.filename[:200],
        mimetype=item.mimetype[:100],
        size=len(item.content),
        sha256=digest,
        path=path,
    )
