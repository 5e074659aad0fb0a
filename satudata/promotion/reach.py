"""The measured reach of promotion, for the dissemination report (SOP activity 6, KPI 14) and
the staff's page: ``reach_for_period(start, end)`` and ``reach_for_release(release)`` return
plain, JSON-ready dictionaries.

What is counted, and what is not:

* **Subscribers** by topic and their growth: confirmed, unsubscribed and suspended per month,
  and the states now. Counts only; no address leaves this module.
* **E-mails** sent and failed, from the deliveries (release e-mails) and the weekly digests.
  "Sent" means **accepted by our SMTP server**; whether the recipient's server then delivered
  it is not known here (a later bounce is recorded as a failure when it comes back).
* **Opens are not tracked**: the e-mails carry no tracking pixel.
* **Clicks** are the visits that arrived with a campaign tag (``?k=``): ``surel-<release pk>``
  for a release's e-mail, ``surel-mingguan`` for the digests, each promotion action's own tag,
  ``bagikan-<release pk>`` for the share kit, ``widget`` for the widgets. The page views and
  downloads that followed are the same visitor's (a daily hash, no cookie) within 30 minutes
  after the landing (``satudata.reports.usage.campaign_visits``).
* **Reach entered by the staff** per action and channel (followers, views, attendees…), as
  they read it from the channel: the platforms' own figures, not ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.promotion.models import (
    ActionChannel,
    ActionStatus,
    Delivery,
    DeliveryState,
    Digest,
    PromotionAction,
    ReachKind,
    Subscriber,
    SubscriberState,
    Topic,
    TopicKind,
)
from satudata.releases.models import Release
from satudata.reports.usage import CampaignCount, campaign_visits

DIGEST_TAG = "surel-mingguan"
# Said with every answer, in the reader's language (the report quotes them).
NOTES = {
    "sent": _(
        "Sent = accepted by our SMTP server; delivery to the recipient's mailbox is not "
        "confirmed (a bounce that comes back is recorded as a failure)."
    ),
    "opens": _("E-mail opens are not tracked: no tracking pixel, by design."),
    "clicks": _(
        "Clicks are visits that arrived with a campaign tag (?k=); views and downloads that "
        "followed are the same visitor (a daily hash, no cookie) within 30 minutes after it."
    ),
    "reach": _(
        "Reach per action is what the staff read from each channel (followers, views, "
        "attendees), not measured by this site."
    ),
}


def notes() -> dict[str, str]:
    return {key: str(text) for key, text in NOTES.items()}


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period from the start of ``start`` to the end of ``end`` (both days included), WIB."""
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return first, after


def _clicks(count: CampaignCount | None) -> dict[str, int]:
    count = count or CampaignCount()
    return {
        "clicks": count.clicks,
        "visitors": count.visitors,
        "views_after": count.views,
        "downloads": count.downloads,
    }


def _sum_clicks(counts: Iterable[CampaignCount]) -> dict[str, int]:
    total = CampaignCount()
    for count in counts:
        total.clicks += count.clicks
        total.visitors += count.visitors
        total.views += count.views
        total.downloads += count.downloads
    return _clicks(total)


# --- Subscribers -------------------------------------------------------------------------------


def subscribers(start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """States now, changes in the period, growth per month and the active ones per topic."""
    now = dict(Subscriber.objects.values_list("state").annotate(n=Count("pk")).order_by())
    in_period = {
        "confirmed": Subscriber.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end),
        "unsubscribed": Subscriber.objects.filter(
            unsubscribed_at__gte=start, unsubscribed_at__lt=end
        ),
        "suspended": Subscriber.objects.filter(suspended_at__gte=start, suspended_at__lt=end),
    }
    months: dict[str, dict[str, int]] = {}
    for what, rows in in_period.items():
        field = f"{what}_at"
        for month, n in (
            rows.annotate(month=TruncMonth(field))
            .values_list("month")
            .annotate(n=Count("pk"))
            .order_by("month")
        ):
            key = f"{month:%Y-%m}"
            months.setdefault(key, {"confirmed": 0, "unsubscribed": 0, "suspended": 0})[what] = n
    active = Subscriber.objects.active()
    topics = (
        Topic.objects.filter(subscriber__state=SubscriberState.ACTIVE)
        .values("kind", "value")
        .annotate(active=Count("subscriber", distinct=True))
        .order_by("-active", "kind", "value")
    )
    return {
        "now": {state: now.get(state, 0) for state in SubscriberState.values},
        "active_now": now.get(SubscriberState.ACTIVE, 0),
        "active_everything": active.filter(everything=True).count(),
        "active_by_frequency": dict(
            active.values_list("frequency").annotate(n=Count("pk")).order_by()
        ),
        "in_period": {what: rows.count() for what, rows in in_period.items()},
        "by_month": [
            {"month": key, "month_label": _month_label(key), **value}
            for key, value in sorted(months.items())
        ],
        "by_topic": _named_topics(list(topics[:200])),
    }


