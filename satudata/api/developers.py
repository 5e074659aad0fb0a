"""The page for developers ("Untuk pengembang"): every machine channel on one page, with its
address on this very site, how to get a token, the rate limits in force and examples in curl,
Python and R. The figures are read from the settings, so the page never promises a limit the
server does not keep."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satudata.catalog.models import Dataset

# What each rate-limit group covers, in the words of satudata/core/ratelimit.py.
GROUPS = {
    "api": gettext_lazy(
        "REST v1, the CKAN API, DCAT, data.json, Data Packages, feeds and the iCalendar"
    ),
    "search": gettext_lazy("the search page and its JSON and CSV twins"),
    "forms": gettext_lazy("forms sent by visitors who are not signed in"),
}
UNITS = {
    "s": gettext_lazy("second"),
    "m": gettext_lazy("minute"),
    "h": gettext_lazy("hour"),
    "d": gettext_lazy("day"),
}
EXAMPLE_SLUG = "nama-dataset"


@dataclass(frozen=True, kw_only=True)
class Limit:
    """One rate-limit group as configured: how many requests in how long, or off."""

    group: str
    covers: str
    rate: str


def limits() -> list[Limit]:
    """The rates in force (``RATE_LIMITS``), written for people: "300 requests per minute"."""
    rows = []
    for group, covers in GROUPS.items():
        value = settings.RATE_LIMITS.get(group, "off")
        if not settings.RATE_LIMIT_ENABLED or value == "off":
            rate = _("no limit")
        else:
            count, period = value.split("/")
            values = {"count": count, "number": period[:-1], "unit": UNITS[period[-1]]}
            if period[:-1] in ("", "1"):
                rate = _("%(count)s requests per %(unit)s") % values
            else:
                rate = _("%(count)s requests per %(number)s %(unit)s") % values
        rows.append(Limit(group=group, covers=str(covers), rate=rate))
    return rows


def developers(request: HttpRequest) -> HttpResponse:
    """Public; the examples use a dataset anyone may read, so they work when copied."""
    example = (
        Dataset.objects.visible_to(AnonymousUser())
        .order_by("slug")
        .values_list("slug", flat=True)
        .first()
    )
    return render(
        request,
        "api/developers.html",
        {
            "base": request.build_absolute_uri("/").rstrip("/"),
            "slug": example or EXAMPLE_SLUG,
            "limits": limits(),
            "max_rows": settings.DATASTORE_MAX_ROWS,
            "time_limit": settings.DATASTORE_TIME_LIMIT,
        },
    )
