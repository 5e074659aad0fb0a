"""The year's public release calendar as a PDF for print (Typst), in Indonesian: the entries by
month, each with its date as announced (exact, a month or two), title, agency, precision and
state, under the regency's header and the date it was generated.

Everything printed goes to the template as JSON (``sys.inputs``) and is placed as text, never
as markup, so a title cannot change the layout.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typst  # type: ignore[import-untyped]
from django.utils import timezone, translation
from django.utils.formats import date_format

from satudata.core.models import SiteProfile
from satudata.releases.dates import wording
from satudata.releases.models import ReleaseEntry

TEMPLATE = Path(__file__).with_name("typst_calendar") / "calendar.typ"


def content(year: int, at: dt.datetime | None = None) -> dict[str, Any]:
    """What the PDF prints: the year's entries the public sees, grouped by month."""
    moment = at or timezone.now()
    start = timezone.make_aware(dt.datetime(year, 1, 1), timezone.get_default_timezone())
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1), timezone.get_default_timezone())
    entries = (
        ReleaseEntry.objects.visible_to(None)
        .filter(planned_at__gte=start, planned_at__lt=end)
        .select_related("agency")
        .prefetch_related("date_changes")
        .order_by("planned_at", "id")
    )
    site = SiteProfile.current()
    with translation.override("id"):
        months: dict[int, dict[str, Any]] = {}
        for entry in entries:
            local = timezone.localtime(entry.planned_at)
            month = months.setdefault(
                local.month, {"name": date_format(local, "F Y"), "entries": []}
            )
            month["entries"].append(
                {
                    "date": wording(entry.planned_at, entry.precision),
                    "title": entry.title,
                    "agency": entry.agency.short_name or entry.agency.name,
                    "precision": str(entry.get_precision_display()),  # type: ignore[attr-defined]
                    "state": str(entry.public_state(moment).label),
                }
            )
        return {
            "year": str(year),
            "regency": site.regency_name or site.site_name,
            "publisher": site.walidata_name,
            "site": site.site_name,
            "generated": date_format(timezone.localtime(moment), "j F Y H.i") + " WIB",
            "months": [months[m] for m in sorted(months)],
            "count": sum(len(m["entries"]) for m in months.values()),
        }


def render(year: int, at: dt.datetime | None = None) -> bytes:
    """The PDF of ``year``'s calendar."""
    data = content(year, at)
    result = typst.compile(str(TEMPLATE), sys_inputs={"data": json.dumps(data)}, format="pdf")
    return bytes(result)
