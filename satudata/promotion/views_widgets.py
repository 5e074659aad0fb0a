"""The widget pages other websites frame, and the snippet builder.

Only the three widget pages may be framed: they send neither ``X-Frame-Options`` nor the site's
``frame-ancestors 'none'`` (``xframe_options_exempt`` and django-csp's ``csp_replace``); every
other page keeps refusing. They set no cookie (no session, no CSRF token, no language cookie:
the language comes from ``?bahasa=id|en``), show only what is out for everyone, and are kept
for anonymous visitors by ``core.pagecache`` under a key built from what the gate let through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from satudata.accounts.models import Agency
from satudata.catalog.metadata.standard import SECTORS
from satudata.core import pagecache
from satudata.core.models import SiteProfile
from satudata.promotion import facts, widgets

# Any site may frame a widget page (http and https origins alike).
FRAMEABLE = {"frame-ancestors": ["*"]}
LANGUAGES = ("id", "en")

View = Callable[..., HttpResponseBase]


def language_of(request: HttpRequest) -> str:
    chosen = request.GET.get("bahasa", "")
    return chosen if chosen in LANGUAGES else settings.LANGUAGE_CODE


def frameable(view: View) -> View:
    """A widget page: framed by anyone, answered only to GET and HEAD."""
    return xframe_options_exempt(csp_replace(FRAMEABLE)(require_safe(view)))


def _page(
    request: HttpRequest,
    parts: tuple[Any, ...],
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """The widget page, or the one kept under ``parts`` (what the gate let through); the
    ``context`` is built only when the page is rendered."""
    language = language_of(request)

    def draw() -> HttpResponse:
        with translation.override(language):
            site = SiteProfile.current()
            body = render_to_string(
                template,
                {
                    **context(),
                    "language": language,
                    "site_name": site.site_name,
                    "portal_url": facts.absolute("/", widgets.CAMPAIGN),
                },
            )
        return HttpResponse(body)

    response = pagecache.page(request, (template, language, *parts), draw)
    response["Content-Language"] = language
    response["Cache-Control"] = "public, max-age=60"
    return response


@frameable
def upcoming(request: HttpRequest) -> HttpResponse:
    agency = request.GET.get("instansi", "")[:60]
    sector = request.GET.get("sektor", "")[:60]
    count = widgets.count_from(request.GET.get("n"))
    with translation.override(language_of(request)):
        rows = widgets.upcoming(agency, sector, count)
    parts = tuple((r.pk, r.planned_at, r.state) for r in rows)
    return _page(
        request,
        ("upcoming", timezone.localdate(), *parts),
        "promotion/widgets/upcoming.html",
        lambda: {
            "rows": rows,
            "agency": Agency.objects.filter(slug=agency).first() if agency else None,
            "calendar_url": facts.absolute(reverse("releases:calendar"), widgets.CAMPAIGN),
        },
    )


@frameable
def figure(request: HttpRequest, slug: str) -> HttpResponse:
    language = language_of(request)
    found = widgets.dataset_figures(slug)

    def context() -> dict[str, Any]:
        return {"found": found, "lines": widgets.figure_lines(widgets.figures_for(found), language)}

    return _page(
        request,
        ("figure", found.version_pk, found.release_pk),
        "promotion/widgets/figure.html",
        context,
    )


@frameable
def chart(request: HttpRequest, slug: str) -> HttpResponse:
    found = widgets.chart(slug)
    return _page(
        request,
        ("chart", found.version_pk),
        "promotion/widgets/chart.html",
        lambda: {"found": found},
    )


@require_safe
def builder(request: HttpRequest) -> HttpResponse:
    """The snippet builder: choose a widget, see it, copy its ``<iframe>`` or script snippet."""
    kind = request.GET.get("widget", "rilis-mendatang")
    kind = kind if kind in widgets.KINDS else "rilis-mendatang"
    datasets = widgets.released_datasets()
    charts = widgets.released_charts()
    # Only a released dataset or chart can be chosen (anything else: the first one).
    dataset_slugs, chart_slugs = {d.slug for d in datasets}, {c.slug for c in charts}
    asked_dataset, asked_chart = request.GET.get("dataset", ""), request.GET.get("grafik", "")
    chosen = {
        "widget": kind,
        "dataset": asked_dataset
        if asked_dataset in dataset_slugs
        else (datasets[0].slug if datasets else ""),
        "grafik": asked_chart if asked_chart in chart_slugs else (charts[0].slug if charts else ""),
        "instansi": request.GET.get("instansi", ""),
        "sektor": request.GET.get("sektor", ""),
        "n": str(widgets.count_from(request.GET.get("n"))),
        "bahasa": language_of(request),
    }
    src = _widget_address(chosen)
    script_url = facts.absolute(_static("promotion/widget.js"))
    return render(
        request,
        "promotion/widgets/builder.html",
        {
            "chosen": chosen,
            "datasets": datasets,
            "charts": charts,
            "agencies": Agency.objects.order_by("name"),
            "sectors": SECTORS,
            "kinds": _kind_labels(),
            "src": src,
            "iframe_snippet": _iframe_snippet(src, chosen),
            "script_snippet": _script_snippet(script_url, chosen),
            "site_url": settings.SITE_URL.rstrip("/"),
            "max_count": widgets.MAX_COUNT,
        },
    )


@require_safe
def sample_site(request: HttpRequest) -> HttpResponse:
    """A sample village website showing the widgets as another site embeds them (the demo's
    "widgets on a sample page"), labelled as sample."""
    datasets = widgets.released_datasets()
    charts = widgets.released_charts()
    return render(
        request,
        "promotion/widgets/sample_site.html",
        {"dataset": datasets[0] if datasets else None, "chart": charts[0] if charts else None},
    )


def _static(name: str) -> str:
    from django.templatetags.static import static

    return static(name)


def _kind_labels() -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    return [
        ("rilis-mendatang", _("Upcoming releases")),
        ("angka", _("A dataset's latest figure")),
        ("grafik", _("A chart")),
    ]


def _widget_address(chosen: dict[str, str]) -> str:
    """The full address of the widget page ``chosen`` describes."""
    kind = chosen["widget"]
    query: list[str] = []
    if kind == "angka":
        path = reverse("promotion:widget-figure", args=[chosen["dataset"] or "-"])
    elif kind == "grafik":
        path = reverse("promotion:widget-chart", args=[chosen["grafik"] or "-"])
    else:
        path = reverse("promotion:widget-upcoming")
        query += [f"{k}={chosen[k]}" for k in ("instansi", "sektor") if chosen[k]]
        if chosen["n"] != str(widgets.DEFAULT_COUNT):
            query.append(f"n={chosen['n']}")
    if chosen["bahasa"] != settings.LANGUAGE_CODE:
        query.append(f"bahasa={chosen['bahasa']}")
    from urllib.parse import quote

    return facts.absolute(path) + (
        "?" + "&".join(quote(q, safe="=") for q in query) if query else ""
    )


HEIGHTS = {"rilis-mendatang": 360, "angka": 220, "grafik": 420}


def _iframe_snippet(src: str, chosen: dict[str, str]) -> str:
    from django.utils.html import escape

    return (
        f'<iframe src="{escape(src)}" title="{escape(_title(chosen))}" '
        f'width="100%" height="{HEIGHTS[chosen["widget"]]}" '
        'style="border:0;max-width:100%" loading="lazy"></iframe>'
    )


def _script_snippet(script_url: str, chosen: dict[str, str]) -> str:
    from django.utils.html import escape

    kind = chosen["widget"]
    attributes = [f'data-satudata-widget="{kind}"']
    if kind == "angka":
        attributes.append(f'data-dataset="{escape(chosen["dataset"])}"')
    elif kind == "grafik":
        attributes.append(f'data-grafik="{escape(chosen["grafik"])}"')
    else:
        attributes += [
            f'data-{k}="{escape(chosen[k])}"' for k in ("instansi", "sektor") if chosen[k]
        ]
        if chosen["n"] != str(widgets.DEFAULT_COUNT):
            attributes.append(f'data-n="{escape(chosen["n"])}"')
    if chosen["bahasa"] != settings.LANGUAGE_CODE:
        attributes.append(f'data-bahasa="{escape(chosen["bahasa"])}"')
    return f'<div {" ".join(attributes)}></div>\n<script src="{escape(script_url)}" async></script>'


def _title(chosen: dict[str, str]) -> str:
    return dict(_kind_labels())[chosen["widget"]]
