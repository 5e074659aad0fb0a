"""Share kit pages (SOP activity 4): a release's social cards, suggested posts and press
release; a calendar entry's "coming soon" cards.

EMBARGO: a release's kit is the release's content told in another form, so it is behind the
content's own gate (``visible_to``: staff of the Walidata, the producing agency, a pre-release
reader from their access time, everyone from the release time). Anyone else gets the same 404
as for the content, before the release time and after a withdrawal; a pre-release read is
logged as for the content; nothing served before the release time may be cached by a shared
cache. A calendar entry's cards say only what the calendar says (title, date): public when the
entry is (``ReleaseEntry.objects.visible_to``), 404 once cancelled; once its release is out,
they lead to the release's cards.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from satudata.accounts.permissions import can
from satudata.accounts.roles import Capability
from satudata.promotion import cards, posts, sharekit
from satudata.promotion.facts import facts_of, figure_text
from satudata.promotion.models import Language, PromotionAction, ShareFile, ShareFormat
from satudata.releases import access
from satudata.releases.models import EntryState, Release, ReleaseEntry

LANGUAGES = {Language.INDONESIAN.value, Language.ENGLISH.value}
# Shared caches (a CDN, social networks' crawlers) keep a public card briefly and ask again
# (ETag): a withdrawn release's files must stop being served within a minute, like its page.
PUBLIC_MAX_AGE = 60


def may_see(user: Any, release: Release) -> bool:
    """Whether ``user`` may see ``release``'s content now (its own gate)."""
    content: Any = release.content
    if content is None:
        return False
    return bool(type(content).objects.visible_to(user).filter(pk=content.pk).exists())


def release_for(request: HttpRequest, uuid: Any) -> Release:
    """The release at ``uuid`` if the viewer may see its content, else the content's 404; a
    pre-release read is logged as for the content."""
    release = Release.objects.select_related("agency", "entry").filter(uuid=uuid).first()
    if release is None or not may_see(request.user, release):
        raise Http404(_("No release with this address is published."))
    access.note_reads(request, request.user, [release.releasable])  # type: ignore[list-item]
    return release


def _language(request: HttpRequest) -> str:
    language = request.GET.get("bahasa", Language.INDONESIAN)
    if language not in LANGUAGES:
        raise Http404(_("No share kit in this language."))
    return str(language)


def _cache(response: HttpResponse, public: bool) -> HttpResponse:
    if public:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}, must-revalidate"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


def _serve(share: ShareFile, stem: str, public: bool, inline: bool) -> HttpResponse:
    try:
        content = sharekit.read(share)
    except FileNotFoundError:
        raise Http404(_("This file cannot be found; the Walidata has been told.")) from None
    response = HttpResponse(content, content_type=sharekit.CONTENT_TYPES[share.format])  # type: ignore[index]
    name = sharekit.download_name(stem, share)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["ETag"] = f'"{share.sha256}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _cache(response, public)


def _card_list(
    name: str, key: Any, language: str, formats: tuple[str, ...]
) -> list[dict[str, Any]]:
    found = []
    for fmt in formats:
        shape = cards.SHAPES.get(fmt)
        url = reverse(f"promotion:{name}", args=[key, fmt])
        if language != Language.INDONESIAN:
            url += f"?bahasa={language}"
        found.append(
            {
                "format": fmt,
                "label": ShareFormat(fmt).label,
                "url": url,
                "download": url + ("&" if "?" in url else "?") + "unduh=1",
                "width": shape.width if shape else 0,
                "height": shape.height if shape else 0,
            }
        )
    return found


def _action(request: HttpRequest, release: Release) -> PromotionAction | None:
    """The promotion action the posts are made for (``?aksi=<pk>``, staff only)."""
    wanted = request.GET.get("aksi", "")
    if not wanted.isdigit() or not can(request.user, Capability.VIEW_UNPUBLISHED):
        return None
    return PromotionAction.objects.filter(pk=int(wanted), release=release).first()


