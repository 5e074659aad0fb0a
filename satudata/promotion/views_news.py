"""What's new ("Rilis terbaru"): today's or this week's releases with their key figures, its
feeds, and the year's release calendar as a PDF for print."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from satudata.accounts.models import Agency
from satudata.catalog.metadata.standard import SECTORS
from satudata.core import pagecache
from satudata.promotion import calendar_pdf, news
from satudata.promotion.feeds import chosen_of


@require_safe
def news_page(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("periode", news.DAY)
    period = period if period in news.PERIODS else news.DAY
    chosen = chosen_of(request)
    sectors = {s.key for s in SECTORS}
    sector = chosen.sector if chosen.sector in sectors else ""
    start, end = news.window(period)
    found = news.releases(start, end, sector=sector, agency=chosen.agency, limit=news.MAX_ITEMS)
    language = translation.get_language() or "id"

    def draw() -> HttpResponse:
        coming = None if found else news.next_release(sector=sector, agency=chosen.agency)
        query = [(k, v) for k, v in (("sektor", sector), ("instansi", chosen.agency)) if v]
        return render(
            request,
            "promotion/news/news.html",
            {
                "period": period,
                "start": start,
                "items": news.items(found, language),
                "coming": coming,
                "chosen": {"sektor": sector, "instansi": chosen.agency},
                "scope": " · ".join(
                    filter(None, [chosen.sector_label if sector else "", chosen.agency_name])
                ),
                "agencies": Agency.objects.order_by("name"),
                "sectors": SECTORS,
                "feed_query": ("?" + urlencode(query)) if query else "",
                "filter_query": ("&" + urlencode(query)) if query else "",
                "year": timezone.localdate().year,
                "limit": news.MAX_ITEMS,
            },
        )

    parts = ("news", period, start, tuple((r.pk, r.state) for r in found))
    return pagecache.page(request, parts, draw)


@require_safe
def calendar_print(request: HttpRequest, year: int) -> HttpResponse:
    """The year's public release calendar as a PDF for print."""
    if not 2000 <= year <= 2100:
        raise Http404
    pdf = calendar_pdf.render(year)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jadwal-rilis-{year}.pdf"'
    return response
