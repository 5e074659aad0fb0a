"""``{% share_meta obj %}``: the Open Graph and Twitter card tags of a dataset's or product's
latest published release (og:title, og:description with its key figure, og:image the absolute
address of its 1200 × 630 card, twitter:card summary_large_image). Only a release that is out
for everyone is ever named (the tags are in public page heads); nothing is printed otherwise.
The description is kept in the cache (a released version never changes)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from satudata.promotion.cards import campaign_of
from satudata.promotion.facts import absolute, facts_of, figure_text
from satudata.promotion.models import ShareFormat
from satudata.releases.models import Release, ReleaseState

register = template.Library()
CACHE_SECONDS = 24 * 60 * 60


def latest_release(obj: Any) -> Release | None:
    """The latest release out for everyone of ``obj`` (a dataset, a product, one of their
    versions, or a release), not withdrawn; None if there is none."""
    from satudata.catalog.models import Dataset, DatasetVersion
    from satudata.products.models import Product, ProductVersion

    releases = Release.objects.published().filter(state=ReleaseState.SCHEDULED)
    if isinstance(obj, Release):
        return obj if releases.filter(pk=obj.pk).exists() else None
    if isinstance(obj, Dataset):
        found = releases.of(DatasetVersion, obj.versions.values("pk"))
    elif isinstance(obj, Product):
        found = releases.of(ProductVersion, obj.versions.values("pk"))
    elif isinstance(obj, DatasetVersion | ProductVersion):
        found = releases.for_content(obj)
    else:
        return None
    return found.select_related("agency", "entry").order_by("-release_at", "-pk").first()


def meta_of(release: Release, language: str) -> dict[str, str]:
    key = f"promotion:share-meta:{release.pk}:{language}"
    found = cache.get(key)
    if found is None:
        with translation.override(language):
            facts = facts_of(release)
            figures = "; ".join(figure_text(f, language) for f in facts.figures)
            description = figures or facts.summary[:200] or facts.agency
            path = reverse("promotion:share_file", args=[release.uuid, ShareFormat.CARD_WIDE])
            if language != "id":
                path += f"?bahasa={language}"
            found = {
                "title": facts.title,
                "description": description,
                "image": absolute(path),
                "image_alt": f"{facts.title}: {figures}" if figures else facts.title,
                "url": facts.url(),
                "tagged": facts.url(campaign_of(release.pk)),
            }
        cache.set(key, found, CACHE_SECONDS)
    return dict(found)


def _language() -> str:
    return "en" if translation.get_language() == "en" else "id"


@register.simple_tag
def share_meta(obj: Any, url: str = "") -> SafeString:
    """The Open Graph / Twitter card tags of ``obj``'s latest published release, or nothing;
    ``url`` is the page's own address for og:url (default: the released version's page)."""
    release = latest_release(obj) if obj is not None else None
    if release is None:
        return mark_safe("")
    meta = meta_of(release, _language())
    if url:
        meta["url"] = url
    return format_html(
        '<meta property="og:type" content="article">\n'
        '<meta property="og:title" content="{}">\n'
        '<meta property="og:description" content="{}">\n'
        '<meta property="og:url" content="{}">\n'
        '<meta property="og:image" content="{}">\n'
        '<meta property="og:image:width" content="1200">\n'
        '<meta property="og:image:height" content="630">\n'
        '<meta property="og:image:alt" content="{}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        '<meta name="twitter:title" content="{}">\n'
        '<meta name="twitter:description" content="{}">\n'
        '<meta name="twitter:image" content="{}">',
        meta["title"],
        meta["description"],
        meta["url"],
        meta["image"],
        meta["image_alt"],
        meta["title"],
        meta["description"],
        meta["image"],
    )


@register.simple_tag
def share_entry_meta(entry: Any) -> SafeString:
    """The card tags of a calendar entry page: its "coming soon" card (no figure) while it is
    not out, nothing once it is (its content's page carries the release's card) or cancelled."""
    from satudata.releases.models import EntryState

    if entry is None or entry.state == EntryState.CANCELLED:
        return mark_safe("")
    out = Release.objects.filter(entry=entry).first()
    if out is not None and out.is_published():
        return mark_safe("")
    path = reverse("promotion:share_entry_file", args=[entry.uuid, ShareFormat.CARD_WIDE])
    language = _language()
    if language != "id":
        path += f"?bahasa={language}"
    return format_html(
        '<meta property="og:image" content="{}">\n'
        '<meta property="og:image:width" content="1200">\n'
        '<meta property="og:image:height" content="630">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        '<meta name="twitter:image" content="{}">',
        absolute(path),
        absolute(path),
    )
