"""Dissemination products (SOP activity 2) and their versions.

A product is what the Walidata composes from synchronised data: a statistical table (a cube
over one or more dataset versions), a chart bound to a table, an infographic, or a publication
of chapters. Its definition (``spec``) is edited on the product; each *version* freezes the
definition and the dataset versions it was built from, and keeps the files generated from them
(by content hash, never overwritten). A version is the ``Releasable`` that goes through the
release workflow exactly as a dataset version does, and the one gate (``visible_to``) treats it
as public from its ``published_at``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.releases.models import ProductType

if TYPE_CHECKING:
    from satudata.accounts.models import Agency


class ProductKind(models.TextChoices):
    """The kinds of product, with the release calendar's product-type codes."""

    TABLE = ProductType.TABLE.value, _("Table")
    CHART = ProductType.CHART.value, _("Chart")
    INFOGRAPHIC = ProductType.INFOGRAPHIC.value, _("Infographic")
    PUBLICATION = ProductType.PUBLICATION.value, _("Publication")


class ProductQuerySet(models.QuerySet["Product"]):
    def visible_to(self, user: Any, at: Any = None) -> ProductQuerySet:
        """Products with a version the viewer may see at ``at`` (the rule of
        ``ProductVersionQuerySet.visible_to``)."""
        versions = ProductVersion.objects.visible_to(user, at).values("product_id")
        return self.filter(pk__in=versions)


class Product(models.Model):
    """A dissemination product, edited by the Walidata; its versions are what is released."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("agency"),
    )
    sector = models.CharField(_("BPS sector"), max_length=60, blank=True)
    # The Daftar Data item it answers, if one: its calendar entries are public as the item is.
    item = models.ForeignKey(
        "catalog.DataItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("Daftar Data item"),
    )
    # The definition being edited, by kind: a table's selection and layout, a chart's mark and
    # the table it draws, an infographic's template and figures, a publication's title page.
    spec = models.JSONField(_("definition"), default=dict, blank=True)
    # A table or chart a chart or infographic draws from (the newest released version of it).
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
        verbose_name=_("drawn from"),
    )
    alt_text = models.TextField(_("text alternative"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ProductQuerySet] = ProductQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("dissemination product")
        verbose_name_plural = _("dissemination products")

    def __str__(self) -> str:
        return self.title


class Generation(models.TextChoices):
    """Where the generation of a version's files stands."""

    WAITING = "menunggu", _("Waiting")
    RUNNING = "berjalan", _("Generating")
    DONE = "selesai", _("Done")
    FAILED = "gagal", _("Failed")


class ProductVersionQuerySet(models.QuerySet["ProductVersion"]):
    def released(self, at: Any = None) -> ProductVersionQuerySet:
        """Versions released by ``at`` and not withdrawn then, whatever the item's access."""
        from satudata.releases.models import released_by

        return self.filter(released_by(at))

    def published(self, at: Any = None) -> ProductVersionQuerySet:
        """Versions out for everyone at ``at``: released by then, and of an open Daftar Data item
        when the product answers one (the rule of dataset versions)."""
        from satudata.catalog.models import Access

        return self.released(at).filter(
            models.Q(product__item__isnull=True) | models.Q(product__item__access=Access.OPEN)
        )

    def visible_to(self, user: Any, at: Any = None) -> ProductVersionQuerySet:
        """THE gate for products on every channel, the rule of dataset versions: staff of the
        Walidata see every version; a producer also sees its own agency's; a person on a
        release's pre-release access list sees that version from their access time; everyone
        else sees what is released."""
        from satudata.releases.models import gate

        return gate(self, user, self.published(at), "product__agency_id", at)  # type: ignore[return-value]


