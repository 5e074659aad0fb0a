"""The e-mails told to subscribers: a release, a postponed or cancelled calendar entry, the
weekly digest. Each is plain text with an HTML alternative (``lang`` set, real headings, one
column readable at 320 px, no image, no tracking pixel: opens are not counted), written in the
subscriber's language from templates under ``promotion/email/``.

Every number comes from ``facts_of(release)``; every link carries its campaign tag
(``surel-<release pk>``, the digest ``surel-mingguan``, calendar notices ``surel-jadwal``) so
that clicks from e-mails are counted without a cookie. Each message carries RFC 8058 one-click
unsubscription (``List-Unsubscribe`` with ``List-Unsubscribe-Post``), a ``List-Id`` and the
marks of automatic bulk mail, and a ``Message-ID`` made from what it tells and to whom, so that
a copy sent again after a crash is recognisably the same message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from satudata.core.models import SiteProfile
from satudata.promotion import tokens
from satudata.promotion.facts import ReleaseFacts, absolute, figure_text
from satudata.promotion.models import Digest, Dispatch, Subscriber
from satudata.releases.dates import wording
from satudata.releases.models import Precision, ReleaseEntry

DIGEST_CAMPAIGN = "surel-mingguan"
CALENDAR_CAMPAIGN = "surel-jadwal"


def campaign_of(facts: ReleaseFacts) -> str:
    return f"surel-{facts.release_id}"


def domain() -> str:
    """The site's host name, for message ids and the list id."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(kind: str, *keys: int) -> str:
    """The same id for the same message to the same person, whenever it is sent."""
    return "<promosi." + kind + "." + ".".join(str(k) for k in keys) + f"@{domain()}>"


def site_name() -> str:
    return SiteProfile.current().site_name


def links(subscriber: Subscriber) -> dict[str, str]:
    """The subscriber's own links: its preferences and one-click unsubscription."""
    manage = reverse("promotion:manage", args=[tokens.make(subscriber, "manage")])
    leave = reverse("promotion:unsubscribe", args=[tokens.make(subscriber, "unsubscribe")])
    return {"manage_url": absolute(manage), "unsubscribe_url": absolute(leave)}


def headers(subscriber: Subscriber, unsubscribe_url: str, name: str) -> dict[str, str]:
    return {
        # RFC 2369 and RFC 8058: the mail program's "unsubscribe" button POSTs to the link.
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{' '.join(name.split())} <rilis.{domain()}>",
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies
        "Precedence": "bulk",
    }


# Stand-ins for a subscriber's own links while a message is rendered once per dispatch and
# language: rendering is most of the cost of a message, and only these two links differ.
MANAGE_MARK = "https://penanda.invalid/atur-langganan"
LEAVE_MARK = "https://penanda.invalid/berhenti-langganan"

# (kind, key, language) -> (subject, text, html), kept by the caller for one run.
Renderings = dict[tuple[str, int, str], tuple[str, str, str]]


def render(template: str, context: dict[str, Any], language: str, name: str) -> tuple[str, str]:
    """``promotion/email/<template>.txt`` and ``.html`` with the link stand-ins."""
    full = {
        **context,
        "manage_url": MANAGE_MARK,
        "unsubscribe_url": LEAVE_MARK,
        "site_name": name,
        "language": language,
    }
    # Each rendering gets its own copy: a template's ``{% translate … as x %}`` writes into it.
    text = render_to_string(f"promotion/email/{template}.txt", dict(full))
    html = render_to_string(f"promotion/email/{template}.html", dict(full))
    return text, html


def assemble(
    subscriber: Subscriber,
    rendered: tuple[str, str, str],
    *,
    message_key: str,
    name: str,
) -> EmailMultiAlternatives:
    """The message to ``subscriber``: the rendered subject and bodies with its own links."""
    subject, text, html = rendered
    own = links(subscriber)
    for mark, url in ((MANAGE_MARK, own["manage_url"]), (LEAVE_MARK, own["unsubscribe_url"])):
        text, html = text.replace(mark, url), html.replace(mark, url)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:250],
        body=text,
        to=[subscriber.email],
        headers={**headers(subscriber, own["unsubscribe_url"], name), "Message-ID": message_key},
    )
    message.attach_alternative(html, "text/html")
    if settings.PROMOTION_BOUNCE_ADDRESS:
        # Bounces go to the address read by ``bounces``; readers still see the site's sender.
        message.from_email = settings.PROMOTION_BOUNCE_ADDRESS
        message.extra_headers["From"] = settings.DEFAULT_FROM_EMAIL
    return message


