"""What's new as RSS and Atom, for everything or for one sector or agency
(``/rilis-terbaru/feed.rss?sektor=<key>&instansi=<slug>``): the releases feed of the calendar
(``satudata.releases.feeds.ReleasesFeed``), its items told with their key figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satudata.accounts.models import Agency
from satudata.core.models import SiteProfile
from satudata.promotion import news
from satudata.promotion.facts import figure_text
from satudata.releases.feeds import ReleasesFeed
from satudata.releases.models import Release

WINDOW = dt.timedelta(days=60)
ITEMS = 50


@dataclass
class Chosen:
    sector: str
    sector_label: str
    agency: str
    agency_name: str

    def query(self) -> str:
        pairs = [(k, v) for k, v in (("sektor", self.sector), ("instansi", self.agency)) if v]
        return "?" + urlencode(pairs) if pairs else ""


def chosen_of(request: HttpRequest) -> Chosen:
    from satudata.promotion.facts import sector_label

    sector = request.GET.get("sektor", "")[:60]
    agency = request.GET.get("instansi", "")[:60]
    named = Agency.objects.filter(slug=agency).first() if agency else None
    return Chosen(
        sector=sector,
        sector_label=sector_label(sector) if sector else "",
        agency=agency if named else "",
        agency_name=named.name if named else "",
    )


class NewsFeed(ReleasesFeed):
    """Releases out for everyone in the last 60 days (at most 50), of the sector and agency
    asked for, each with its key figures in its description."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """The sector and agency asked for; a feed of an unknown one is 404 (a mistyped
        address would otherwise follow everything, or nothing, silently)."""
        from satudata.catalog.metadata.standard import SECTORS

        chosen = chosen_of(request)
        sector = request.GET.get("sektor", "")
        if (sector and sector not in {s.key for s in SECTORS}) or (
            request.GET.get("instansi") and not chosen.agency
        ):
            raise Http404
        return chosen

    def title(self, obj: Chosen) -> str:  # type: ignore[override]
        site = SiteProfile.current().site_name
        scope = " · ".join(filter(None, [obj.sector_label, obj.agency_name]))
        if scope:
            return _("What's new: %(scope)s — %(site)s") % {"scope": scope, "site": site}
        return _("What's new — %(site)s") % {"site": site}

    def link(self, obj: Chosen) -> str:  # type: ignore[override]
        return reverse("promotion:news") + obj.query()

    def description(self, obj: Chosen) -> str:  # type: ignore[override]
        return _("Data released on the portal, at their release time, with their key figures.")

    def items(self, obj: Chosen) -> list[Release]:  # type: ignore[override]
        start = timezone.now() - WINDOW
        return news.releases(start, sector=obj.sector, agency=obj.agency, limit=ITEMS)

    def item_title(self, item: Release) -> str:
        return news.facts_for(item).title

    def item_description(self, item: Release) -> str:
        told = news.facts_for(item)
        language = translation.get_language() or "id"
        when = date_format(timezone.localtime(item.release_at), "j F Y H.i")
        lines = [_("Released %(when)s.") % {"when": f"{when} WIB"}]
        lines += [f"{figure_text(f, language)}." for f in told.figures]
        lines.append(" · ".join(filter(None, [told.agency, told.sector_label])))
        if told.summary:
            lines.append(told.summary)
        return "\n".join(lines)

    def item_link(self, item: Release) -> str:
        return news.facts_for(item).path

    def item_categories(self, item: Release) -> list[str]:
        told = news.facts_for(item)
        return [c for c in (told.sector_label, told.agency, told.product_type_label) if c]


class NewsAtom(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Chosen) -> str:
        return self.description(obj)
