"""Files requesters and staff attach to tickets: checked, stored by content hash like uploads,
and only ever served as downloads.

``check`` (the part B contract) refuses what should not be kept: too large, an executable, an
archive that expands past the limit; ``store`` writes an accepted file once under its SHA-256.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from satudata.support.models import TicketAttachment

if TYPE_CHECKING:
    from satudata.support.models import TicketMessage
    from satudata.support.services import NewFile

PREFIX = "support"


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
