"""Keeping uploaded originals unchanged, addressed by their content (nothing is lost)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

PREFIX = "originals"


def size_problem(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused, or None when it may be uploaded."""
    if size > settings.UPLOAD_MAX_BYTES:
        return _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // 2**20}
    return None


def original_path(digest: str) -> str:
    return f"{PREFIX}/{digest[:2]}/{digest}"


def keep_original(data: bytes) -> str:
    """Store ``data`` once under its SHA-256 and return the digest."""
    digest = hashlib.sha256(data).hexdigest()
    path = original_path(digest)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return digest


def read_original(digest: str) -> bytes:
    if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        raise FileNotFoundError(digest)
    with default_storage.open(original_path(digest), "rb") as handle:
        return bytes(handle.read())
