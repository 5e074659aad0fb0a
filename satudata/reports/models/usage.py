"""Usage of the data server, kept without tracking anyone: no cookies, no third parties, and
the visitor only as a hash of address and browser with a salt that changes every day and is
then deleted, so yesterday's hashes can no longer be linked to an address or to today's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Channel",
    "DailyCampaign",
    "DailyReferrer",
    "DailySalt",
    "DailySearch",
    "DailySite",
    "DailyUsage",
    "DatasetUsage",
    "EventKind",
    "MonthlyUsage",
    "ReferrerKind",
    "RolledDay",
    "UsageCounts",
    "UsageEvent",
]


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
    BUILDER = "builder", _("Table builder")


class ReferrerKind(models.TextChoices):
    NONE = "", _("Direct or unknown")
    INTERNAL = "internal", _("This portal")
    SEARCH = "search", _("Search engine")
    SOCIAL = "social", _("Social media and messaging")
    GOVERNMENT = "government", _("Government sites")
    OTHER = "other", _("Other sites")


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
    # A dissemination product's slug, or a release-calendar entry's key, the request was about
    # (``dataset`` stays the dataset's slug only).
    product = models.CharField(_("product"), max_length=120, blank=True)
    # Where the visitor came from: the kind of the Referer's site and its host name (no path,
    # no query: those can carry personal data).
    referrer = models.CharField(
        _("referrer kind"), max_length=12, choices=ReferrerKind.choices, blank=True
    )
    referrer_host = models.CharField(_("referrer host"), max_length=100, blank=True)
    # The user agent declares itself a robot (crawler, monitor, script library). Robots found by
    # behaviour are marked when the day is rolled up (``DailyUsage.bot``), not here.
    bot = models.BooleanField(_("robot (user agent)"), default=False)
    # Synthesised for the demo ("data contoh"), never a real visit.
    sample = models.BooleanField(_("sample data"), default=False)

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


class UsageCounts(models.Model):
    """The dimensions and counts shared by the daily and the monthly usage rollups."""

    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    name = models.CharField(_("page or action"), max_length=60, blank=True)
    format = models.CharField(_("format"), max_length=10, blank=True)
    dataset = models.CharField(_("dataset"), max_length=120, blank=True)
    product = models.CharField(_("product"), max_length=120, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    sector = models.CharField(_("BPS sector"), max_length=60, blank=True)
    bot = models.BooleanField(_("robot"), default=False)
    signed_in = models.BooleanField(_("signed in"), default=False)
    events = models.PositiveBigIntegerField(_("requests"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    failed = models.PositiveBigIntegerField(_("failed requests"), default=0)  # status >= 400

    # The dimensions, in the order the rollups group and insert them.
    DIMENSIONS = (
        "kind",
        "channel",
        "name",
        "format",
        "dataset",
        "product",
        "agency_id",
        "sector",
        "bot",
        "signed_in",
    )
    COUNTS = ("events", "visitors", "failed")

    class Meta:
        abstract = True


class DailyUsage(UsageCounts):
    """One day's counted requests (WIB day) for one combination of kind, channel, format and
    object, with the object's agency and sector as they were when the day was rolled up. What
    the dashboard, the KPIs and the report read, so that years of raw events stay fast.

    ``visitors`` is the number of distinct daily visitor hashes in the row; hashes cannot be
    compared across days, so a period's visitors are the sum of its days' (visitor-days)."""

    day = models.DateField(_("day"))

    class Meta:
        indexes = [
            models.Index(fields=["day", "kind"], name="daily_usage_day_kind"),
            models.Index(fields=["dataset", "day"], name="daily_usage_dataset_day"),
            models.Index(fields=["product", "day"], name="daily_usage_product_day"),
            # The agency's, channel's and sector's series read these alone (covering indexes:
            # a year of one agency's days without touching the table).
            models.Index(
                fields=["agency", "day", "signed_in", "bot", "kind", "events", "visitors"],
                name="daily_usage_agency_cover",
            ),
            # The dashboard's daily and weekly series narrowed to a channel or a sector.
            models.Index(
                fields=["channel", "day", "signed_in", "bot", "kind", "events", "visitors"],
                name="daily_usage_channel_cover",
            ),
            models.Index(
                fields=["sector", "day", "signed_in", "bot", "kind", "events", "visitors"],
                name="daily_usage_sector_cover",
            ),
        ]
        verbose_name = _("daily usage")
        verbose_name_plural = _("daily usage")

    def __str__(self) -> str:
        return (
            f"{self.day} {self.kind} {self.channel} {self.dataset or self.product}: {self.events}"
        )


class MonthlyUsage(UsageCounts):
    """``DailyUsage`` summed per calendar month (``month`` is its first day), the same
    dimensions: what the dashboard reads for the whole months of a long period. Rebuilt from
    ``DailyUsage`` whenever one of its days is rolled (``rollups.roll_month``), so it always
    equals grouping ``DailyUsage`` by month. ``visitors`` stay visitor-days (a sum of days')."""

    month = models.DateField(_("month"))
    # How many DailyUsage rows were summed: a part of a month is read as the month less its
    # other days, and a combination none of whose rows is left is then known to be absent.
    days = models.PositiveIntegerField(_("days with use"), default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "kind"], name="monthly_usage_month_kind"),
            models.Index(fields=["dataset", "month"], name="monthly_usage_dataset_month"),
            models.Index(fields=["product", "month"], name="monthly_usage_product_month"),
            models.Index(fields=["agency", "month"], name="monthly_usage_agency_month"),
        ]
        verbose_name = _("monthly usage")
        verbose_name_plural = _("monthly usage")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.channel}: {self.events}"


