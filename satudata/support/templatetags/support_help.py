"""``{% help_link "walidata" "rilis-kegiatan-3" %}``: a small "Bantuan" link to a guide's section,
for the pages the guides explain. An optional third argument is the link's visible text."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from satudata.support import guides

register = template.Library()

ICON = (
    '<svg class="help-icon" aria-hidden="true" focusable="false" width="16" height="16" '
    'viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" '
    'stroke-width="1.5"/><path d="M6 6.2a2 2 0 1 1 2.6 1.9c-.4.2-.6.5-.6.9v.6" fill="none" '
    'stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>'
    '<circle cx="8" cy="11.6" r=".9" fill="currentColor"/></svg>'
)


@register.simple_tag
def help_link(slug: str, anchor: str = "", text: str = "") -> SafeString:
    if slug not in guides.GUIDES:
        raise template.TemplateSyntaxError(f"help_link: no guide {slug!r}")
    url = reverse("support:guide", args=[slug]) + (f"#{anchor}" if anchor else "")
    label = text or _("Help")
    guide_title = str(guides.GUIDES[slug])
    return format_html(
        '<a class="help-link" href="{}" title="{}">{}<span>{}</span></a>',
        url,
        _("Help: guide for %(role)s") % {"role": guide_title},
        SafeString(ICON),
        label,
    )
