"""Usage of the data server, kept without tracking anyone: no cookies, no third parties, and
the visitor only as a hash of address and browser with a salt that changes every day and is
then deleted, so yesterday's hashes can no longer be linked to an address or to today's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    PAGE_VIEW = "page", _("Page view")
    DOWNLOAD = "download", _("Download")
    API_CALL = "api", _("API call")
    SEARCH = "search", _("Search")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal pages")
    CKAN = "ckan", _("CKAN API")
    REST = "rest", _("REST API v1")
    DCAT = "dcat", _("DCAT catalogue")
    DATA_JSON = "data.json", _("data.json")
    DATAPACKAGE = "datapackage", _("Data Package")


class UsageEvent(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    name = models.CharField(_("page or action"), max_length=60)
    dataset = models.CharField(_("dataset"), max_length=120, blank=True)
    format = models.CharField(_("format"), max_length=10, blank=True)
    query = models.CharField(_("search words"), max_length=200, blank=True)
    results = models.PositiveIntegerField(_("results"), null=True, blank=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"))
    visitor = models.CharField(_("visitor (daily hash)"), max_length=16)
    signed_in = models.BooleanField(_("signed in"), default=False)
    # The campaign tag the request's address carried (``?k=<tag>``: a promotion action's link,
    # a release e-mail's, a widget's); "" for every other request. Only the tagged landing
    # carries it: what the visitor did next is attributed when read (``usage.campaign_visits``).
    campaign = models.CharField(_("campaign tag"), max_length=40, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["kind", "at"], name="usage_kind_at"),
            models.Index(fields=["campaign", "at"], name="usage_campaign_at"),
            models.Index(fields=["visitor", "at"], name="usage_visitor_at"),
        ]
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.name}"


class DailySalt(models.Model):
    """Today's salt for visitor hashes; earlier days' salts are deleted."""

    day = models.DateField(primary_key=True)
    value = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class DatasetUsage(models.Model):
    """A dataset's running totals of page views and downloads, the figures a visitor sees on
    its page and in search results. Kept from the usage events as each batch is written
    (``counts.add``), so a page reads one row instead of counting a table of events that only
    grows; ``counts.recount`` rebuilds them from the events."""

    dataset = models.CharField(_("dataset"), max_length=120, unique=True)
    views = models.PositiveBigIntegerField(_("page views"), default=0)
    downloads = models.PositiveBigIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("dataset usage")
        verbose_name_plural = _("dataset usage")

    def __str__(self) -> str:
        return f"{self.dataset}: {self.views} / {self.downloads}"