def _rendered(
    cache: Renderings | None,
    key: tuple[str, int, str],
    make: Any,
) -> tuple[str, str, str]:
    if cache is None:
        return make()  # type: ignore[no-any-return]
    if key not in cache:
        cache[key] = make()
    return cache[key]


def release_context(facts: ReleaseFacts, language: str, campaign: str) -> dict[str, Any]:
    """What the templates say of one release, in ``language`` (active)."""
    released = wording(facts.released_at, Precision.EXACT) if facts.released_at else ""
    return {
        "facts": facts,
        "released_text": released,
        "figures": [figure_text(f, language) for f in facts.figures],
        "url": facts.url(campaign),
        "calendar_url": facts.calendar_url(campaign),
    }


def release_message(
    dispatch: Dispatch,
    facts: ReleaseFacts,
    subscriber: Subscriber,
    name: str | None = None,
    cache: Renderings | None = None,
) -> EmailMultiAlternatives:
    """The e-mail telling ``subscriber`` that a release is out."""
    name = name or site_name()
    language = subscriber.language

    def make() -> tuple[str, str, str]:
        with translation.override(language):
            context = release_context(facts, language, campaign_of(facts))
            context["self_item"] = dict(context)  # the part shared with the digest: ``item``
            subject = _("New release: %(title)s") % {"title": facts.title}
            if facts.sample:
                subject = f"[{_('sample data')}] {subject}"
            return (subject, *render("release", context, language, name))

    return assemble(
        subscriber,
        _rendered(cache, ("rilis", dispatch.pk, language), make),
        message_key=message_id("rilis", dispatch.pk, subscriber.pk),
        name=name,
    )


def entry_context(entry: ReleaseEntry) -> dict[str, Any]:
    path = reverse("releases:entry", args=[entry.uuid])
    return {
        "entry": entry,
        "agency": entry.agency.name,
        "calendar_url": absolute(path, CALENDAR_CAMPAIGN),
        "calendar_page": absolute(reverse("releases:calendar"), CALENDAR_CAMPAIGN),
    }


def postponed_message(
    dispatch: Dispatch,
    subscriber: Subscriber,
    name: str | None = None,
    cache: Renderings | None = None,
) -> EmailMultiAlternatives:
    """The e-mail telling that a followed release was moved to a later date."""
    change, entry = dispatch.date_change, dispatch.entry
    assert change is not None and entry is not None
    name = name or site_name()
    language = subscriber.language

    def make() -> tuple[str, str, str]:
        with translation.override(language):
            context = {
                **entry_context(entry),
                "previous_text": wording(change.previous_at, change.previous_precision),
                "new_text": wording(change.new_at, change.new_precision),
                "reason": change.reason,
            }
            subject = _("Release postponed: %(title)s") % {"title": entry.title}
            return (subject, *render("postponed", context, language, name))

    return assemble(
        subscriber,
        _rendered(cache, ("ditunda", dispatch.pk, language), make),
        message_key=message_id("ditunda", dispatch.pk, subscriber.pk),
        name=name,
    )


def cancelled_message(
    dispatch: Dispatch,
    subscriber: Subscriber,
    name: str | None = None,
    cache: Renderings | None = None,
) -> EmailMultiAlternatives:
    """The e-mail telling that a followed release was cancelled, with the published reason."""
    entry = dispatch.entry
    assert entry is not None
    name = name or site_name()
    language = subscriber.language

    def make() -> tuple[str, str, str]:
        with translation.override(language):
            context = {
                **entry_context(entry),
                "planned_text": wording(entry.planned_at, entry.precision),
                "reason": entry.cancellation_reason,
            }
            subject = _("Release cancelled: %(title)s") % {"title": entry.title}
            return (subject, *render("cancelled", context, language, name))

    return assemble(
        subscriber,
        _rendered(cache, ("batal", dispatch.pk, language), make),
        message_key=message_id("batal", dispatch.pk, subscriber.pk),
        name=name,
    )


def digest_message(
    digest: Digest, releases: list[ReleaseFacts], subscriber: Subscriber, name: str | None = None
) -> EmailMultiAlternatives:
    """The weekly digest: every release held for ``subscriber``, in release order."""
    name = name or site_name()
    language = subscriber.language
    with translation.override(language):
        items = [release_context(f, language, DIGEST_CAMPAIGN) for f in releases]
        count = len(items)
        subject = _("Releases of the week: %(count)s new") % {"count": count}
        context = {"items": items, "week": digest.week, "count": count}
        rendered = (subject, *render("digest", context, language, name))
    return assemble(subscriber, rendered, message_key=message_id("mingguan", digest.pk), name=name)
