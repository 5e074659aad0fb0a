"""Keeping uploaded originals unchanged, addressed by their content (nothing is lost).

Files arrive as chunks and go to disk as they come, hashed on the way; no whole file is held in
memory. The check reads an original from a local path: the storage's own file when it has one,
otherwise a temporary copy streamed down from it (object storage).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from satudata.core.recovery import TEMP_PREFIX

PREFIX = "originals"
CHUNK = 2**20


class TooLarge(ValueError):
    """The file passed the size limit while it was arriving."""


def size_problem(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused, or None when it may be uploaded."""
    if size > settings.UPLOAD_MAX_BYTES:
        return _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}
    return None


# Control characters (NUL, line breaks), format characters (the right-to-left override that makes
# "laporan\u202excod.exe" show as "laporanexe.docx", zero-width spaces) and line separators.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp"}
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,10}$")


def clean_filename(name: str, limit: int = 255) -> str:
    """A file name safe to store and show: its last path part, without control or direction
    characters, at most ``limit`` characters, the stem shortened and the extension kept.

    Originals are stored under their digest; this name is only what the user sees.
    """
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _HIDDEN)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not (dot and stem and _EXTENSION.match(extension)):
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    if len(stem) + len(suffix) > limit:
        stem = stem[: limit - len(suffix) - 1].rstrip() + "…"
    return (stem or "upload") + suffix


def original_path(digest: str) -> str:
    return f"{PREFIX}/{digest[:2]}/{digest}"


def keep_original(chunks: Iterable[bytes]) -> tuple[str, int]:
    """Store the file made of ``chunks`` once under its SHA-256; its digest and size.

    Raises ``TooLarge`` as soon as the size limit is passed; nothing is stored then.
    """
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".upload") as tmp:
        for chunk in chunks:
            size += len(chunk)
            if size_problem(size):
                raise TooLarge(size_problem(size))
            digest.update(chunk)
            tmp.write(chunk)
        tmp.flush()
        tmp.seek(0)
        hexdigest = digest.hexdigest()
        path = original_path(hexdigest)
        if not default_storage.exists(path):
            default_storage.save(path, File(tmp, name=hexdigest))
    return hexdigest, size


def _checked(digest: str) -> str:
    if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        raise FileNotFoundError(digest)
    return original_path(digest)


def read_original(digest: str) -> bytes:
    """A whole original, for the small files shown in a preview."""
    with default_storage.open(_checked(digest), "rb") as handle:
        return bytes(handle.read())


@contextmanager
def local_original(digest: str) -> Iterator[Path]:
    """A path on this machine where the original can be read."""
    name = _checked(digest)
    try:
        local: Path | None = Path(default_storage.path(name))
    except NotImplementedError:  # object storage has no local path
        local = None
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory(
        prefix=f"{TEMP_PREFIX}original-", dir=settings.SYNC_WORK_DIR or None
    ) as folder:
        target = Path(folder) / digest
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        yield target