class DailySite(models.Model):
    """One day's site-wide figures, humans and robots apart: the distinct visitors of the whole
    site cannot be summed from ``DailyUsage`` rows (one visitor reads several objects)."""

    day = models.DateField(_("day"))
    bot = models.BooleanField(_("robot"), default=False)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    page_views = models.PositiveBigIntegerField(_("page views"), default=0)
    downloads = models.PositiveBigIntegerField(_("downloads"), default=0)
    api_calls = models.PositiveBigIntegerField(_("API calls"), default=0)
    searches = models.PositiveBigIntegerField(_("searches"), default=0)
    zero_result_searches = models.PositiveBigIntegerField(_("searches without results"), default=0)
    events = models.PositiveBigIntegerField(_("requests"), default=0)
    sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "bot"], name="daily_site_day_bot")]
        verbose_name = _("daily site usage")
        verbose_name_plural = _("daily site usage")

    def __str__(self) -> str:
        return f"{self.day} {'bot' if self.bot else 'human'}: {self.events}"


class DailyReferrer(models.Model):
    """One day's arrivals from one referring site (humans only)."""

    day = models.DateField(_("day"))
    kind = models.CharField(
        _("referrer kind"), max_length=12, choices=ReferrerKind.choices, blank=True
    )
    host = models.CharField(_("referrer host"), max_length=100, blank=True)
    events = models.PositiveBigIntegerField(_("requests"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "kind"], name="daily_referrer_day_kind")]
        verbose_name = _("daily referrer")
        verbose_name_plural = _("daily referrers")

    def __str__(self) -> str:
        return f"{self.day} {self.host or self.kind}: {self.events}"


class DailySearch(models.Model):
    """One day's searches with the same words (humans only), and how many found nothing."""

    day = models.DateField(_("day"))
    query = models.CharField(_("search words"), max_length=200)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    zero_results = models.PositiveIntegerField(_("searches without results"), default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="daily_search_day")]
        verbose_name = _("daily search")
        verbose_name_plural = _("daily searches")

    def __str__(self) -> str:
        return f"{self.day} {self.query}: {self.searches}"


class DailyCampaign(models.Model):
    """One day's landings from one campaign tag (humans only)."""

    day = models.DateField(_("day"))
    campaign = models.CharField(_("campaign tag"), max_length=40)
    landings = models.PositiveIntegerField(_("landings"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "campaign"], name="daily_campaign_day")]
        verbose_name = _("daily campaign")
        verbose_name_plural = _("daily campaigns")

    def __str__(self) -> str:
        return f"{self.day} {self.campaign}: {self.landings}"


class RolledDay(models.Model):
    """A day whose rollups are built: when, from how many raw events, and whether the day was
    over then (a day rolled while still running is rolled again)."""

    day = models.DateField(_("day"), primary_key=True)
    rolled_at = models.DateTimeField(_("rolled up"))
    raw_events = models.PositiveBigIntegerField(_("raw events"), default=0)
    complete = models.BooleanField(_("day was over"), default=False)

    class Meta:
        verbose_name = _("rolled-up day")
        verbose_name_plural = _("rolled-up days")

    def __str__(self) -> str:
        return str(self.day)


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
