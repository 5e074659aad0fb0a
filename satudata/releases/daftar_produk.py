"""The Daftar Produk Diseminasi: the output of SOP activity 3, every product released in a
period with its planned and actual release, formats, version and address; on a page and as
XLSX and PDF."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.catalog.exports import table_pdf
from satudata.core.models import SiteProfile
from satudata.core.spreadsheets import Link, Workbook
from satudata.releases.dates import wording
from satudata.releases.models import Precision, ProductType, Release, ReleaseState


@dataclass
class ProductRow:
    release: Release
    title: str
    product_type: str
    kind: str
    agency: str
    planned: str
    released_at: dt.datetime
    formats: list[str]
    version: int
    url: str
    withdrawn: bool

    @property
    def released(self) -> str:
        return timezone.localtime(self.released_at).strftime("%d-%m-%Y %H.%M")


def visible_content(user: Any, releases: list[Release]) -> set[tuple[int, int]]:
    """(content type, id) of the releases' content the viewer may see, asked of each content
    model's own gate."""
    by_type: dict[int, list[int]] = defaultdict(list)
    for release in releases:
        by_type[release.content_type_id].append(release.object_id)
    seen: set[tuple[int, int]] = set()
    for type_id, ids in by_type.items():
        model: Any = ContentType.objects.get_for_id(type_id).model_class()
        visible = model.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
        seen.update((type_id, pk) for pk in visible)
    return seen


def product_rows(user: Any, start: dt.datetime, end: dt.datetime) -> list[ProductRow]:
    """Releases out in [start, end) (and by now) that the viewer may see, oldest first;
    withdrawn ones stay listed, marked, without a link."""
    now = timezone.now()
    releases = list(
        Release.objects.published(min(end, now))
        .filter(release_at__gte=start)
        .select_related("agency", "entry")
        .prefetch_related("content")
        .order_by("release_at", "id")
    )
    visible = visible_content(user, releases)
    rows = []
    for release in releases:
        withdrawn = release.state == ReleaseState.WITHDRAWN
        if not withdrawn and (release.content_type_id, release.object_id) not in visible:
            continue
        content = release.releasable
        entry = release.entry
        planned = (
            wording(entry.target_at, Precision.EXACT)
            if entry is not None and entry.target_at
            else wording(entry.planned_at, entry.precision)
            if entry is not None
            else _("not on the calendar")
        )
        assert release.release_at is not None
        rows.append(
            ProductRow(
                release=release,
                title=release.title,
                product_type=str(ProductType(content.release_product_type()).label),
                kind=str(release.get_kind_display()),  # type: ignore[attr-defined]
                agency=release.agency.name,
                planned=planned,
                released_at=release.release_at,
                formats=content.release_formats(),
                version=content.release_version(),
                url="" if withdrawn else content.release_url(),
                withdrawn=withdrawn,
            )
        )
    return rows


HEADERS = (
    "NO",
    "TITLE",
    "TYPE",
    "KIND",
    "PRODUCING AGENCY",
    "PLANNED RELEASE",
    "ACTUAL RELEASE",
    "FORMATS",
    "VERSION",
    "ADDRESS",
)


def _headers() -> list[str]:
    labels = {
        "NO": _("NO"),
        "TITLE": _("TITLE"),
        "TYPE": _("TYPE"),
        "KIND": _("KIND"),
        "PRODUCING AGENCY": _("PRODUCING AGENCY"),
        "PLANNED RELEASE": _("PLANNED RELEASE"),
        "ACTUAL RELEASE": _("ACTUAL RELEASE"),
        "FORMATS": _("FORMATS"),
        "VERSION": _("VERSION"),
        "ADDRESS": _("ADDRESS"),
    }
    return [labels[h] for h in HEADERS]


def _cells(number: int, row: ProductRow, site_url: str) -> list[Any]:
    address = Link(f"{site_url}{row.url}") if row.url else _("withdrawn")
    return [
        number,
        row.title + (f" ({_('withdrawn')})" if row.withdrawn else ""),
        row.product_type,
        row.kind,
        row.agency,
        row.planned,
        row.released + " WIB",
        ", ".join(row.formats),
        row.version,
        address,
    ]


def products_xlsx(rows: list[ProductRow], period: str, site_url: str) -> bytes:
    book = Workbook()
    sheet = book.add_sheet(_("Daftar Produk Diseminasi"))
    bold = book.style(bold=True, text_wrap=True, valign="top", border=1)
    wrap = book.style(text_wrap=True, valign="top", border=1)
    site = SiteProfile.current()
    sheet.write(0, 0, _("DAFTAR PRODUK DISEMINASI %(period)s") % {"period": period}, bold)
    sheet.write(1, 0, f"{site.regency_name} — {site.walidata_name}")
    sheet.write_row(3, 0, _headers(), bold)
    for offset, row in enumerate(rows, start=4):
        cells = _cells(offset - 3, row, site_url)
        sheet.write_row(offset, 0, cells, wrap)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 45)
    sheet.set_column(2, 8, 16)
    sheet.set_column(9, 9, 50)
    sheet.freeze_panes(4, 2)
    return book.to_bytes()


def products_pdf(rows: list[ProductRow], period: str, site_url: str) -> bytes:
    site = SiteProfile.current()
    return table_pdf(
        [
            _("DAFTAR PRODUK DISEMINASI %(period)s") % {"period": period},
            site.regency_name.upper(),
            site.walidata_name,
        ],
        [_("%(count)s products released.") % {"count": len(rows)}],
        _headers(),
        [_cells(n, row, site_url) for n, row in enumerate(rows, start=1)],
    )
