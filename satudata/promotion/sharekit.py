"""Share kits: a release's social cards and press releases, made once per release, format and
language and kept as files under their sha256 (like the products' generated files), recorded
as ``ShareFile`` rows.

They are made on the worker when a release is scheduled (``make_share_kit_task``, enqueued by
the release_scheduled receiver), and otherwise on the first request of someone who may see the
release (``share_file``). Making one twice at once is harmless: the second finds the first's
row (the unique constraint decides) and its file, the same bytes under the same name.

A calendar entry's "coming soon" cards are made the same way; a later change of its date makes
them again (the old card would announce the wrong date).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from satudata.core.audit import record
from satudata.promotion import cards, press
from satudata.promotion.models import Language, ShareFile, ShareFormat
from satudata.releases.models import Release, ReleaseEntry

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ShareFormat.CARD_WIDE: "image/png",
    ShareFormat.CARD_SQUARE: "image/png",
    ShareFormat.CARD_STORY: "image/png",
    ShareFormat.PRESS_DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    ShareFormat.PRESS_PDF: "application/pdf",
}
RELEASE_FORMATS = tuple(CONTENT_TYPES)
ENTRY_FORMATS = cards.CARD_FORMATS
# The languages a kit is made in on the worker (a kit in another language is made on request).
KIT_LANGUAGES: tuple[str, ...] = tuple(
    getattr(settings, "PROMOTION_SHARE_LANGUAGES", (Language.INDONESIAN, Language.ENGLISH))
)


def share_dir() -> str:
    return str(getattr(settings, "PROMOTION_SHARE_DIR", "promotion/share")).rstrip("/")


def file_path(digest: str) -> str:
    return f"{share_dir()}/{digest[:2]}/{digest}"


def extension(fmt: str) -> str:
    return "png" if fmt in cards.CARD_FORMATS else fmt.rsplit(".", 1)[-1]


def render(release: Release, fmt: str, language: str) -> bytes:
    """The bytes of one file of ``release``'s kit."""
    if fmt in cards.CARD_FORMATS:
        return cards.release_card(release, fmt, language)
    if fmt == ShareFormat.PRESS_DOCX:
        return press.docx(release, language)
    if fmt == ShareFormat.PRESS_PDF:
        return press.pdf(release, language)
    raise ValueError(f"unknown share format {fmt!r}")


def _store(content: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(content).hexdigest()
    path = file_path(digest)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content, name=digest))
    return digest, path


def _keep(lookup: dict[str, Any], content: bytes, replace: ShareFile | None = None) -> ShareFile:
    """Record ``content`` as the file of ``lookup`` (release or entry, format, language); the
    row another process recorded first wins."""
    digest, path = _store(content)
    try:
        with transaction.atomic():
            if replace is not None:
                ShareFile.objects.filter(pk=replace.pk).delete()
            return ShareFile.objects.create(
                **lookup, sha256=digest, path=path, size=len(content), created_at=timezone.now()
            )
    except IntegrityError:
        return ShareFile.objects.get(**lookup)


def share_file(release: Release, fmt: str, language: str = Language.INDONESIAN) -> ShareFile:
    """The kit's file ``fmt`` of ``release`` in ``language``, made now if it is missing. The
    caller has checked that the viewer may see the release."""
    lookup: dict[str, Any] = {"release": release, "format": fmt, "language": language}
    found = ShareFile.objects.filter(**lookup).first()
    if (
        found is not None
        and found.release_at == release.release_at
        and default_storage.exists(found.path)
    ):
        return found
    made = _keep(lookup, render(release, fmt, language), replace=found)
    if made.release_at != release.release_at:
        ShareFile.objects.filter(pk=made.pk).update(release_at=release.release_at)
        made.release_at = release.release_at
    return made


def make_share_kit(
    release: Release, languages: Iterable[str] = KIT_LANGUAGES, actor: Any = None
) -> list[ShareFile]:
    """Every file of ``release``'s kit in ``languages``, made where missing (once)."""
    made = [share_file(release, fmt, language) for language in languages for fmt in RELEASE_FORMATS]
    record(
        "promotion.share_kit_made",
        actor=actor,
        obj=release,
        summary=release.title,
        actor_label="" if actor is not None else "sistem",
    )
    return made


@task()
def make_share_kit_task(release_id: int) -> int:
    """Make a scheduled release's kit on the worker; the number of files."""
    release = Release.objects.select_related("agency", "entry").filter(pk=release_id).first()
    if release is None:
        return 0
    return len(make_share_kit(release))


def _entry_changed_since(entry: ReleaseEntry, moment: Any) -> bool:
    if entry.date_changes.filter(changed_at__gt=moment).exists():
        return True
    return entry.first_confirmed_at is not None and entry.first_confirmed_at > moment


def entry_file(entry: ReleaseEntry, fmt: str, language: str = Language.INDONESIAN) -> ShareFile:
    """The "coming soon" card ``fmt`` of calendar ``entry``, made now if it is missing or its
    date changed since it was made."""
    lookup: dict[str, Any] = {
        "release": None,
        "entry": entry,
        "format": fmt,
        "language": language,
    }
    found = ShareFile.objects.filter(**lookup).first()
    if (
        found is not None
        and default_storage.exists(found.path)
        and not _entry_changed_since(entry, found.created_at)
    ):
        return found
    return _keep(lookup, cards.entry_card(entry, fmt, language), replace=found)


def read(share: ShareFile) -> bytes:
    with default_storage.open(share.path, "rb") as handle:
        return bytes(handle.read())


def download_name(stem: str, share: ShareFile) -> str:
    name = share.format if share.format in cards.CARD_FORMATS else share.format.rsplit(".", 1)[0]
    return f"{stem}-{name}-{share.language}.{extension(share.format)}"
