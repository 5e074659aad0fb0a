from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    """SOP activity 4: subscriptions, the promotion plan per release, share kits and social
    cards, embeddable widgets and the "what's new" page."""

    name = "satudata.promotion"
    label = "promotion"
    verbose_name = _("Promotion")

    def ready(self) -> None:
        from satudata.core.audit import register_labels
        from satudata.promotion.opening import on_release_scheduled
        from satudata.releases.signals import release_scheduled

        release_scheduled.connect(on_release_scheduled, dispatch_uid="promotion-task")

        register_labels(
            {
                "promotion.subscription_requested": _("Subscription requested"),
                "promotion.subscribed": _("Subscription confirmed"),
                "promotion.preferences_changed": _("Subscription preferences changed"),
                "promotion.unsubscribed": _("Unsubscribed"),
                "promotion.suspended": _("Subscriber suspended after failed deliveries"),
                "promotion.dispatched": _("Subscribers told of a release"),
                "promotion.action_planned": _("Promotion action planned"),
                "promotion.action_changed": _("Promotion action changed"),
                "promotion.action_done": _("Promotion action done"),
                "promotion.share_kit_made": _("Share kit made"),
            }
        )