class ProductVersion(models.Model):
    """One released (or to-be-released) state of a product: its definition frozen, the dataset
    versions it was built from, the files generated. Never changed once generated; a change
    of data makes a new version with a note of what changed."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    spec = models.JSONField(_("definition"), default=dict)
    sources = models.ManyToManyField(
        "catalog.DatasetVersion",
        blank=True,
        related_name="product_versions",
        verbose_name=_("built from"),
    )
    change_note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    generation = models.CharField(
        _("generation"), max_length=10, choices=Generation.choices, default=Generation.WAITING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    generation_error = models.TextField(_("generation error"), blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    # When the version is (or will be) out for everyone; empty while it waits for approval.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects: ClassVar[ProductVersionQuerySet] = ProductVersionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["product", "-number"]
        verbose_name = _("product version")
        verbose_name_plural = _("product versions")
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="one_product_version_number")
        ]
        indexes = [
            models.Index(fields=["product", "published_at"], name="product_version_published")
        ]

    def __str__(self) -> str:
        return f"{self.product} v{self.number}"

    # --- What the release workflow needs (``satudata.releases.models.Releasable``) ----------

    def release_title(self) -> str:
        return f"{self.product.title} (versi {self.number})"

    def release_agency(self) -> Agency:
        return self.product.agency

    def release_url(self) -> str:
        from django.urls import reverse

        return reverse("products:version", args=[self.product.slug, self.number])

    def release_formats(self) -> list[str]:
        return sorted({f.format for f in self.files.all()})

    def release_version(self) -> int:
        return self.number

    def release_product_type(self) -> str:
        return str(self.product.kind)

    def release_item(self) -> Any:
        return self.product.item

    def release_problem(self, at: Any) -> str:
        """Why this version may not come out at ``at`` (empty when it may): every dataset
        version it was built from must be out for everyone by then, so that a product never
        shows data still under embargo or of a closed item."""
        from django.utils.translation import gettext as _

        from satudata.catalog.models import DatasetVersion

        out = DatasetVersion.objects.published(at).values("pk")
        waiting = list(self.sources.exclude(pk__in=out).select_related("dataset"))
        if not waiting:
            return ""
        names = ", ".join(f"{v.dataset.title} (versi {v.number})" for v in waiting)
        return _(
            "This product reads data that is not out for everyone by its release time: "
            "%(names)s. Release that data first (on the same date or earlier), or make a new "
            "version of the product from released data."
        ) % {"names": names}

    def put_out(self, at: Any, actor: Any) -> None:
        """Out for everyone from ``at`` (None: taken off the schedule, not out)."""
        self.published_at, self.published_by = at, actor if at is not None else None
        self.save(update_fields=["published_at", "published_by"])

    def withdraw(self, at: Any) -> None:
        self.withdrawn_at = at
        self.save(update_fields=["withdrawn_at"])


class ProductFile(models.Model):
    """A file generated for a product version (HTML, CSV, XLSX, JSON-stat, SDMX-CSV, PDF, PNG,
    SVG, DOCX), kept under its content digest."""

    version = models.ForeignKey(ProductVersion, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(_("format"), max_length=20)
    name = models.CharField(_("file name"), max_length=200)
    path = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "format", "name"]
        verbose_name = _("product file")
        verbose_name_plural = _("product files")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="one_product_file_name")
        ]

    def __str__(self) -> str:
        return self.name


# --- E: publications ---


class PublicationChapter(models.Model):
    """One chapter of a publication ("Kabupaten Dalam Angka", "Statistik Sektoral", a BRS-style
    release note): its title, its text in Markdown (sanitised when rendered), and the table and
    chart products it shows, in order.

    Chapters are rows rather than part of ``Product.spec`` because they are edited one by one
    (added, moved, removed) and their bindings must keep a bound table or chart from being
    deleted (PROTECT). The title page (ISSN, publication and catalogue numbers, size, editors,
    publisher, foreword, signatory; dissemination.md §3.1) lives in ``Product.spec["title_page"]``:
    plain text fields with no integrity to guard, frozen with the rest of the spec. When a
    version is made, chapters and title page alike are frozen into ``ProductVersion.spec``
    (``satudata.products.publications.frozen_spec``), so a version is rendered from its own
    definition, never from what is being edited."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("publication")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    text = models.TextField(_("text (Markdown)"), blank=True)

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("publication chapter")
        verbose_name_plural = _("publication chapters")

    def __str__(self) -> str:
        return self.title


class ChapterProduct(models.Model):
    """A table or chart product shown in a chapter, in order, with an optional caption (the
    product's title when empty)."""

    chapter = models.ForeignKey(
        PublicationChapter, on_delete=models.CASCADE, related_name="bindings"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    bound = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="chapter_bindings",
        verbose_name=_("table or chart"),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    caption_en = models.CharField(_("caption in English"), max_length=300, blank=True)

    class Meta:
        ordering = ["chapter", "position", "id"]
        verbose_name = _("product in a chapter")
        verbose_name_plural = _("products in a chapter")

    def __str__(self) -> str:
        return self.caption or self.bound.title