def _month_label(key: str) -> str:
    """ "2026-11" as the reader's language writes the month: "November 2026"."""
    from django.utils.formats import date_format

    year, month = (int(part) for part in key.split("-"))
    return date_format(dt.date(year, month, 1), "F Y")


def _named_topics(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each followed topic with its kind's and its own name beside its code (a sector's label,
    an agency's name, a dataset's or product's title)."""
    from satudata.accounts.models import Agency
    from satudata.catalog.models import Dataset
    from satudata.products.models import Product
    from satudata.promotion.facts import sector_label

    wanted: dict[str, set[str]] = {}
    for row in rows:
        wanted.setdefault(row["kind"], set()).add(row["value"])
    names: dict[tuple[str, str], str] = {
        (TopicKind.SECTOR, key): sector_label(key) for key in wanted.get(TopicKind.SECTOR, ())
    }
    for slug, name in Agency.objects.filter(slug__in=wanted.get(TopicKind.AGENCY, ())).values_list(
        "slug", "name"
    ):
        names[(TopicKind.AGENCY, slug)] = name
    for model, kind in ((Dataset, TopicKind.DATASET), (Product, TopicKind.PRODUCT)):
        keys = [v for v in wanted.get(kind, ()) if _is_uuid(v)]
        for key, title in model.objects.filter(uuid__in=keys).values_list("uuid", "title"):
            names[(kind, str(key))] = title
    return [
        {
            **row,
            "kind_label": str(TopicKind(row["kind"]).label)
            if row["kind"] in TopicKind.values
            else row["kind"],
            "label": names.get((row["kind"], row["value"]), row["value"]),
        }
        for row in rows
    ]


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --- E-mails ---------------------------------------------------------------------------------


def _states(rows: Any) -> dict[str, int]:
    return {"sent": rows.get(DeliveryState.SENT, 0), "failed": rows.get(DeliveryState.FAILED, 0)}


def emails(start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Release e-mails and digests sent (accepted by our server) or failed in the period: a
    sent one by its time of sending, a failed one by its last attempt."""
    happened = Q(state=DeliveryState.SENT, sent_at__gte=start, sent_at__lt=end) | Q(
        state=DeliveryState.FAILED, claimed_at__gte=start, claimed_at__lt=end
    )
    deliveries = dict(
        Delivery.objects.filter(happened, digest__isnull=True)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    digests = dict(
        Digest.objects.filter(happened).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return {"release_emails": _states(deliveries), "digests": _states(digests)}


def emails_of(release: Release) -> dict[str, Any]:
    """The release's own e-mail: its deliveries in every state (a digest's count as held)."""
    rows = dict(
        Delivery.objects.filter(dispatch__release=release)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "recipients": sum(rows.values()),
        **{state: rows.get(state, 0) for state in DeliveryState.values},
        "in_digest": Delivery.objects.filter(
            dispatch__release=release, digest__isnull=False
        ).count(),
    }


# --- Promotion actions -------------------------------------------------------------------------


def _reach_by_channel(actions: Any) -> list[dict[str, Any]]:
    rows = (
        actions.filter(status=ActionStatus.DONE, reach__isnull=False)
        .values("channel", "reach_kind")
        .annotate(actions=Count("pk"), reach=Sum("reach"))
        .order_by("channel", "reach_kind")
    )
    labels = dict(ActionChannel.choices)
    kinds = dict(ReachKind.choices)
    return [
        {
            "channel": row["channel"],
            "channel_label": str(labels.get(row["channel"], row["channel"])),
            "reach_kind": row["reach_kind"],
            "reach_kind_label": str(kinds.get(row["reach_kind"], row["reach_kind"])),
            "actions": row["actions"],
            "reach": row["reach"] or 0,
        }
        for row in rows
    ]


def _action_counts(actions: Any) -> dict[str, int]:
    counted = dict(actions.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counted.get(status, 0) for status in ActionStatus.values}


def _action_row(action: PromotionAction, clicks: dict[str, CampaignCount]) -> dict[str, Any]:
    return {
        "campaign": action.campaign,
        "channel": action.channel,
        "channel_label": str(action.get_channel_display()),  # type: ignore[attr-defined]
        "title": action.title,
        "planned_on": action.planned_on.isoformat(),
        "status": action.status,
        "done_at": action.done_at.isoformat() if action.done_at else None,
        "has_evidence": bool(action.evidence_url or action.evidence_file),
        "reach": action.reach,
        "reach_kind": action.reach_kind,
        **_clicks(clicks.get(action.campaign)),
    }


# --- Per release and per period ----------------------------------------------------------------


def release_tags(release: Release) -> dict[str, str]:
    return {"email": f"surel-{release.pk}", "share_kit": f"bagikan-{release.pk}"}


def reach_for_release(release: Release, at: dt.datetime | None = None) -> dict[str, Any]:
    """Everything measured about one release's promotion, from its release time to ``at``."""
    at = at or timezone.now()
    since = release.release_at or release.created_at
    actions = list(PromotionAction.objects.filter(release=release).order_by("planned_on", "pk"))
    tags = release_tags(release)
    wanted = [*tags.values(), *(a.campaign for a in actions)]
    clicks = campaign_visits(since, at, wanted) if since < at else {}
    action_tags = {a.campaign for a in actions}
    return {
        "release": {
            "uuid": str(release.uuid),
            "title": release.title,
            "agency": release.agency.short_name or release.agency.name,
            "release_at": release.release_at.isoformat() if release.release_at else None,
        },
        "counted_until": at.isoformat(),
        "emails": emails_of(release),
        "email_clicks": _clicks(clicks.get(tags["email"])),
        "share_kit_clicks": _clicks(clicks.get(tags["share_kit"])),
        "actions": _action_counts(PromotionAction.objects.filter(release=release)),
        "action_rows": [_action_row(a, clicks) for a in actions],
        "reach_by_channel": _reach_by_channel(PromotionAction.objects.filter(release=release)),
        # Every tag of the release once (an e-mail action shares the e-mails' tag).
        "campaign_clicks": _sum_clicks(
            count for tag, count in clicks.items() if tag in action_tags | set(tags.values())
        ),
        "notes": notes(),
    }


def reach_for_period(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Promotion's reach between two days (both included, WIB), as the report states it."""
    first, after = bounds(start, end)
    clicks = campaign_visits(first, after)
    email = {t: c for t, c in clicks.items() if t.startswith("surel-") and t != DIGEST_TAG}
    actions = PromotionAction.objects.filter(planned_on__gte=start, planned_on__lte=end)
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "subscribers": subscribers(first, after),
        "emails": emails(first, after),
        "email_clicks": {
            "release_emails": _sum_clicks(email.values()),
            "digests": _clicks(clicks.get(DIGEST_TAG)),
        },
        "campaigns": _campaign_rows(clicks),
        "actions": _action_counts(actions),
        "reach_by_channel": _reach_by_channel(actions),
        "releases": _release_rows(first, after, clicks),
        "notes": notes(),
    }


def _campaign_rows(clicks: dict[str, CampaignCount]) -> list[dict[str, Any]]:
    """Each tag with clicks, with the release and channel of the action it belongs to."""
    owners = {
        a.campaign: a
        for a in PromotionAction.objects.filter(campaign__in=list(clicks)).select_related("release")
    }
    rows = []
    for tag in sorted(clicks, key=lambda t: (-clicks[t].clicks, t)):
        action = owners.get(tag)
        rows.append(
            {
                "campaign": tag,
                "release": str(action.release.uuid) if action else None,
                "channel": action.channel if action else None,
                **_clicks(clicks[tag]),
            }
        )
    return rows


def _release_rows(
    start: dt.datetime, end: dt.datetime, clicks: dict[str, CampaignCount]
) -> list[dict[str, Any]]:
    """The releases out in the period, each with its plan, e-mails and clicks."""
    releases = (
        Release.objects.published(end)
        .filter(release_at__gte=start)
        .select_related("agency")
        .annotate(
            planned=Count("promotion_actions", filter=~Q(promotion_actions__status="batal")),
            done=Count("promotion_actions", filter=Q(promotion_actions__status="selesai")),
        )
        .order_by("release_at", "pk")
    )
    tags_of: dict[int, set[str]] = {}
    for release_id, tag in PromotionAction.objects.filter(
        release__in=[r.pk for r in releases]
    ).values_list("release_id", "campaign"):
        tags_of.setdefault(release_id, set()).add(tag)
    sent = dict(
        Delivery.objects.filter(dispatch__release__in=releases, state=DeliveryState.SENT)
        .values_list("dispatch__release")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for release in releases:
        tags = tags_of.get(release.pk, set()) | set(release_tags(release).values())
        rows.append(
            {
                "uuid": str(release.uuid),
                "title": release.title,
                "agency": release.agency.short_name or release.agency.name,
                "release_at": release.release_at.isoformat() if release.release_at else None,
                "actions_planned": release.planned,  # type: ignore[attr-defined]
                "actions_done": release.done,  # type: ignore[attr-defined]
                "emails_sent": sent.get(release.pk, 0),
                "email_clicks": _clicks(clicks.get(f"surel-{release.pk}"))["clicks"],
                **_sum_clicks(clicks[t] for t in tags if t in clicks),
            }
        )
    return rows
