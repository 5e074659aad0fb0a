"""Datasets, the uploads that feed them and their versions, with their tags, topics and
licences: what activity 1 synchronises and the data server serves."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.catalog.models.daftar import Access, DataItem
from satudata.catalog.models.metadata import Variable


class Tag(models.Model):
    """A keyword given to datasets, as portals and CKAN clients use them."""

    name = models.CharField(_("tag"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A theme the Walidata groups datasets under on the portal (CKAN's groups)."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class License(models.TextChoices):
    """Licences by the identifiers CKAN clients know."""

    CC_BY = "cc-by", "Creative Commons Attribution 4.0"
    CC_BY_SA = "cc-by-sa", "Creative Commons Attribution Share-Alike 4.0"
    CC0 = "cc-zero", "Creative Commons CCZero"
    ODC_BY = "odc-by", "Open Data Commons Attribution License"
    OTHER_CLOSED = "other-closed", _("Other (not open)")


LICENSE_URLS = {
    License.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    License.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    License.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    License.ODC_BY: "https://opendatacommons.org/licenses/by/1-0/",
    License.OTHER_CLOSED: "",
}


def _sector_choices() -> list[tuple[str, str]]:
    from satudata.catalog.metadata.standard import SECTORS

    return [(choice.key, choice.label) for choice in SECTORS]


class DatasetQuerySet(models.QuerySet["Dataset"]):
    def visible_to(self, user: Any, at: Any = None) -> DatasetQuerySet:
        """THE gate for datasets on every channel: those with a version the viewer may see at
        ``at`` (now by default), the same rule as ``DatasetVersionQuerySet.visible_to``.

        For everyone but staff it reads ``public_from`` (when the first version is or will be
        out, kept by ``refresh_public_from``) instead of looking through the versions of every
        dataset, so that search and facet counts stay fast with 100,000 datasets. It is still
        a comparison with ``at``: a release scheduled for T appears at T with no job running.
        """
        from django.utils import timezone

        from satudata.accounts.permissions import can, role_of
        from satudata.accounts.roles import Capability, Role
        from satudata.releases.models import PreReleaseAccess

        has_version = models.Exists(DatasetVersion.objects.filter(dataset=models.OuterRef("pk")))
        if can(user, Capability.VIEW_UNPUBLISHED):
            return self.filter(has_version)
        public: Any = models.Q(public_from__lte=at or timezone.now())
        if role_of(user) == Role.PRODUSEN:
            public |= models.Q(agency_id__in=user.agency_ids()) & has_version
        if user is not None and user.is_authenticated:  # a pre-release reader's grants
            granted = PreReleaseAccess.objects.granted_ids(user, DatasetVersion, at)
            opened = DatasetVersion.objects.filter(pk__in=granted).values("dataset_id")
            public |= models.Q(pk__in=opened)
        return self.filter(public)

    def refresh_public_from(self) -> int:
        """Recompute ``public_from`` for these datasets: the earliest ``published_at`` of their
        versions not withdrawn when the item is open, else empty. Called whenever a version's
        publication or withdrawal or an item's access changes (``DatasetVersion.save``,
        ``DataItem.save``); a withdrawal takes effect when it is made, so it is read then."""
        first = (
            DatasetVersion.objects.filter(
                dataset=models.OuterRef("pk"),
                published_at__isnull=False,
                withdrawn_at__isnull=True,
            )
            .order_by("published_at")
            .values("published_at")[:1]
        )
        opened = self.filter(item__access=Access.OPEN).update(public_from=models.Subquery(first))
        closed = self.exclude(item__access=Access.OPEN).update(public_from=None)
        return opened + closed

    def refresh_release_times(self) -> int:
        """Recompute, as of now, what channels show as these datasets' modification and first
        release times (``changed_at``, ``issued_at``) and when they next change by themselves
        (``release_times_due_at``: the next scheduled release). A withdrawal is a change too, so
        a harvest learns of it. Called when a version or the description is saved, and by
        ``with_release_times`` for datasets whose time has come."""
        from django.db.models.functions import Coalesce, Greatest
        from django.utils import timezone

        moment = timezone.now()
        out = (
            DatasetVersion.objects.released(moment)
            .filter(dataset=models.OuterRef("pk"))
            .values("published_at")
        )
        due = (
            DatasetVersion.objects.filter(
                dataset=models.OuterRef("pk"), withdrawn_at__isnull=True, published_at__gt=moment
            )
            .order_by("published_at")
            .values("published_at")[:1]
        )
        newest = models.Subquery(out.order_by("-published_at")[:1])
        withdrawn = models.Subquery(
            DatasetVersion.objects.filter(dataset=models.OuterRef("pk"), withdrawn_at__lte=moment)
            .order_by("-withdrawn_at")
            .values("withdrawn_at")[:1]
        )
        return self.update(
            changed_at=Greatest(
                "modified_at",
                Coalesce(newest, "modified_at"),
                Coalesce(withdrawn, "modified_at"),
            ),
            issued_at=models.Subquery(out.order_by("published_at")[:1]),
            release_times_due_at=models.Subquery(due),
        )

    def with_release_times(self) -> DatasetQuerySet:
        """These datasets, with ``changed_at`` and ``issued_at`` true now: the datasets whose
        scheduled release has come since they were last computed are brought up to date first
        (one indexed query when none has), as search folds in a due version's words. Every
        channel that shows or filters by these times reads through here, so a release moves
        them at its time with no job running, and scheduling one moves nothing."""
        from django.utils import timezone

        due = Dataset.objects.filter(
            models.Q(release_times_due_at__lte=timezone.now()) | models.Q(changed_at__isnull=True)
        )  # (never computed: a dataset written in bulk)
        if due.exists():
            due.refresh_release_times()
        return self.all()

    def with_details(self) -> DatasetQuerySet:
        """With what every channel shows of a dataset, fetched in a fixed number of queries."""
        return self.select_related(
            "agency", "item__data_list", "item__activity", "item__indicator"
        ).prefetch_related("tags", "topics")

    def by_key(self, key: str) -> DatasetQuerySet:
        """By slug or by identifier, as CKAN clients name a dataset either way."""
        try:
            return self.filter(uuid=uuid.UUID(str(key)))
        except ValueError:
            return self.filter(slug=str(key)[:120])


class Dataset(models.Model):
    """The data of one Daftar Data item, produced by its agency, kept as versions."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    item = models.OneToOneField(
        DataItem, on_delete=models.PROTECT, related_name="dataset", verbose_name=_("data item")
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="datasets",
        verbose_name=_("agency"),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    sector = models.CharField(_("BPS sector"), max_length=60, blank=True, choices=_sector_choices)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="datasets", verbose_name=_("topics")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets", verbose_name=_("tags"))
    license_id = models.CharField(
        _("licence"), max_length=20, choices=License.choices, default=License.CC_BY
    )
    # The column mapping last confirmed by the producer (column name -> variable id) and the
    # key columns, used for the next upload of the same item.
    mapping = models.JSONField(_("remembered column mapping"), default=dict, blank=True)
    # Whether the remembered mapping names the columns of the table turned long (years across
    # the columns turned into rows): the two are kept together, so a mapping is never applied
    # to a file without the reshape it was made for.
    unpivot = models.BooleanField(_("years as columns turned into rows"), default=False)
    # The stored (Parquet) names of the key columns of the last version, for comparisons.
    key_columns = models.JSONField(_("key columns"), default=list, blank=True)
    # The variables that together identify a row, declared in the dataset's description before
    # any upload: every upload, the first included, is checked for duplicate keys.
    key_variables = models.ManyToManyField(
        Variable, blank=True, related_name="key_of", verbose_name=_("key variables")
    )
    # Limits of this table that differ from the variable's own (MS-Var is per agency; two tables
    # of one agency may bound the same variable differently): variable id -> rules of the kinds
    # of ``Variable.rules``, replacing the variable's rules of the same kind for this table.
    rule_overrides = models.JSONField(_("limits of this table"), default=dict, blank=True)
    # Words the search matches: title, description, tags, variables and agency, each word with
    # its Indonesian root (satudata.catalog.search). Kept by ``search.index``.
    search_text = models.TextField(blank=True, editable=False)
    # When a scheduled version's words join ``search_text`` (at its release time).
    search_due_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # When the dataset is (or will be) public: its first version's publication time, empty
    # while nothing is published or the item is not open. Derived, never edited: kept by
    # ``DatasetQuerySet.refresh_public_from`` and read by the gate (``visible_to``).
    public_from = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(_("metadata modified"), auto_now=True, db_index=True)
    # What every channel shows as modified (CKAN metadata_modified, DCAT dct:modified, data.json
    # modified, REST, sitemap) and as issued: the later of the last edit of the description and
    # the newest release that is out, and the first release that is out. Scheduling a version
    # moves neither: they move at its release time (``release_times_due_at``), on the first read
    # after it (``DatasetQuerySet.with_release_times``), so an incremental harvest between
    # scheduling and release still gets the release. Derived, never edited.
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(_("first released"), null=True, blank=True, editable=False)
    release_times_due_at = models.DateTimeField(
        null=True, blank=True, editable=False, db_index=True
    )

    objects: ClassVar[DatasetQuerySet] = DatasetQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["title"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        # "Newest first" for the public reads this index alone: its order and the gate's column.
        indexes = [models.Index(fields=["changed_at", "public_from"], name="dataset_newest_public")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        Dataset.objects.filter(pk=self.pk).refresh_release_times()  # an edit is a change

    @property
    def summary(self) -> str:
        """The description, or failing that the item's definition, or a sentence saying what,
        who and when (catalogues such as DCAT-AP require a description)."""
        item = self.item
        return (
            self.description
            or item.definition
            or f"{item.name}, {self.agency.name}, {item.data_list.year}."
        )

    @property
    def license_url(self) -> str:
        """The licence's address; empty for a licence that is not open."""
        return LICENSE_URLS.get(License(self.license_id), "")

    @property
    def is_open(self) -> bool:
        return self.license_id != License.OTHER_CLOSED

    @property
    def shown_modified_at(self) -> datetime:
        """The modification time channels show (``changed_at``; the last edit until the first
        computation)."""
        return self.changed_at or self.modified_at

    def current_version(self, user: Any, at: Any = None) -> DatasetVersion | None:
        """The newest version the viewer may see (the stable "latest")."""
        return self.versions.visible_to(user, at).first()


class UploadStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CHECKING = "checking", _("Being checked")
    REJECTED = "rejected", _("Not synchronised")
    SYNCHRONISED = "synchronised", _("Synchronised")


class Upload(models.Model):
    """One check of a file as an agency sent it. The original is kept by its hash, whatever the
    outcome; checking the same file again with another mapping is a new row (``based_on``), so
    no earlier result is overwritten."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    key_columns = models.JSONField(_("key columns"), default=list, blank=True)
    unpivot = models.BooleanField(_("years as columns turned into rows"), default=False)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rechecks",
        verbose_name=_("check of the same file before"),
    )
    row_count = models.PositiveBigIntegerField(_("rows read"), null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list, blank=True)
    notices = models.JSONField(_("what was understood"), default=list, blank=True)
    missing = models.JSONField(_("missing values per column"), default=dict, blank=True)
    columns = models.JSONField(_("columns read"), default=list, blank=True)
    sheets = models.JSONField(_("sheets in the file"), default=list, blank=True)
    # The sheets the producer chose to read (empty: chosen by the check), and the alike sheets
    # stacked into one table when more than one was read.
    chosen_sheets = models.JSONField(_("sheets chosen"), default=list, blank=True)
    read_sheets = models.JSONField(_("sheets read"), default=list, blank=True)
    # {"stage": "read"|"load"|"check"|"store", "done": n, "total": n} while the check runs.
    progress = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    # While a worker checks the upload it beats this every SYNC_HEARTBEAT_SECONDS; a check
    # silent for SYNC_STALE_MINUTES lost its worker and is tried again once, then failed.
    heartbeat_at = models.DateTimeField(_("last sign of the check"), null=True, blank=True)
    check_attempts = models.PositiveSmallIntegerField(_("checks started"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    def missing_by_column(self) -> list[dict[str, Any]]:
        """Per column with empty cells: the count, the markers as written (an empty cell as
        ""), and the first places; checks from before markers were kept give the count only."""
        rows = []
        for column, found in self.missing.items():
            if isinstance(found, int):
                found = {"count": found, "markers": [], "places": []}
            if found.get("count"):
                rows.append({"column": column, **found})
        return rows


class DatasetVersionQuerySet(models.QuerySet["DatasetVersion"]):
    def released(self, at: Any = None) -> DatasetVersionQuerySet:
        """Versions released by ``at`` and not withdrawn then, whatever the item's access."""
        from satudata.releases.models import released_by

        return self.filter(released_by(at))

    def published(self, at: Any = None) -> DatasetVersionQuerySet:
        """Versions out for everyone at ``at``: released by then, of an open item."""
        return self.released(at).filter(dataset__item__access=Access.OPEN)

    def visible_to(self, user: Any, at: Any = None) -> DatasetVersionQuerySet:
        """THE gate for data on every channel (pages, search, APIs, catalogs, files, queries).

        Visibility follows from state and time alone, so a version published for a moment
        appears at that moment with no job running. Staff of the Walidata see every version;
        a producer also sees its own agency's; a person on a release's pre-release access list
        sees that version from their access time until the release; everyone else sees what
        is published.
        """
        from satudata.releases.models import gate

        return gate(self, user, self.published(at), "dataset__agency_id", at)  # type: ignore[return-value]


class DatasetVersion(models.Model):
    """A synchronised upload stored as typed Parquet. Versions are never overwritten."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    upload = models.OneToOneField(Upload, on_delete=models.PROTECT, related_name="version")
    path = models.CharField(max_length=300)
    row_count = models.PositiveBigIntegerField(_("rows"))
    columns = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the version is (or will be) out for everyone; empty while it waits for approval.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    # When it was taken back from the public (the release's withdrawal notice says why).
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # The regions the table has rows for (its region-code columns, with their parents), or the
    # whole regency when it has none: what the region pages list. Kept by ``cover_regions``.
    regions = models.ManyToManyField(
        "regions.Region", blank=True, related_name="dataset_versions", verbose_name=_("regions")
    )

    objects: ClassVar[DatasetVersionQuerySet] = DatasetVersionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["dataset", "-number"]
        indexes = [models.Index(fields=["dataset", "published_at"], name="version_published")]
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        Dataset.objects.filter(pk=self.dataset_id).refresh_public_from()
        Dataset.objects.filter(pk=self.dataset_id).refresh_release_times()

    # --- What the release workflow needs (``satudata.releases.models.Releasable``) ----------

    def release_title(self) -> str:
        return f"{self.dataset.title} (versi {self.number})"

    def release_agency(self) -> Any:
        return self.dataset.agency

    def release_url(self) -> str:
        from django.urls import reverse

        return reverse("portal:dataset-version", args=[self.dataset.slug, self.number])

    def release_formats(self) -> list[str]:
        from satudata.catalog.search import FORMATS

        return list(FORMATS)

    def release_version(self) -> int:
        return self.number

    def release_product_type(self) -> str:
        return "dataset"

    def release_item(self) -> DataItem:
        """The Daftar Data item it answers: its calendar entries are public as the item is."""
        return self.dataset.item

    def put_out(self, at: Any, actor: Any) -> None:
        """Out for everyone from ``at`` (None: taken off the schedule, not out)."""
        from satudata.catalog import search

        self.published_at, self.published_by = at, actor if at is not None else None
        # The dataset's ``modified_at`` is not stamped: the time channels show moves when the
        # release time comes (``DatasetQuerySet.with_release_times``), not when it is set.
        self.save(update_fields=["published_at", "published_by"])
        search.index(self.dataset)
        if at is not None and at <= timezone.now():
            # Publications that read this dataset are made again (issue 18); a release set for
            # a later time is caught by the periodic task once it is out.
            from satudata.products.publication_tasks import regenerate_stale_publications

            transaction.on_commit(regenerate_stale_publications.enqueue)

    def withdraw(self, at: Any) -> None:
        from satudata.catalog import search

        self.withdrawn_at = at
        self.save(update_fields=["withdrawn_at"])
        search.index(self.dataset)


class CatalogStamp(models.Model):
    """One row whose token changes, in the same transaction, with every save that changes a
    dataset's facet values (its agency, sector, year, frequency, level, licence, tags or
    topics): each process's copy of those values (``facetindex``) is rebuilt when it differs.
    A random token rather than a counter: a rolled-back change must not leave a later change
    with the same stamp as a copy built inside it."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str:
        return cls.objects.filter(pk=1).values_list("token", flat=True).first() or ""

    @classmethod
    def touch(cls, **_signal: Any) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token):
            cls.objects.update_or_create(pk=1, defaults={"token": token})