@require_GET
def share_kit(request: HttpRequest, release: Any) -> HttpResponse:
    """The share kit of a release: cards, suggested posts to copy, the press release."""
    item = release_for(request, release)
    action = _action(request, item)
    campaign = action.campaign if action else cards.campaign_of(item.pk)
    language = translation.get_language() or Language.INDONESIAN
    language = language if language in LANGUAGES else Language.INDONESIAN
    facts = facts_of(item)
    suggested = [
        {
            "language": code,
            "label": label,
            "posts": posts.posts_of(item, code, campaign),
        }
        for code, label in Language.choices
    ]
    public = item.is_published() and may_see(None, item)
    context = {
        "release": item,
        "facts": facts,
        "figures": [figure_text(f, language) for f in facts.figures],
        "cards": _card_list("share_file", item.uuid, language, cards.CARD_FORMATS),
        "press": [
            {
                "language": code,
                "label": label,
                "files": _card_list(
                    "share_file",
                    item.uuid,
                    code,
                    (ShareFormat.PRESS_DOCX, ShareFormat.PRESS_PDF),
                ),
            }
            for code, label in Language.choices
        ],
        "suggested": suggested,
        "action": action,
        "campaign": campaign,
        "link": facts.url(campaign),
        "is_public": public,
        "x_limit": posts.X_LIMIT,
        "sample_label": cards.words("sample", language),
    }
    response = render(request, "promotion/share/kit.html", context)
    return _cache(response, public=False) if not public else response


@require_GET
def share_file(request: HttpRequest, release: Any, format: str) -> HttpResponse:
    """One file of a release's kit, made now if it is missing (under the same gate)."""
    if format not in sharekit.RELEASE_FORMATS:
        raise Http404(_("No such file in a share kit."))
    item = release_for(request, release)
    share = sharekit.share_file(item, format, _language(request))
    public = item.is_published() and may_see(None, item)
    inline = format in cards.CARD_FORMATS and not request.GET.get("unduh")
    stem = f"rilis-{item.pk}"
    return _serve(share, stem, public, inline)


def entry_for(request: HttpRequest, uuid: Any) -> ReleaseEntry:
    entry = (
        ReleaseEntry.objects.visible_to(request.user)
        .select_related("agency")
        .filter(uuid=uuid)
        .exclude(state=EntryState.CANCELLED)
        .first()
    )
    if entry is None:
        raise Http404(_("No release calendar entry with this address."))
    return entry


def _published_release(entry: ReleaseEntry) -> Release | None:
    release = Release.objects.filter(entry=entry).first()
    return release if release is not None and release.is_published() else None


@require_GET
def entry_kit(request: HttpRequest, entry: Any) -> HttpResponse:
    """The "coming soon" cards of a calendar entry (the release's kit once it is out)."""
    item = entry_for(request, entry)
    out = _published_release(item)
    if out is not None:
        return redirect("promotion:share", release=out.uuid)
    language = translation.get_language() or Language.INDONESIAN
    language = language if language in LANGUAGES else Language.INDONESIAN
    context = {
        "entry": item,
        "cards": _card_list("share_entry_file", item.uuid, language, cards.CARD_FORMATS),
        "link": reverse("releases:entry", args=[item.uuid]),
        "date_text": cards.entry_page(item, cards.SHAPES[ShareFormat.CARD_WIDE], language)[0][
            "date_line"
        ],
    }
    return render(request, "promotion/share/entry.html", context)


@require_GET
def entry_file(request: HttpRequest, entry: Any, format: str) -> HttpResponse:
    """One "coming soon" card of a calendar entry."""
    if format not in sharekit.ENTRY_FORMATS:
        raise Http404(_("No such file in a share kit."))
    item = entry_for(request, entry)
    out = _published_release(item)
    if out is not None:
        target = reverse("promotion:share_file", args=[out.uuid, format])
        return redirect(target + (f"?{request.GET.urlencode()}" if request.GET else ""))
    share = sharekit.entry_file(item, format, _language(request))
    public = ReleaseEntry.objects.visible_to(None).filter(pk=item.pk).exists()
    inline = not request.GET.get("unduh")
    response = _serve(share, f"jadwal-{item.pk}", public, inline)
    if public:  # the date may change: a short cache
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}, must-revalidate"
    return response
